/** Quoting for the SQL we send DuckDB (no DuckDB import: modules that only build SQL text stay light). */

/** SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** SQL identifier. */
export function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
