/** A short-lived in-memory DuckDB for one load, and a fast columnar reader into typed arrays. */
import { availableParallelism } from 'node:os';
import type {
  DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBVector,
} from '@duckdb/node-api';
import { duckdb } from './duckdb-api';

const {
  DuckDBBigIntVector,
  DuckDBDoubleVector,
  DuckDBIntegerVector,
  DuckDBSmallIntVector,
  DuckDBTinyIntVector,
  DuckDBTypeId,
} = duckdb;

export type ColumnData = Float64Array | (string | null)[];

/** One column of a streamed chunk: DOUBLE as Float64Array (NULL → NaN), INTEGER as Int32Array. */
export type ChunkColumn = Float64Array | Int32Array;

export interface Columns {
  names: string[];
  rows: number;
  data: ColumnData[];
}

export { ident, lit } from './sql';

type NumericItems = Float64Array | Int32Array | Int16Array | Int8Array | BigInt64Array;

/** A numeric vector's values and validity mask (the fields behind its per-value getItem). */
function internals(vec: DuckDBVector): { items: NumericItems; nulls: (i: number) => boolean } | undefined {
  const inner = vec as unknown as {
    items?: unknown;
    validity?: { data: BigUint64Array | null; offset: number };
  };
  const items = inner.items;
  if (
    !(
      items instanceof Float64Array ||
      items instanceof Int32Array ||
      items instanceof Int16Array ||
      items instanceof Int8Array ||
      items instanceof BigInt64Array
    ) ||
    !inner.validity
  ) {
    return undefined;
  }
  const mask = inner.validity.data;
  if (!mask) return { items, nulls: () => false };
  const bytes = new Uint8Array(mask.buffer, mask.byteOffset, mask.byteLength);
  const base = inner.validity.offset;
  return { items, nulls: (i) => (bytes[(base + i) >> 3] & (1 << ((base + i) & 7))) === 0 };
}

/** Whether any of the first n values is NULL, and if so calls `onNull` for each. */
function forNulls(vec: DuckDBVector, n: number, onNull: (i: number) => void): void {
  const mask = (vec as unknown as { validity?: { data: BigUint64Array | null; offset: number } }).validity;
  if (!mask?.data) return;
  const bytes = new Uint8Array(mask.data.buffer, mask.data.byteOffset, mask.data.byteLength);
  const base = mask.offset;
  for (let i = 0; i < n; i++) {
    const bit = base + i;
    if ((bytes[bit >> 3] & (1 << (bit & 7))) === 0) onNull(i);
  }
}

/**
 * Bulk copy of a numeric vector into a Float64Array: the values as one typed-array copy (or a tight
 * conversion loop), then NaN where the validity mask says NULL. (The vector's getItem tests validity
 * with BigInt arithmetic, ~10× slower per value.) Returns false for vectors without that layout.
 */
function copyNumbers(vec: DuckDBVector, n: number, out: Float64Array, offset: number): boolean {
  const inner = internals(vec);
  if (!inner) return false;
  const { items } = inner;
  if (items instanceof Float64Array) out.set(items.subarray(0, n), offset);
  else if (items instanceof BigInt64Array) for (let i = 0; i < n; i++) out[offset + i] = Number(items[i]);
  else for (let i = 0; i < n; i++) out[offset + i] = items[i];
  forNulls(vec, n, (i) => (out[offset + i] = NaN));
  return true;
}

/** The vector types copyNumbers reads in bulk. */
function isBulkNumeric(vec: DuckDBVector): boolean {
  return (
    vec instanceof DuckDBDoubleVector ||
    vec instanceof DuckDBIntegerVector ||
    vec instanceof DuckDBBigIntVector ||
    vec instanceof DuckDBSmallIntVector ||
    vec instanceof DuckDBTinyIntVector
  );
}

export class Duck {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
    /** Whether close() also closes the database (false for the extra connections of `connect`). */
    private readonly owner = true,
  ) {}

  static async open(threads = availableParallelism()): Promise<Duck> {
    const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: String(threads) });
    return new Duck(instance, await instance.connect());
  }

  /** Another connection to the same database, for queries that run alongside this one's. */
  async connect(): Promise<Duck> {
    return new Duck(this.instance, await this.instance.connect(), false);
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
        } else if (!isBulkNumeric(vec) || !copyNumbers(vec, n, out as Float64Array, offset)) {
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

  /**
   * Streams a query's result chunk by chunk into `onChunk` (DuckDB fetches the next chunk while
   * `onChunk` works on this one), without copying: the arrays are views of the chunk, valid only
   * during the call. Columns must be DOUBLE (NULL → NaN) or INTEGER (NULL is an error); cast in SQL.
   * Returns the number of rows.
   */
  async forEachChunk(sql: string, onChunk: (columns: ChunkColumn[], rows: number) => void): Promise<number> {
    const result = await this.conn.stream(sql);
    const names = result.columnNames();
    names.forEach((name, c) => {
      const t = result.columnTypeId(c);
      if (t !== DuckDBTypeId.DOUBLE && t !== DuckDBTypeId.INTEGER) {
        throw new Error(`forEachChunk: column ${name} is ${DuckDBTypeId[t]}; expected DOUBLE or INTEGER`);
      }
    });
    let total = 0;
    let next: Promise<DuckDBDataChunk | null> = result.fetchChunk();
    try {
      for (;;) {
        const chunk = await next;
        if (!chunk || chunk.rowCount === 0) break;
        next = result.fetchChunk();
        const n = chunk.rowCount;
        const columns = names.map((name, c) => {
          const vec = chunk.getColumnVector(c);
          const items = internals(vec)?.items;
          if (items instanceof Float64Array) {
            const view = items.subarray(0, n);
            forNulls(vec, n, (i) => (view[i] = NaN));
            return view;
          }
          if (items instanceof Int32Array) {
            forNulls(vec, n, (i) => {
              throw new Error(`forEachChunk: NULL in INTEGER column ${name} (row ${total + i})`);
            });
            return items.subarray(0, n);
          }
          throw new Error(`forEachChunk: cannot read column ${name} in bulk`);
        });
        onChunk(columns, n);
        total += n;
      }
    } catch (err) {
      await next.catch(() => null); // let an in-flight fetch settle before the caller moves on
      throw err;
    }
    return total;
  }

  close(): void {
    this.conn.closeSync();
    if (this.owner) this.instance.closeSync();
  }
}
