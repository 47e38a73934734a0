/**
 * Reading one CSV file into DuckDB with the checks that turn the usual mistakes into clear errors:
 * missing file, empty file, wrong delimiter, missing column, a header without rows, and a value that
 * does not fit its column's type (named by file, column and line).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { closest } from '../../../shared/config/suggest';
import { DataError } from './errors';
import type { Duck } from './duck';
import { ident, lit } from './sql';

export type CsvType = 'VARCHAR' | 'BIGINT' | 'DOUBLE' | 'TIMESTAMP';

const TYPE_WORDS: Record<CsvType, string> = {
  VARCHAR: 'text',
  BIGINT: 'an integer',
  DOUBLE: 'a number',
  TIMESTAMP: 'a date or timestamp (YYYY-MM-DD[ HH:MM:SS])',
};

function readHead(file: string, bytes = 65536): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Splits a header line on commas, honouring double quotes. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/** Checks the file exists, is not empty, is comma-separated and has the required columns; returns the header. */
export function inspectCsv(file: string, required: readonly string[]): string[] {
  const name = path.basename(file);
  if (!existsSync(file)) throw new DataError(`${name}: file not found (${file})`, { file });
  if (statSync(file).isDirectory()) throw new DataError(`${name}: is a folder, expected a CSV file (${file})`, { file });
  const head = readHead(file).replace(/^\uFEFF/, '');
  if (head.trim() === '') throw new DataError(`${name}: file is empty, expected a header line and rows`, { file });
  const headerLine = head.split(/\r?\n/)[0];
  if (!headerLine.includes(',')) {
    const other = [';', '\t', '|'].find((d) => headerLine.includes(d));
    if (other) {
      const shown = other === '\t' ? 'tab' : `"${other}"`;
      throw new DataError(`${name}: the header is separated by ${shown}; expected comma-separated values`, {
        file,
        line: 1,
      });
    }
  }
  const header = splitCsvLine(headerLine);
  const dupe = header.find((h, i) => header.indexOf(h) !== i);
  if (dupe) throw new DataError(`${name}: column ${dupe} appears twice in the header`, { file, line: 1 });
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) {
    const hints = missing.map((m) => {
      const near = closest(m, header);
      return near ? `${m} (found ${near} — wrong name or case?)` : m;
    });
    throw new DataError(
      `${name}: missing column${missing.length > 1 ? 's' : ''} ${hints.join(', ')}; the header has ${header.join(', ')}`,
      { file, column: missing[0], line: 1 },
    );
  }
  return header;
}

/** A value that does not fit its column's type (the column and line are in `details`). */
export class CsvValueError extends DataError {}

/** Turns DuckDB's conversion error into "file: column X, line N: expected …, got …" (a CsvValueError). */
function conversionError(err: unknown, file: string, types: Record<string, CsvType>): DataError {
  const name = path.basename(file);
  const msg = err instanceof Error ? err.message : String(err);
  const line = /CSV Error on Line: (\d+)/.exec(msg)?.[1];
  const column = /converting column "([^"]+)"/.exec(msg)?.[1];
  const value = /Could not convert string "([^"]*)"/.exec(msg)?.[1];
  if (line && column && column in types) {
    const got = value !== undefined ? `, got "${value}"` : '';
    return new CsvValueError(
      `${name}: column ${column}, line ${line} (data row ${Number(line) - 1}): expected ${TYPE_WORDS[types[column]]}${got}`,
      { file, column, line: Number(line) },
    );
  }
  const first = msg.split('\n').find((l) => l.trim()) ?? msg;
  const where = line ? `, line ${line}` : '';
  return new DataError(`${name}${where}: cannot read as CSV: ${first}`, { file, line: line ? Number(line) : undefined });
}

/**
 * Loads `file` into table `table` with the given column types (others as text). Insertion order is
 * kept, so the table's rowid is the row's position in the file. Throws DataError for a header-only file or a value of the wrong type.
 */
export async function loadCsv(
  duck: Duck,
  table: string,
  file: string,
  types: Record<string, CsvType>,
): Promise<{ header: string[]; rows: number }> {
  const header = inspectCsv(file, Object.keys(types));
  const cols = header.map((h) => `${lit(h)}: ${lit(types[h] ?? 'VARCHAR')}`).join(', ');
  try {
    await duck.run(
      `CREATE OR REPLACE TABLE ${ident(table)} AS SELECT * FROM read_csv(${lit(file)}, ` +
        `header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {${cols}})`,
    );
  } catch (err) {
    throw conversionError(err, file, types);
  }
  const rows = Number(await duck.scalar(`SELECT count(*) FROM ${ident(table)}`));
  if (rows === 0) {
    throw new DataError(`${path.basename(file)}: has a header but no data rows`, { file, line: 2 });
  }
  return { header, rows };
}
