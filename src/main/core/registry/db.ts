import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';

const nodeRequire = createRequire(import.meta.url);
let sqlite: typeof Database | undefined;

/**
 * better-sqlite3, loaded on the first open rather than at import (its native library takes ~12 ms,
 * which `mlsys train` spends after handing the run to its worker).
 */
function sqliteDatabase(): typeof Database {
  return (sqlite ??= nodeRequire('better-sqlite3') as typeof Database);
}

/**
 * Inside Electron, better-sqlite3 needs a build for Electron's ABI; the shell points
 * MLSYS_SQLITE_BINDING at it (see scripts/rebuild-electron-native.mjs) so Node keeps its own build.
 */
function nativeBinding(): string | undefined {
  return process.env.MLSYS_SQLITE_BINDING || undefined;
}

/** Opens the registry database with WAL, foreign keys and a busy timeout for multi-process use. */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): Database.Database {
  // The busy timeout is set at open (before switching to WAL), so two processes opening a fresh
  // database at the same moment wait for each other instead of failing with SQLITE_BUSY.
  const SqliteDatabase = sqliteDatabase();
  const db = new SqliteDatabase(file, {
    timeout: Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000)),
    nativeBinding: nativeBinding(),
  });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  return db;
}
