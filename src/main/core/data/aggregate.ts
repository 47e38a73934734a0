/**
 * Per-company usage aggregates, computed from the usage rows that passed the cutoff.
 *
 * DuckDB reads, joins and filters the rows; grouping happens here because the group key is a dense
 * company index, so the aggregates are plain array updates. That was 5–10× faster than DuckDB's hash
 * aggregation with the ~100 aggregates of windows mode. Rows arrive in pieces (DuckDB's result
 * chunks, never gathered into one big copy) and each piece is aggregated counter by counter: one
 * tight loop per counter updating that counter's per-company arrays (~2.5× faster than updating all
 * counters of a row at once). The loops run as WebAssembly (usage-kernels.ts), ~2× faster again.
 *
 * all_time: per counter sum / mean / max over all rows, `usage_rows`, `days_since_last_usage`.
 * windows:  the same per window (rows with end − w days < ts ≤ end), `usage_rows_<w>d`,
 *           `active_weeks_<w>d`, `<counter>_trend`, then `usage_rows` and `days_since_last_usage`.
 * A company without rows gets 0 for sums, counts, active weeks and trends, and NaN for means,
 * maxima and recency. NaN counter values are skipped (like pandas' skipna).
 *
 * Sums add each company's values in the order the rows arrive, so the same rows in the same order
 * give bit-identical results.
 */
import type { FeaturesConfig } from '../../../shared/config/schema';
import { numericColumn, type NumericColumn } from './table';
import { usageHeap, type UsageHeap } from './usage-kernels';

const DAY = 86_400;

/** Rows staged in the heap per kernel call (DuckDB's chunks have 2048). */
const STAGE_ROWS = 8192;

export interface UsageRows {
  /** Company index (0 … companies − 1) per row; rows with a negative index are skipped. */
  company: Int32Array;
  /** WHEN_TIMESTAMP as epoch seconds. */
  ts: Float64Array;
  /** One array per configured counter. */
  counters: Float64Array[];
}

/** Monday-based week number (1970-01-01 was a Thursday), as DuckDB's date_trunc('week'). */
const weekOf = (sec: number) => Math.floor((Math.floor(sec / DAY) + 3) / 7);

/** Byte offsets in the heap of one counter's per-company sum, max, count of NaN values and mean. */
interface CounterStats {
  sum: number;
  max: number;
  nan: number;
  mean: number;
  /** NaN values seen: while there are none, the nan array is never touched (nor its memory faulted in). */
  nans: number;
}

function windowsOf(usage: FeaturesConfig['usage']): number[] {
  return usage.mode === 'all_time' ? [] : [...new Set(usage.windows)].sort((a, b) => a - b);
}

/** Byte offsets in the aggregator's heap: staged rows, then per-company arrays of companies × 8 bytes each. */
function layout(companies: number, usage: FeaturesConfig['usage']) {
  const windows = windowsOf(usage);
  const groups = Math.max(1, windows.length);
  let bytes = 0;
  const take = (n: number) => {
    const at = bytes;
    bytes += Math.ceil(n / 8) * 8;
    return at;
  };
  const stage = {
    company: take(STAGE_ROWS * 4),
    ts: take(STAGE_ROWS * 8),
    counters: usage.counters.map(() => take(STAGE_ROWS * 8)),
    sel: windows.map(() => take(STAGE_ROWS * 4)),
  };
  const perCompany = () => take(companies * 8);
  const count = perCompany();
  const last = perCompany();
  const means = usage.aggregations.includes('mean');
  const stats: CounterStats[][] = Array.from({ length: groups }, () =>
    usage.counters.map(() => ({
      sum: perCompany(),
      max: perCompany(),
      nan: perCompany(),
      mean: means ? perCompany() : -1,
      nans: 0,
    })),
  );
  const rowsAt = windows.length > 0 ? perCompany() : count;
  const endAt = perCompany();
  const recencyAt = perCompany();
  return { bytes, stage, count, last, stats, rowsAt, endAt, recencyAt };
}

/** A heap made ahead for an aggregator of up to `companies` companies (UsageAggregator.heapAhead). */
export interface HeapAhead {
  heap: UsageHeap;
  companies: number;
}

/**
 * Aggregates usage rows added in any number of pieces; `finish` returns the columns.
 * In windows mode with active weeks, each company's rows must come in ascending time (across pieces
 * too): grouped by company, or the whole file in time order.
 */
