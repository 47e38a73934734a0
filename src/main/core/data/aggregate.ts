/**
 * Per-company usage aggregates, computed in one pass over the usage rows that passed the cutoff.
 *
 * DuckDB reads, joins and filters the rows; grouping happens here because the group key is a dense
 * company index, so the aggregates are plain array updates. That was 5–10× faster than DuckDB's hash
 * aggregation with the ~100 aggregates of windows mode.
 *
 * all_time: per counter sum / mean / max over all rows, `usage_rows`, `days_since_last_usage`.
 * windows:  the same per window (rows with end − w days < ts ≤ end), `usage_rows_<w>d`,
 *           `active_weeks_<w>d`, `<counter>_trend`, then `usage_rows` and `days_since_last_usage`.
 * A company without rows gets 0 for sums, counts, active weeks and trends, and NaN for means,
 * maxima and recency. NaN counter values are skipped (like pandas' skipna).
 */
import type { FeaturesConfig } from '../../../shared/config/schema';
import { numericColumn, type NumericColumn } from './table';

const DAY = 86_400;

export interface UsageRows {
  /** Company index (0 … companies − 1) per row. */
  company: Float64Array;
  /** WHEN_TIMESTAMP as epoch seconds. */
  ts: Float64Array;
  /** One array per configured counter. */
  counters: Float64Array[];
}

/** Monday-based week number (1970-01-01 was a Thursday), as DuckDB's date_trunc('week'). */
const weekOf = (sec: number) => Math.floor((Math.floor(sec / DAY) + 3) / 7);

/**
 * Sum, count and max of every counter per company, stored interleaved (company-major: the 3 × counters
 * values of one company are adjacent) so that one row touches a couple of cache lines, not 3 × counters.
 */
class Acc {
  readonly data: Float64Array;
  constructor(
    readonly companies: number,
    readonly counters: number,
  ) {
    this.data = new Float64Array(companies * counters * 3);
    for (let i = 2; i < this.data.length; i += 3) this.data[i] = -Infinity;
  }

  /** One pass over the rows (those `keep` accepts), all counters at once. */
  add(rows: UsageRows, keep?: (r: number) => boolean): this {
    const { company, counters } = rows;
    const nc = this.counters;
    const d = this.data;
    for (let r = 0; r < company.length; r++) {
      if (keep && !keep(r)) continue;
      const base = company[r] * nc * 3;
      for (let k = 0; k < nc; k++) {
        const v = counters[k][r];
        if (Number.isNaN(v)) continue;
        const o = base + k * 3;
        d[o] += v;
        d[o + 1]++;
        if (v > d[o + 2]) d[o + 2] = v;
      }
    }
    return this;
  }

  column(k: number, stat: 'sum' | 'mean' | 'max'): Float64Array {
    const out = new Float64Array(this.companies);
    const d = this.data;
    const step = this.counters * 3;
    for (let c = 0, o = k * 3; c < this.companies; c++, o += step) {
      if (stat === 'sum') out[c] = d[o];
      else if (d[o + 1] === 0) out[c] = NaN;
      else out[c] = stat === 'mean' ? d[o] / d[o + 1] : d[o + 2];
    }
    return out;
  }
}

function outputs(
  names: readonly string[],
  suffix: string,
  acc: Acc,
  aggregations: FeaturesConfig['usage']['aggregations'],
): NumericColumn[] {
  return names.flatMap((name, k) => aggregations.map((a) => numericColumn(`${name}_${a}${suffix}`, acc.column(k, a))));
}

/**
 * @param end per company, the window end in epoch seconds (its cutoff, or the snapshot)
 * In windows mode with active weeks, rows must be grouped by company and ascending in time.
 */
export function aggregateUsage(
  rows: UsageRows,
  companies: number,
  end: Float64Array,
  usage: FeaturesConfig['usage'],
): NumericColumn[] {
  const n = rows.ts.length;
  const comp = rows.company;
  const ts = rows.ts;
  const nc = usage.counters.length;
  if (rows.counters.length !== nc) throw new Error(`expected ${nc} counter columns, got ${rows.counters.length}`);
  const rowCount = new Float64Array(companies);
  const last = new Float64Array(companies).fill(-Infinity);
  for (let r = 0; r < n; r++) {
    const c = comp[r];
    rowCount[c]++;
    if (ts[r] > last[c]) last[c] = ts[r];
  }
  const recency = () => {
    const v = new Float64Array(companies);
    for (let c = 0; c < companies; c++) v[c] = rowCount[c] ? Math.floor((end[c] - last[c]) / DAY) : NaN;
    return numericColumn('days_since_last_usage', v);
  };
  const out: NumericColumn[] = [];
  if (usage.mode === 'all_time') {
    out.push(...outputs(usage.counters, '', new Acc(companies, nc).add(rows), usage.aggregations));
    if (usage.row_count) out.push(numericColumn('usage_rows', rowCount));
    if (usage.recency) out.push(recency());
    return out;
  }

  const windows = [...new Set(usage.windows)].sort((a, b) => a - b);
  const windowSums = new Map<string, Float64Array>();
  for (const w of windows) {
    const limit = w * DAY;
    const inWindow = (r: number) => end[comp[r]] - ts[r] < limit;
    const acc = new Acc(companies, nc).add(rows, inWindow);
    usage.counters.forEach((name, k) => windowSums.set(`${name}:${w}`, acc.column(k, 'sum')));
    out.push(...outputs(usage.counters, `_${w}d`, acc, usage.aggregations));
    if (usage.row_count) {
      const v = new Float64Array(companies);
      for (let r = 0; r < n; r++) if (inWindow(r)) v[comp[r]]++;
      out.push(numericColumn(`usage_rows_${w}d`, v));
    }
    if (usage.active_weeks) {
      // rows are grouped by company and ascending in time, so a new week shows as a change
      const v = new Float64Array(companies);
      let prevComp = -1;
      let prevWeek = NaN;
      for (let r = 0; r < n; r++) {
        if (!inWindow(r)) continue;
        const c = comp[r];
        const wk = weekOf(ts[r]);
        if (c !== prevComp || wk !== prevWeek) {
          if (c === prevComp && wk < prevWeek) throw new Error('usage rows must be sorted by company and time');
          v[c]++;
          prevComp = c;
          prevWeek = wk;
        }
      }
      out.push(numericColumn(`active_weeks_${w}d`, v));
    }
  }
  if (usage.trend && windows.length >= 2) {
    const lo = windows[0];
    const hi = windows[windows.length - 1];
    for (const name of usage.counters) {
      const a = windowSums.get(`${name}:${lo}`)!;
      const b = windowSums.get(`${name}:${hi}`)!;
      const v = new Float64Array(companies);
      for (let c = 0; c < companies; c++) v[c] = a[c] / lo - b[c] / hi;
      out.push(numericColumn(`${name}_trend`, v));
    }
  }
  if (usage.row_count) out.push(numericColumn('usage_rows', rowCount));
  if (usage.recency) out.push(recency());
  return out;
}
