import { describe, expect, it } from 'vitest';
import { FrameworkConfigSchema } from '../../../shared/config/schema';
import { aggregateUsage } from './aggregate';

const DAY = 86_400;
const t = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const usage = (u: object) => FrameworkConfigSchema.parse({ features: { usage: { counters: ['A'], ...u } } }).features.usage;
const byName = (cols: { name: string; values: Float64Array }[]) =>
  Object.fromEntries(cols.map((c) => [c.name, Array.from(c.values)]));

describe('aggregateUsage', () => {
  // company 0: rows on Mon 2020-01-06, Wed 2020-01-08 (same week), Mon 2020-01-13; company 1: none
  const rows = {
    company: Float64Array.from([0, 0, 0]),
    ts: Float64Array.from([t('2020-01-06'), t('2020-01-08'), t('2020-01-13')]),
    counters: [Float64Array.from([1, NaN, 5])],
  };
  const end = Float64Array.from([t('2020-01-15'), t('2020-01-15')]);

  it('all_time: sums, means and maxima skip NaN; empty companies get 0 / NaN', () => {
    const out = byName(aggregateUsage(rows, 2, end, usage({})));
    expect(out).toEqual({
      A_sum: [6, 0],
      A_mean: [3, NaN],
      A_max: [5, NaN],
      usage_rows: [3, 0],
      days_since_last_usage: [2, NaN],
    });
  });

  it('windows: (end − w days, end], distinct Monday weeks, trend', () => {
    const out = byName(aggregateUsage(rows, 2, end, usage({ mode: 'windows', windows: [3, 10], aggregations: ['sum'] })));
    expect(out.A_sum_3d).toEqual([5, 0]); // only 01-13 is within 3 days of 01-15
    expect(out.A_sum_10d).toEqual([6, 0]);
    expect(out.usage_rows_10d).toEqual([3, 0]);
    expect(out.active_weeks_10d).toEqual([2, 0]); // 01-06 and 01-08 share a week
    expect(out.active_weeks_3d).toEqual([1, 0]);
    expect(out.A_trend[0]).toBeCloseTo(5 / 3 - 6 / 10, 12);
    expect(Object.keys(out).slice(-2)).toEqual(['usage_rows', 'days_since_last_usage']);
  });

  it('a row exactly w days before the end is outside the window', () => {
    const r = { company: Float64Array.from([0]), ts: Float64Array.from([t('2020-01-15') - 7 * DAY]), counters: [Float64Array.from([4])] };
    const out = byName(aggregateUsage(r, 1, Float64Array.from([t('2020-01-15')]), usage({ mode: 'windows', windows: [7, 8] })));
    expect(out.A_sum_7d).toEqual([0]);
    expect(out.A_sum_8d).toEqual([4]);
  });

  it('refuses rows out of time order when counting active weeks', () => {
    const r = { ...rows, ts: Float64Array.from([t('2020-01-13'), t('2020-01-06'), t('2020-01-08')]) };
    expect(() => aggregateUsage(r, 2, end, usage({ mode: 'windows', windows: [30] }))).toThrow(/sorted/);
  });
});
