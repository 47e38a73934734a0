/**
 * Table: the company-level data the loaders produce and the feature pipeline consumes, before any
 * encoding. Column-oriented: numeric columns are Float64Array with NaN for missing, categorical
 * columns are (string | null)[] with null for missing.
 */

export interface NumericColumn {
  name: string;
  kind: 'numeric';
  values: Float64Array;
}

export interface CategoricalColumn {
  name: string;
  kind: 'categorical';
  /** One value per row (null = missing); a column built from codes fills it on first read. */
  readonly values: (string | null)[];
  /**
   * The same values as dictionary codes, when the loader had them (0 = missing, k = dictionary[k − 1]):
   * the feature pipeline then encodes through a lookup per dictionary entry, not a string per row.
   */
  readonly coded?: { codes: Int32Array; dictionary: readonly string[] };
}

export type Column = NumericColumn | CategoricalColumn;

export interface Table {
  rows: number;
  columns: Column[];
}

export function numericColumn(name: string, values: Float64Array): NumericColumn {
  return { name, kind: 'numeric', values };
}

export function categoricalColumn(name: string, values: (string | null)[]): CategoricalColumn {
  return { name, kind: 'categorical', values };
}

/** A categorical column from dictionary codes (0 = missing, k = dictionary[k − 1]). */
export function codedCategoricalColumn(
  name: string,
  codes: Int32Array,
  dictionary: readonly string[],
): CategoricalColumn {
  let values: (string | null)[] | undefined;
  return {
    name,
    kind: 'categorical',
    coded: { codes, dictionary },
    get values() {
      return (values ??= Array.from(codes, (k) => (k > 0 ? dictionary[k - 1] : null)));
    },
  };
}

/** Rows of a column (without turning codes into text). */
export function columnLength(c: Column): number {
  return c.kind === 'categorical' && c.coded ? c.coded.codes.length : c.values.length;
}

export function makeTable(columns: Column[]): Table {
  const rows = columns.length ? columnLength(columns[0]) : 0;
  for (const c of columns) {
    const n = columnLength(c);
    if (n !== rows) throw new Error(`column ${c.name} has ${n} rows, expected ${rows}`);
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new Error(`duplicate column ${c.name}`);
    seen.add(c.name);
  }
  return { rows, columns };
}

export function getColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function columnNames(table: Table): string[] {
  return table.columns.map((c) => c.name);
}

/** The rows at `index`, in that order (for splits and previews). */
export function takeRows(table: Table, index: ArrayLike<number>): Table {
  const n = index.length;
  return {
    rows: n,
    columns: table.columns.map((c) => {
      if (c.kind === 'numeric') {
        const v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = c.values[index[i]];
        return numericColumn(c.name, v);
      }
      const v = new Array<string | null>(n);
      for (let i = 0; i < n; i++) v[i] = c.values[index[i]];
      return categoricalColumn(c.name, v);
    }),
  };
}

/** Row i as a record (numbers with null for NaN), the shape the scoring API accepts. */
export function rowRecord(table: Table, i: number): Record<string, number | string | null> {
  const out: Record<string, number | string | null> = {};
  for (const c of table.columns) {
    const v = c.values[i];
    out[c.name] = typeof v === 'number' && Number.isNaN(v) ? null : v;
  }
  return out;
}
