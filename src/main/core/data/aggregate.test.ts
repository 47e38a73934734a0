import { describe, expect, it } from 'vitest';
import { FrameworkConfigSchema } from '../../../shared/config/schema';
import { aggregateUsage, UsageAggregator, type UsageRows } from './aggregate';

const DAY = 86_400;
const t = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
const usage = (u: object) => FrameworkConfigSchema.parse({ features: { usage: { counters: ['A'], ...u } } }).features.usage;
const bytes = (v: Float64Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const byName = (cols: { name: string; values: Float64Array }[]) =>
  Object.fromEntries(cols.map((c) => [c.name, Array.from(c.values)]));

describe('aggregateUsage', () => {
  // company 0: rows on Mon 2020-01-06, Wed 2020-01-08 (same week), Mon 2020-01-13; company 1: none
  const rows = {
    company: Int32Array.from([0, 0, 0]),
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

  it('counts missing values that come in a later piece only, and a company with nothing but them', () => {
    for (const wasm of [true, false]) {
      const agg = new UsageAggregator(3, Float64Array.from([t('2020-01-15'), t('2020-01-15'), t('2020-01-15')]), usage({}), { wasm });
      agg.add({ company: Int32Array.from([0, 1]), ts: Float64Array.from([t('2020-01-06'), t('2020-01-07')]), counters: [Float64Array.from([2, 4])] });
      agg.add({ company: Int32Array.from([0, 2, 2]), ts: Float64Array.from([t('2020-01-08'), t('2020-01-09'), t('2020-01-10')]), counters: [Float64Array.from([NaN, NaN, NaN])] });
      expect(byName(agg.finish())).toEqual({
        A_sum: [2, 4, 0],
        A_mean: [2, 4, NaN],
        A_max: [2, 4, NaN],
        usage_rows: [2, 1, 2],
        days_since_last_usage: [7, 8, 5],
      });
    }
  });

  it('gives the same columns on a heap made ahead (large enough), and makes its own when it is too small', () => {
    for (const u of [{}, { mode: 'windows', windows: [3, 10] }]) {
      const cfg = usage(u);
      const plain = byName(aggregateUsage(rows, 2, end, cfg));
      const ahead = UsageAggregator.heapAhead(1000, cfg);
      expect(ahead.heap.f64.every((v) => v === 0)).toBe(true);
      const onAhead = new UsageAggregator(2, end, cfg, { ahead });
      expect(byName(onAhead.add(rows).finish())).toEqual(plain);
      // a heap made for fewer companies than there turn out to be is not used
      const many = 50_000;
      const endMany = new Float64Array(many).fill(end[0]);
      const small = UsageAggregator.heapAhead(2, cfg);
      const onSmall = byName(new UsageAggregator(many, endMany, cfg, { ahead: small }).add(rows).finish());
      expect(onSmall).toEqual(byName(aggregateUsage(rows, many, endMany, cfg)));
      expect(small.heap.f64.every((v) => v === 0)).toBe(true);
    }
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
    const r = { company: Int32Array.from([0]), ts: Float64Array.from([t('2020-01-15') - 7 * DAY]), counters: [Float64Array.from([4])] };
    const out = byName(aggregateUsage(r, 1, Float64Array.from([t('2020-01-15')]), usage({ mode: 'windows', windows: [7, 8] })));
    expect(out.A_sum_7d).toEqual([0]);
    expect(out.A_sum_8d).toEqual([4]);
  });

  it('refuses rows out of time order when counting active weeks', () => {
    const r = { ...rows, ts: Float64Array.from([t('2020-01-13'), t('2020-01-06'), t('2020-01-08')]) };
    expect(() => aggregateUsage(r, 2, end, usage({ mode: 'windows', windows: [30] }))).toThrow(/sorted/);
  });

  it('skips rows with a negative company index', () => {
    const r = {
      company: Int32Array.from([0, -1, 0, -1]),
      ts: Float64Array.from([t('2020-01-06'), t('2020-01-07'), t('2020-01-13'), t('2020-01-14')]),
      counters: [Float64Array.from([1, 100, 5, 100])],
    };
    expect(byName(aggregateUsage(r, 2, end, usage({})))).toEqual({
      A_sum: [6, 0],
      A_mean: [3, NaN],
      A_max: [5, NaN],
      usage_rows: [2, 0],
      days_since_last_usage: [2, NaN],
    });
    const w = byName(aggregateUsage(r, 2, end, usage({ mode: 'windows', windows: [3, 10] })));
    expect(w.A_sum_10d).toEqual([6, 0]);
    expect(w.usage_rows_10d).toEqual([2, 0]);
    expect(w.active_weeks_10d).toEqual([2, 0]);
  });

  it('NaN counters: a company whose values are all NaN gets sum 0 and NaN mean / max', () => {
    const r = {
      company: Int32Array.from([0, 1, 1, 0, 2]),
      ts: Float64Array.from([1, 2, 3, 4, 5].map((d) => t(`2020-01-0${d}`))),
      counters: [Float64Array.from([NaN, 2, NaN, NaN, -0]), Float64Array.from([7, NaN, 3, 1, NaN])],
    };
    const u = usage({ counters: ['A', 'B'] });
    const out = byName(aggregateUsage(r, 4, new Float64Array(4).fill(t('2020-01-10')), u));
    expect(out.A_sum).toEqual([0, 2, 0, 0]); // 0 + -0 is 0
    expect(out.A_mean).toEqual([NaN, 2, 0, NaN]);
    expect(out.A_max).toEqual([NaN, 2, -0, NaN]);
    expect(Object.is(out.A_max[2], -0)).toBe(true);
    expect(out.B_sum).toEqual([8, 3, 0, 0]);
    expect(out.B_mean).toEqual([4, 3, NaN, NaN]);
    expect(out.B_max).toEqual([7, 3, NaN, NaN]);
    expect(out.usage_rows).toEqual([2, 2, 1, 0]);
  });

  it('gives bit-identical results whether the rows come at once or in batches', () => {
    // pseudo-random rows, sorted by company and time so that windows mode can count active weeks
    let s = 7;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const n = 3000;
    const companies = 50;
    const company = Int32Array.from({ length: n }, () => Math.floor(rnd() * companies) - 3).sort();
    const ts = Float64Array.from({ length: n }, () => t('2020-01-01') + Math.floor(rnd() * 200) * 3_600 * 7);
    for (let i = 1; i < n; i++) if (company[i] === company[i - 1] && ts[i] < ts[i - 1]) ts[i] = ts[i - 1];
    const counters = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => (rnd() < 0.1 ? NaN : rnd() * 10 - 2)));
    const ends = Float64Array.from({ length: companies }, () => t('2020-03-01') + Math.floor(rnd() * 90) * 86_400);
    const rows: UsageRows = { company, ts, counters };
    for (const mode of [{}, { mode: 'windows', windows: [7, 30, 90] }] as const) {
      const u = usage({ counters: ['A', 'B', 'C'], ...mode });
      const whole = aggregateUsage(rows, companies, ends, u);
      const agg = new UsageAggregator(companies, ends, u);
      for (let b = 0; b < n; b += 257) {
        const e = Math.min(n, b + 257);
        agg.add({ company: company.subarray(b, e), ts: ts.subarray(b, e), counters: counters.map((c) => c.subarray(b, e)) });
      }
      const batched = agg.finish();
      expect(batched.map((c) => c.name)).toEqual(whole.map((c) => c.name));
      batched.forEach((c, i) => expect(bytes(c.values).equals(bytes(whole[i].values))).toBe(true));
      // and the same numbers as a plain per-row reference
      const ref = (k: number, c: number, lo: number) => {
        let sum = 0;
        let cnt = 0;
        let max = -Infinity;
        for (let r = 0; r < n; r++) {
          if (company[r] !== c || !(ts[r] > lo) || Number.isNaN(counters[k][r])) continue;
          sum += counters[k][r];
          cnt++;
          if (counters[k][r] > max) max = counters[k][r];
        }
        return [sum, cnt ? sum / cnt : NaN, cnt ? max : NaN];
      };
      const got = byName(batched);
      const suffix = 'windows' in mode ? '_30d' : '';
      for (let c = 0; c < companies; c++) {
        const lo = 'windows' in mode ? ends[c] - 30 * 86_400 : -Infinity;
        expect([got[`B_sum${suffix}`][c], got[`B_mean${suffix}`][c], got[`B_max${suffix}`][c]]).toEqual(ref(1, c, lo));
      }
    }
  });

  it('counts the same active weeks and sums for rows in time order as for rows grouped by company', () => {
    let s = 9;
    const rnd = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const n = 4000;
    const companies = 40;
    // the whole file in time order (companies interleaved), as the usage exports come
    const ts = Float64Array.from({ length: n }, () => t('2020-01-01') + Math.floor(rnd() * 120) * 86_400).sort();
    const company = Int32Array.from({ length: n }, () => Math.floor(rnd() * companies));
    const counters = [0, 1].map(() => Float64Array.from({ length: n }, () => Math.round(rnd() * 40) / 8));
    const ends = new Float64Array(companies).fill(t('2020-05-01'));
    // the same rows grouped by company, then time, then position
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => company[a] - company[b] || ts[a] - ts[b] || a - b);
    const pick = <T extends Int32Array | Float64Array>(a: T): T => a.map((_, i) => a[order[i]]) as T;
    const u = usage({ counters: ['A', 'B'], mode: 'windows', windows: [14, 60], active_weeks: true });
    const byTime = aggregateUsage({ company, ts, counters }, companies, ends, u);
    const grouped = aggregateUsage({ company: pick(company), ts: pick(ts), counters: counters.map(pick) }, companies, ends, u);
    expect(byTime.map((c) => c.name)).toEqual(grouped.map((c) => c.name));
    byTime.forEach((c, i) => expect(bytes(c.values).equals(bytes(grouped[i].values)), c.name).toBe(true));
    expect(Math.max(...byName(byTime).active_weeks_60d)).toBeGreaterThan(3);
  });

  it('checks the number of counter columns', () => {
    expect(() => aggregateUsage({ ...rows, counters: [] }, 2, end, usage({}))).toThrow(/expected 1 counter columns, got 0/);
  });
});
