/**
 * The per-company usage aggregates as SQL expressions over `u` (usage rows that passed the cutoff)
 * grouped by company. `end` is the SQL expression for the company's window end (its cutoff, or the
 * snapshot when no cutoff applies).
 */
import type { FeaturesConfig } from '../../../shared/config/schema';
import { ident } from './duck';

export interface UsageFeature {
  name: string;
  /** Aggregate expression. */
  sql: string;
  /** Value for a company without usage rows (null → missing). */
  empty: 0 | null;
}

const TS = 'u."WHEN_TIMESTAMP"';

export function usageFeatures(usage: FeaturesConfig['usage'], end: string): UsageFeature[] {
  const out: UsageFeature[] = [];
  const col = (c: string) => `u.${ident(c)}`;
  const fn = { sum: 'sum', mean: 'avg', max: 'max' } as const;
  const recency = {
    name: 'days_since_last_usage',
    sql: `floor((epoch(any_value(${end})) - epoch(max(${TS}))) / 86400)`,
    empty: null,
  } as const;
  if (usage.mode === 'all_time') {
    for (const c of usage.counters) {
      for (const a of usage.aggregations) {
        out.push({ name: `${c}_${a}`, sql: `${fn[a]}(${col(c)})`, empty: a === 'sum' ? 0 : null });
      }
    }
    if (usage.row_count) out.push({ name: 'usage_rows', sql: 'count(*)', empty: 0 });
    if (usage.recency) out.push(recency);
    return out;
  }
  const windows = [...new Set(usage.windows)].sort((a, b) => a - b);
  const inWindow = (w: number) => `${TS} > ${end} - to_days(${w})`;
  for (const w of windows) {
    for (const c of usage.counters) {
      for (const a of usage.aggregations) {
        out.push({
          name: `${c}_${a}_${w}d`,
          sql: `${fn[a]}(${col(c)}) FILTER (WHERE ${inWindow(w)})`,
          empty: a === 'sum' ? 0 : null,
        });
      }
    }
    if (usage.row_count) out.push({ name: `usage_rows_${w}d`, sql: `count(*) FILTER (WHERE ${inWindow(w)})`, empty: 0 });
    if (usage.active_weeks) {
      out.push({
        name: `active_weeks_${w}d`,
        sql: `count(DISTINCT date_trunc('week', ${TS})) FILTER (WHERE ${inWindow(w)})`,
        empty: 0,
      });
    }
  }
  if (usage.trend && windows.length >= 2) {
    const lo = windows[0];
    const hi = windows[windows.length - 1];
    for (const c of usage.counters) {
      const s = (w: number) => `coalesce(sum(${col(c)}) FILTER (WHERE ${inWindow(w)}), 0) / ${w}`;
      out.push({ name: `${c}_trend`, sql: `${s(lo)} - ${s(hi)}`, empty: 0 });
    }
  }
  if (usage.row_count) out.push({ name: 'usage_rows', sql: 'count(*)', empty: 0 });
  if (usage.recency) out.push(recency);
  return out;
}