export class UsageAggregator {
  private readonly nc: number;
  private readonly heap: UsageHeap;
  /** Byte offsets of the staged rows (company, ts, counters) and of each window's selection. */
  private readonly stage: { company: number; ts: number; counters: number[]; sel: number[] };
  /** Byte offsets of the rows counted per company and the latest timestamp among them. */
  private readonly count: number;
  private readonly last: number;
  /** Byte offsets of finish()'s inputs and outputs: a window's row counts, the window ends, recency. */
  private readonly rowsAt: number;
  private readonly endAt: number;
  private readonly recencyAt: number;
  /** all_time: one entry per counter; windows: per window, one per counter. */
  private readonly stats: CounterStats[][];
  private readonly windows: number[];
  private readonly windowRows: Float64Array[];
  private readonly activeWeeks: Float64Array[];
  /** Per window and company, the last week counted in activeWeeks (NaN: none yet). */
  private readonly lastWeek: Float64Array[];

  /**
   * @param end per company, the window end in epoch seconds (its cutoff, or the snapshot)
   * @param options.wasm false: the JS loops (for tests; the results are identical)
   */
  constructor(
    private readonly companies: number,
    private readonly end: Float64Array,
    private readonly usage: FeaturesConfig['usage'],
    options: { wasm?: boolean; ahead?: HeapAhead } = {},
  ) {
    this.nc = usage.counters.length;
    this.windows = windowsOf(usage);
    // a heap made ahead (heapAhead) for at least this many companies is laid out for its own count
    const ahead = options.ahead;
    const fits = ahead !== undefined && ahead.companies >= companies && ahead.heap.wasm === (options.wasm ?? true);
    const l = layout(fits ? ahead.companies : companies, usage);
    this.stage = l.stage;
    this.count = l.count;
    this.last = l.last;
    this.stats = l.stats;
    this.rowsAt = l.rowsAt;
    this.endAt = l.endAt;
    this.recencyAt = l.recencyAt;
    this.heap = fits ? ahead.heap : usageHeap(l.bytes, options.wasm ?? true);
    const f64 = this.heap.f64;
    f64.fill(-Infinity, this.last / 8, this.last / 8 + companies);
    for (const group of this.stats) for (const s of group) f64.fill(-Infinity, s.max / 8, s.max / 8 + companies);
    this.windowRows = this.windows.map(() => new Float64Array(companies));
    this.activeWeeks = usage.mode === 'windows' && usage.active_weeks ? this.windows.map(() => new Float64Array(companies)) : [];
    this.lastWeek = this.activeWeeks.map(() => new Float64Array(companies).fill(NaN));
  }

  /**
   * A heap for an aggregator of up to `companies` companies (options.ahead), made ahead with the pages
   * that adding rows writes (staged rows, row counts, latest rows, sums and maxima) already faulted in,
   * by writing the zeros they hold: page faults taken later, while another thread of the process
   * faults in its own memory, took several times longer. Means, recency and missing-value counts are
   * written only by finish() or by missing values, so their pages are left alone.
   */
  static heapAhead(companies: number, usage: FeaturesConfig['usage']): HeapAhead {
    const l = layout(companies, usage);
    const heap = usageHeap(l.bytes);
    const f64 = heap.f64;
    const touch = (from: number, bytes: number) => {
      for (let i = from / 8; i < (from + bytes) / 8; i += 512) f64[i] = 0;
    };
    const perCompany = companies * 8;
    touch(0, l.count); // the staged rows
    touch(l.count, perCompany);
    touch(l.last, perCompany);
    for (const group of l.stats) {
      for (const stat of group) {
        touch(stat.sum, perCompany);
        touch(stat.max, perCompany);
      }
    }
    return { heap, companies };
  }

  /** Aggregates the rows (the arrays are not kept). */
  add(rows: UsageRows): this {
    const { company, ts, counters } = rows;
    if (counters.length !== this.nc) throw new Error(`expected ${this.nc} counter columns, got ${counters.length}`);
    const { i32, f64 } = this.heap;
    const st = this.stage;
    for (let off = 0; off < company.length; off += STAGE_ROWS) {
      const n = Math.min(STAGE_ROWS, company.length - off);
      i32.set(company.subarray(off, off + n), st.company / 4);
      f64.set(ts.subarray(off, off + n), st.ts / 8);
      for (let k = 0; k < this.nc; k++) f64.set(counters[k].subarray(off, off + n), st.counters[k] / 8);
      this.aggregateStaged(n);
    }
    return this;
  }

