/** A short-lived in-memory DuckDB for one load, and a fast columnar reader into typed arrays. */
import { availableParallelism } from 'node:os';
import { DuckDBDoubleVector, DuckDBInstance, DuckDBTypeId, type DuckDBConnection, type DuckDBVector } from '@duckdb/node-api';

export type ColumnData = Float64Array | (string | null)[];

export interface Columns {
  names: string[];
  rows: number;
  data: ColumnData[];
}

/** SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** SQL identifier. */
export function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/**
 * Bulk copy of a DOUBLE vector: the values as one typed-array copy, then NaN where the validity mask
 * says NULL. (The vector's getItem tests validity with BigInt arithmetic, ~10× slower per value.)
 */
function copyDoubles(vec: DuckDBDoubleVector, n: number, out: Float64Array, offset: number): void {
  const inner = vec as unknown as {
    items?: Float64Array;
    validity?: { data: BigUint64Array | null; offset: number };
  };
  if (!(inner.items instanceof Float64Array) || !inner.validity) {
    for (let i = 0; i < n; i++) out[offset + i] = (vec as DuckDBVector<number>).getItem(i) ?? NaN;
    return;
  }
  out.set(inner.items.subarray(0, n), offset);
  const mask = inner.validity.data;
  if (!mask) return;
  const bytes = new Uint8Array(mask.buffer, mask.byteOffset, mask.byteLength);
  const base = inner.validity.offset;
  for (let i = 0; i < n; i++) {
    const bit = base + i;
    if ((bytes[bit >> 3] & (1 << (bit & 7))) === 0) out[offset + i] = NaN;
  }
}

export class Duck {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(threads = availableParallelism()): Promise<Duck> {
    const instance = await DuckDBInstance.create(':memory:', { threads: String(threads) });
    return new Duck(instance, await instance.connect());
  }

  async run(sql: string): Promise<void> {
    await this.conn.run(sql);
  }

  async scalar(sql: string): Promise<unknown> {
    const r = await this.conn.runAndReadAll(sql);
    const v = r.getRows()[0]?.[0];
    return typeof v === 'bigint' ? Number(v) : v;
  }

  async rows(sql: string): Promise<unknown[][]> {
    const r = await this.conn.runAndReadAll(sql);
    return r.getRowsJS().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
  }

  /**
   * Runs a query and returns every column: VARCHAR as (string|null)[], everything else as
   * Float64Array (NULL → NaN). With `knownRows` the result is streamed chunk by chunk into arrays of
   * that size (less peak memory); otherwise it is materialised first. With `atMost`, `knownRows` is
   * an upper bound and the arrays are trimmed to the rows that came.
   */
  async columns(sql: string, knownRows?: number, options: { atMost?: boolean } = {}): Promise<Columns> {
    const result = knownRows === undefined ? await this.conn.run(sql) : await this.conn.stream(sql);
    const names = result.columnNames();
    const isText = names.map((_, i) => result.columnTypeId(i) === DuckDBTypeId.VARCHAR);
    const chunks = knownRows === undefined ? await result.fetchAllChunks() : undefined;
    const rows = knownRows ?? chunks!.reduce((a, c) => a + c.rowCount, 0);
    const data: ColumnData[] = isText.map((t) => (t ? new Array<string | null>(rows) : new Float64Array(rows)));
    let offset = 0;
    let k = 0;
    for (;;) {
      const chunk = chunks ? chunks[k++] : await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const n = chunk.rowCount;
      if (offset + n > rows) throw new Error(`query returned more than the expected ${rows} rows`);
      for (let c = 0; c < names.length; c++) {
        const vec = chunk.getColumnVector(c);
        const out = data[c];
        if (isText[c]) {
          const o = out as (string | null)[];
          for (let i = 0; i < n; i++) {
            const v = vec.getItem(i);
            o[offset + i] = v === null ? null : String(v);
          }
        } else if (vec instanceof DuckDBDoubleVector) copyDoubles(vec, n, out as Float64Array, offset);
        else {
          const o = out as Float64Array;
          for (let i = 0; i < n; i++) {
            const v = vec.getItem(i);
            o[offset + i] = v === null ? NaN : typeof v === 'number' ? v : Number(v as bigint);
          }
        }
      }
      offset += n;
    }
    if (options.atMost && offset < rows) {
      const trimmed = data.map((d) => (d instanceof Float64Array ? d.subarray(0, offset) : d.slice(0, offset)));
      return { names, rows: offset, data: trimmed };
    }
    if (offset !== rows) throw new Error(`query returned ${offset} rows, expected ${rows}`);
    return { names, rows, data };
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
