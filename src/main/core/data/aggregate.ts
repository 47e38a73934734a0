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

interface Acc {
  sum: Float64Array;
  cnt: Float64Array;
  max: Float64Array;
}

const newAcc = (n: number): Acc => ({
  sum: new Float64Array(n),
  cnt: new Float64Array(n),
  max: new Float64Array(n).fill(-Infinity),
});

function outputs(
  prefix: string,
  suffix: string,
  acc: Acc,
  aggregations: FeaturesConfig['usage']['aggregations'],
): NumericColumn[] {
  const n = acc.sum.length;
  return aggregations.map((a) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (a === 'sum') v[i] = acc.sum[i];
      else if (acc.cnt[i] === 0) v[i] = NaN;
      else v[i] = a === 'mean' ? acc.sum[i] / acc.cnt[i] : acc.max[i];
    }
    return numericColumn(`${prefix}_${a}${suffix}`, v);
  });
}

/**
 * @param end per company, the window end in epoch seconds (its cutoff, or the snapshot)
 * @param sortedByCompany rows grouped by company and ascending in time (needed for active weeks)
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
  const accumulate = (acc: Acc, x: Float64Array, inWindow?: (r: number) => boolean) => {
    for (let r = 0; r < n; r++) {
      const v = x[r];
      if (Number.isNaN(v) || (inWindow && !inWindow(r))) continue;
      const c = comp[r];
      acc.sum[c] += v;
      acc.cnt[c]++;
      if (v > acc.max[c]) acc.max[c] = v;
    }
    return acc;
  };

  const out: NumericColumn[] = [];
  if (usage.mode === 'all_time') {
    usage.counters.forEach((name, k) => {
      out.push(...outputs(name, '', accumulate(newAcc(companies), rows.counters[k]), usage.aggregations));
    });
    if (usage.row_count) out.push(numericColumn('usage_rows', rowCount));
    if (usage.recency) out.push(recency());
    return out;
  }

  const windows = [...new Set(usage.windows)].sort((a, b) => a - b);
  const windowSums = new Map<string, Float64Array>();
  for (const w of windows) {
    const limit = w * DAY;
    const inWindow = (r: number) => end[comp[r]] - ts[r] < limit;
    usage.counters.forEach((name, k) => {
      const acc = accumulate(newAcc(companies), rows.counters[k], inWindow);
      windowSums.set(`${name}:${w}`, acc.sum);
      out.push(...outputs(name, `_${w}d`, acc, usage.aggregations));
    });
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
