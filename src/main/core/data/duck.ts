/** A short-lived in-memory DuckDB for one load, and a fast columnar reader into typed arrays. */
import { DuckDBInstance, DuckDBTypeId, type DuckDBConnection } from '@duckdb/node-api';

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

export class Duck {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly conn: DuckDBConnection,
  ) {}

  static async open(threads = 2): Promise<Duck> {
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

  /** Runs a query and returns every column: VARCHAR as (string|null)[], everything else as Float64Array (NULL → NaN). */
  async columns(sql: string): Promise<Columns> {
    const result = await this.conn.run(sql);
    const names = result.columnNames();
    const isText = names.map((_, i) => result.columnTypeId(i) === DuckDBTypeId.VARCHAR);
    const chunks = await result.fetchAllChunks();
    const rows = chunks.reduce((a, c) => a + c.rowCount, 0);
    const data: ColumnData[] = isText.map((t) => (t ? new Array<string | null>(rows) : new Float64Array(rows)));
    let offset = 0;
    for (const chunk of chunks) {
      const n = chunk.rowCount;
      for (let c = 0; c < names.length; c++) {
        const vec = chunk.getColumnVector(c);
        const out = data[c];
        if (isText[c]) {
          const o = out as (string | null)[];
          for (let i = 0; i < n; i++) {
            const v = vec.getItem(i);
            o[offset + i] = v === null ? null : String(v);
          }
        } else {
          const o = out as Float64Array;
          for (let i = 0; i < n; i++) {
            const v = vec.getItem(i);
            o[offset + i] = v === null ? NaN : typeof v === 'number' ? v : Number(v as bigint);
          }
        }
      }
      offset += n;
    }
    return { names, rows, data };
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
