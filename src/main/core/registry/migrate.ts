import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { RegistrySchemaError } from './errors';
import { MIGRATIONS, type Migration } from './migrations';

export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  applied_at: string;
}

export function migrationChecksum(m: Migration): string {
  return createHash('sha256').update(m.sql).digest('hex');
}

export function appliedMigrations(db: Database.Database): AppliedMigration[] {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!exists) return [];
  return db
    .prepare('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')
    .all() as AppliedMigration[];
}

function describe(m: { version: number; name: string }): string {
  return `${String(m.version).padStart(3, '0')}-${m.name}`;
}

/** Throws unless `applied` is a prefix of `known` (same versions, names and checksums, in order). */
export function checkPrefix(applied: AppliedMigration[], known: readonly Migration[], where: string): void {
  for (let i = 0; i < applied.length; i++) {
    const a = applied[i];
    const k = known[i];
    if (!k) {
      throw new RegistrySchemaError(
        `The registry database ${where} has migration ${describe(a)} applied, which this version of ml-sys ` +
          `does not know (it knows up to ${known.length ? describe(known[known.length - 1]) : 'none'}). ` +
          'It was written by a newer ml-sys; refusing to open it. Use that version, or another --registry-path.',
      );
    }
    if (a.version !== k.version || a.name !== k.name || a.checksum !== migrationChecksum(k)) {
      throw new RegistrySchemaError(
        `The registry database ${where} has migration ${describe(a)} applied where this version of ml-sys ` +
          `expects ${describe(k)}${a.version === k.version && a.name === k.name ? ' with different contents' : ''}. ` +
          'Its applied migrations are not a prefix of the known ones; refusing to open it.',
      );
    }
  }
}

/**
 * Brings the database up to date inside one IMMEDIATE transaction (so two processes opening a fresh
 * database at once cannot both migrate). Returns the versions applied now.
 */
export function migrate(
  db: Database.Database,
  where: string,
  known: readonly Migration[] = MIGRATIONS,
): number[] {
  const run = db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied = appliedMigrations(db);
    checkPrefix(applied, known, where);
    const insert = db.prepare(
      'INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)',
    );
    const done: number[] = [];
    for (const m of known.slice(applied.length)) {
      db.exec(m.sql);
      insert.run(m.version, m.name, migrationChecksum(m), new Date().toISOString());
      done.push(m.version);
    }
    return done;
  });
  return run.immediate();
}
