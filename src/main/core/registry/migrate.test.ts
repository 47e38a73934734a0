import Database from 'better-sqlite3';
import { copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry, RegistrySchemaError } from './index';
import { appliedMigrations, migrationChecksum } from './migrate';
import { MIGRATIONS } from './migrations';
import { registerVersion, tempDir } from './fixtures/helpers';

const fixture = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'registry-v1.db');
const open: Registry[] = [];
const openReg = (dir: string): Registry => {
  const r = Registry.open(dir);
  open.push(r);
  return r;
};
afterEach(() => {
  while (open.length) open.pop()!.close();
});

function tables(db: Database.Database): string[] {
  return (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  ).map((r) => r.name);
}

describe('migrations', () => {
  it('are numbered 1..n without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('create a fresh database with every migration, WAL and foreign keys', () => {
    const dir = tempDir();
    const reg = openReg(dir);
    expect(appliedMigrations(reg.db).map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(tables(reg.db)).toEqual(
      expect.arrayContaining(['runs', 'params', 'metrics', 'model_versions', 'aliases', 'promotion_log']),
    );
    expect(reg.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(reg.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(Number(reg.db.pragma('busy_timeout', { simple: true }))).toBeGreaterThan(0);
    reg.close();
    // Reopening applies nothing new and keeps the record.
    const again = openReg(dir);
    expect(appliedMigrations(again.db)).toHaveLength(MIGRATIONS.length);
  });

  it('upgrade the checked-in v1 database: add model tables and backfill the run summary columns', () => {
    const dir = tempDir();
    copyFileSync(fixture, path.join(dir, 'registry.db'));
    const before = new Database(path.join(dir, 'registry.db'), { readonly: true });
    expect(appliedMigrations(before).map((m) => m.version)).toEqual([1]);
    expect(tables(before)).not.toContain('model_versions');
    before.close();

    const reg = openReg(dir);
    expect(appliedMigrations(reg.db).map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const { total, runs } = reg.listRuns({ sort: { key: 'metrics.roc_auc', dir: 'desc' } });
    expect(total).toBe(3);
    expect(runs.map((r) => r.name)).toEqual(['legacy-2', 'legacy-1', 'legacy-3']);
    expect(runs[0].params).toEqual({
      seed: 2,
      'model.algorithm': 'gbdt',
      'model.max_depth': 6,
      'model.learning_rate': 0.05,
    });
    expect(runs[0].metrics.roc_auc).toBeCloseTo(0.84);
    expect(runs[0].tags).toEqual({ generation: 'v1' });
    expect(reg.listRuns({ filter: [{ key: 'params.model.max_depth', op: '>=', value: 4 }] }).total).toBe(2);
    // The upgraded database is fully usable: an old run gets a model version.
    const bundleDir = tempDir();
    const res = registerVersion(reg, bundleDir, { roc_auc: 0.9 });
    expect(res.promoted).toBe(true);
    expect(reg.db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('refuse a database with a migration this build does not know', () => {
    const dir = tempDir();
    openReg(dir).close();
    const db = new Database(path.join(dir, 'registry.db'));
    db.prepare("INSERT INTO schema_migrations VALUES (?, 'from-the-future', 'abc', '2030-01-01')").run(
      MIGRATIONS.length + 1,
    );
    db.close();
    expect(() => Registry.open(dir)).toThrow(RegistrySchemaError);
    expect(() => Registry.open(dir)).toThrow(/from-the-future.*does not know.*newer ml-sys/s);
  });

  it('refuse a database whose applied migration differs from the known one', () => {
    const dir = tempDir();
    openReg(dir).close();
    const db = new Database(path.join(dir, 'registry.db'));
    db.prepare("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 2").run();
    db.close();
    expect(() => Registry.open(dir)).toThrow(/not a prefix/);
  });

  it('fixture records the current checksum of migration 1 (shipped migrations are never edited)', () => {
    const db = new Database(fixture, { readonly: true });
    expect(appliedMigrations(db)[0].checksum).toBe(migrationChecksum(MIGRATIONS[0]));
    db.close();
  });
});
