/**
 * MLflow's scoring protocol (`POST /invocations`): the four JSON envelopes and CSV, turned into the
 * same raw records `/score` takes. Positional rows follow the signature's column order.
 */
import type { z } from 'zod';
import type { InputSignature } from '../../../shared/model/signature';
import { parseCsv } from './csv';
import { HttpError } from './http-error';
import { typeName } from './records';
import { Columns, DataframeSplit, RecordList, Rows } from './schemas';

const KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
type EnvelopeKey = (typeof KEYS)[number];
type Path = (string | number)[];

/** The first zod issue as a 400; `locate` turns its path into the record index and field. */
function invalid(prefix: Path, err: z.ZodError, locate: (path: Path) => [number?, string?]): HttpError {
  const issue = err.issues[0];
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  const [index, field] = locate(path);
  const where = [...prefix, ...path].join('.');
  return new HttpError(400, 'invalid_request', `${where}: ${issue.message}`, index, field);
}

function check<T>(
  schema: z.ZodType<T>,
  value: unknown,
  prefix: Path,
  locate: (path: Path) => [number?, string?],
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(prefix, parsed.error, locate);
  return parsed.data;
}

const recordPath = (p: Path): [number?, string?] => [
  typeof p[0] === 'number' ? p[0] : undefined,
  typeof p[1] === 'string' ? p[1] : undefined,
];

function fromRows(rows: unknown[][], columns: string[], what: string): Record<string, unknown>[] {
  return rows.map((row, i) => {
    if (row.length !== columns.length) {
      throw new HttpError(
        400,
        'invalid_record',
        `${what} row ${i} has ${row.length} values; expected ${columns.length}`,
        i,
      );
    }
    const rec: Record<string, unknown> = {};
    for (let j = 0; j < columns.length; j++) rec[columns[j]] = row[j];
    return rec;
  });
}

function fromColumns(cols: Record<string, unknown[]>): Record<string, unknown>[] {
  const names = Object.keys(cols);
  const n = names.length ? cols[names[0]].length : 0;
  for (const name of names) {
    if (cols[name].length !== n) {
      throw new HttpError(
        400,
        'invalid_request',
        `inputs.${name} has ${cols[name].length} values; expected ${n}`,
        undefined,
        name,
      );
    }
  }
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const rec: Record<string, unknown> = {};
    for (const name of names) rec[name] = cols[name][i];
    out.push(rec);
  }
  return out;
}

/** `instances` / `inputs`: a list of records, a list of positional rows, or (inputs) columns. */
function fromListOrColumns(
  value: unknown,
  key: EnvelopeKey,
  signature: InputSignature,
): Record<string, unknown>[] {
  const names = signature.columns.map((c) => c.name);
  if (Array.isArray(value) && value.length > 0 && Array.isArray(value[0])) {
    const rows = check(Rows, value, [key], (p) => [
      typeof p[0] === 'number' ? p[0] : undefined,
      typeof p[1] === 'number' ? names[p[1]] : undefined,
    ]);
    return fromRows(rows, names, key);
  }
  if (Array.isArray(value)) return check(RecordList, value, [key], recordPath);
  if (key === 'inputs' && typeof value === 'object' && value !== null) {
    const cols = check(Columns, value, [key], (p) => [
      typeof p[1] === 'number' ? p[1] : undefined,
      typeof p[0] === 'string' ? p[0] : undefined,
    ]);
    return fromColumns(cols);
  }
  throw new HttpError(
    400,
    'invalid_request',
    `${key}: expected a list${key === 'inputs' ? ' or an object of columns' : ''}, got ${typeName(value)}`,
  );
}

/** A parsed JSON body in one of MLflow's envelopes → raw records (not yet checked by signature). */
export function recordsFromInvocationJson(
  body: unknown,
  signature: InputSignature,
): Record<string, unknown>[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_request', `Expected a JSON object, got ${typeName(body)}`);
  }
  const keys = KEYS.filter((k) => k in body);
  if (keys.length !== 1) {
    throw new HttpError(
      400,
      'invalid_request',
      keys.length === 0 ? `Expected one of ${KEYS.join(', ')}` : `Send exactly one of ${keys.join(', ')}`,
    );
  }
  const key = keys[0];
  const value = (body as Record<string, unknown>)[key];
  if (key === 'dataframe_split') {
    const columns = (value as { columns?: unknown } | null)?.columns;
    const { dataframe_split: split } = check(DataframeSplit, body, [], (p) => [
      p[1] === 'data' && typeof p[2] === 'number' ? p[2] : undefined,
      p[1] === 'data' &&
      typeof p[3] === 'number' &&
      Array.isArray(columns) &&
      typeof columns[p[3]] === 'string'
        ? (columns[p[3]] as string)
        : undefined,
    ]);
    return fromRows(split.data, split.columns, 'dataframe_split.data');
  }
  if (key === 'dataframe_records') return check(RecordList, value, [key], recordPath);
  return fromListOrColumns(value, key, signature);
}

/** CSV with a header row → raw records; numeric signature columns are parsed, empty cells are null. */
export function recordsFromCsv(text: string, signature: InputSignature): Record<string, unknown>[] {
  const rows = parseCsv(text);
  if (rows.length === 0)
    throw new HttpError(400, 'invalid_request', 'CSV body is empty; send a header row and records');
  const header = rows[0].map((h) => h.trim());
  const numeric = new Set(signature.columns.filter((c) => c.type === 'number').map((c) => c.name));
  const out: Record<string, unknown>[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i];
    if (row.length !== header.length) {
      throw new HttpError(
        400,
        'invalid_record',
        `CSV record ${i - 1} has ${row.length} cells; the header has ${header.length}`,
        i - 1,
      );
    }
    const rec: Record<string, unknown> = {};
    for (let j = 0; j < header.length; j++) {
      const cell = row[j];
      const name = header[j];
      if (cell === '') rec[name] = null;
      else if (numeric.has(name)) {
        const t = cell.trim();
        const n = Number(t);
        // unparsable text stays a string so the signature check reports it as a wrong type
        rec[name] = t !== '' && (!Number.isNaN(n) || t === 'NaN') ? n : cell;
      } else rec[name] = cell;
    }
    out.push(rec);
  }
  return out;
}
