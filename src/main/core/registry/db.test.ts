import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from './db';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mlsys-db-'));
const nodeBuild = path.join(
  path.dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')),
  'build/Release/better_sqlite3.node',
);

afterEach(() => {
  delete process.env.MLSYS_SQLITE_BINDING;
});

describe('openDatabase', () => {
  it('loads the native build named by MLSYS_SQLITE_BINDING (how the Electron shell uses its ABI build)', () => {
    process.env.MLSYS_SQLITE_BINDING = nodeBuild;
    const db = openDatabase(path.join(dir, 'a.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('fails clearly when that build is missing', () => {
    process.env.MLSYS_SQLITE_BINDING = path.join(dir, 'missing.node');
    expect(() => openDatabase(path.join(dir, 'b.db'))).toThrow(/missing\.node/);
  });
});
