/** Raw scoring records → a Table with the pipeline's input columns, with per-field checks. */
import { categoricalColumn, numericColumn, type Column, type Table } from '../data/table';

/** A record that cannot be scored: which record, which field, what is wrong. */
export class RecordError extends Error {
  constructor(
    readonly index: number,
    readonly field: string,
    readonly detail: string,
  ) {
    super(`record ${index}: ${field}: ${detail}`);
    this.name = 'RecordError';
  }
}

export interface InputSpec {
  name: string;
  type: 'number' | 'category';
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

/** Absent or null = missing. Numbers must be finite; categories are text (finite numbers are accepted as text). */
export function recordsToTable(records: readonly unknown[], inputs: readonly InputSpec[]): Table {
  if (!Array.isArray(records)) throw new RecordError(-1, '(records)', 'expected a list of records');
  const n = records.length;
  const columns: Column[] = inputs.map((spec) =>
    spec.type === 'number'
      ? numericColumn(spec.name, new Float64Array(n))
      : categoricalColumn(spec.name, new Array<string | null>(n)),
  );
  for (let i = 0; i < n; i++) {
    const rec = records[i];
    if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
      throw new RecordError(
        i,
        '(record)',
        `expected an object of field values, got ${rec === null ? 'null' : describe(rec)}`,
      );
    }
    const r = rec as Record<string, unknown>;
    inputs.forEach((spec, j) => {
      const v = r[spec.name];
      const col = columns[j];
      if (col.kind === 'numeric') {
        if (v === undefined || v === null) col.values[i] = NaN;
        else if (typeof v !== 'number')
          throw new RecordError(i, spec.name, `expected a number or null, got ${describe(v)}`);
        else if (!Number.isFinite(v))
          throw new RecordError(i, spec.name, `expected a finite number, got ${String(v)}`);
        else col.values[i] = v;
      } else {
        if (v === undefined || v === null) col.values[i] = null;
        else if (typeof v === 'string') col.values[i] = v;
        else if (typeof v === 'number' && Number.isFinite(v)) col.values[i] = String(v);
        else throw new RecordError(i, spec.name, `expected a category (text) or null, got ${describe(v)}`);
      }
    });
  }
  return { rows: n, columns };
}