  private aggregateStaged(n: number): void {
    const heap = this.heap;
    const st = this.stage;
    heap.rows(st.company, st.ts, n, this.count, this.last);
    if (this.usage.mode === 'all_time') {
      this.stats[0].forEach((s, k) => (s.nans += heap.counter(st.company, st.counters[k], n, s.sum, s.max, s.nan)));
      return;
    }
    const company = heap.i32.subarray(st.company / 4, st.company / 4 + n);
    const ts = heap.f64.subarray(st.ts / 8, st.ts / 8 + n);
    const end = this.end;
    this.windows.forEach((w, wi) => {
      const limit = w * DAY;
      const sel = heap.i32.subarray(st.sel[wi] / 4, st.sel[wi] / 4 + n);
      let m = 0;
      for (let r = 0; r < n; r++) {
        const c = company[r];
        if (c >= 0 && end[c] - ts[r] < limit) sel[m++] = r;
      }
      const v = this.windowRows[wi];
      for (let i = 0; i < m; i++) v[company[sel[i]]]++;
      if (this.activeWeeks.length) this.countWeeks(wi, company, ts, sel, m);
      this.stats[wi].forEach(
        (s, k) => (s.nans += heap.counterSelected(st.company, st.counters[k], st.sel[wi], m, s.sum, s.max, s.nan)),
      );
    });
  }

  /** Each company's rows come in ascending time, so a new week shows as a change from its last one. */
  private countWeeks(wi: number, company: Int32Array, ts: Float64Array, sel: Int32Array, m: number): void {
    const weeks = this.activeWeeks[wi];
    const last = this.lastWeek[wi];
    for (let i = 0; i < m; i++) {
      const r = sel[i];
      const c = company[r];
      const wk = weekOf(ts[r]);
      if (wk !== last[c]) {
        if (wk < last[c]) throw new Error('usage rows must come in time order within each company (sorted)');
        weeks[c]++;
        last[c] = wk;
      }
    }
  }

  /** A per-company array of the heap (a view: the columns share the heap's buffer). */
  private array(offset: number): Float64Array {
    return this.heap.f64.subarray(offset / 8, offset / 8 + this.companies);
  }

  /**
   * One counter's output columns, given each company's row count at byte offset `rowsAt` of the heap
   * (turns max into its column).
   */
  private counterColumns(name: string, suffix: string, s: CounterStats, rowsAt: number): NumericColumn[] {
    const withMean = s.mean >= 0;
    this.heap.finishCounter(s.sum, s.max, s.nan, rowsAt, withMean ? s.mean : 0, this.companies, s.nans > 0 ? 1 : 0, withMean ? 1 : 0);
    const column = (a: string) => (a === 'sum' ? s.sum : a === 'mean' ? s.mean : s.max);
    return this.usage.aggregations.map((a) => numericColumn(`${name}_${a}${suffix}`, this.array(column(a))));
  }

  /**
   * The columns, in the configured order. Call once. The numeric arrays of sums, maxima and row
   * counts are views of the aggregator's heap (no copy of hundreds of MB).
   */
  finish(): NumericColumn[] {
    const { usage, companies, end } = this;
    const names = usage.counters;
    const rowCount = this.array(this.count);
    const recency = () => {
      this.heap.f64.set(end, this.endAt / 8);
      this.heap.recency(this.count, this.last, this.endAt, this.recencyAt, companies);
      return numericColumn('days_since_last_usage', this.array(this.recencyAt));
    };
    const out: NumericColumn[] = [];
    if (usage.mode === 'all_time') {
      names.forEach((name, k) => out.push(...this.counterColumns(name, '', this.stats[0][k], this.count)));
      if (usage.row_count) out.push(numericColumn('usage_rows', rowCount));
      if (usage.recency) out.push(recency());
      return out;
    }
    const { windows } = this;
    windows.forEach((w, wi) => {
      const rows = this.windowRows[wi];
      this.heap.f64.set(rows, this.rowsAt / 8);
      names.forEach((name, k) => out.push(...this.counterColumns(name, `_${w}d`, this.stats[wi][k], this.rowsAt)));
      if (usage.row_count) out.push(numericColumn(`usage_rows_${w}d`, rows));
      if (this.activeWeeks.length) out.push(numericColumn(`active_weeks_${w}d`, this.activeWeeks[wi]));
    });
    if (usage.trend && windows.length >= 2) {
      const lo = windows[0];
      const hi = windows[windows.length - 1];
      names.forEach((name, k) => {
        const a = this.array(this.stats[0][k].sum);
        const b = this.array(this.stats[windows.length - 1][k].sum);
        const v = new Float64Array(companies);
        for (let c = 0; c < companies; c++) v[c] = a[c] / lo - b[c] / hi;
        out.push(numericColumn(`${name}_trend`, v));
      });
    }
    if (usage.row_count) out.push(numericColumn('usage_rows', rowCount));
    if (usage.recency) out.push(recency());
    return out;
  }
}

/**
 * All rows at once (see UsageAggregator).
 * @param end per company, the window end in epoch seconds (its cutoff, or the snapshot)
 */
export function aggregateUsage(
  rows: UsageRows,
  companies: number,
  end: Float64Array,
  usage: FeaturesConfig['usage'],
  options: { wasm?: boolean } = {},
): NumericColumn[] {
  return new UsageAggregator(companies, end, usage, options).add(rows).finish();
}
