import Database from 'better-sqlite3';

/** Opens the registry database with WAL, foreign keys and a busy timeout for multi-process use. */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 10_000))}`);
  return db;
}
