/**
 * Scanned usage rows (plain-csv.ts) joined to the companies and fed to the aggregator: what the
 * DuckDB reader's join query and its result stream do (hubspot-duck.ts), with the same rows in the
 * same order.
 */
import type { UsageAggregator } from './aggregate';
import type { UsageJoin } from './hubspot-read';

export interface ScannedUsage {
  rows: number;
  id: Float64Array;
  /** Epoch seconds. */
  ts: Float64Array;
  counters: Float64Array[];
}

/** A company's index by its id (-1: none): a function, or a table for ids 0 … length − 1. */
export type CompanyOf = ((id: number) => number) | Int32Array;

/** Rows handed to the aggregator per call. */
const FEED_ROWS = 65_536;

/**
 * Aggregates the rows of `parts` (a file's lines, in order) of the companies `companyOf` finds. With
 * `end`, a row counts only up to its company's cutoff (inclusive). With `sorted`, the rows go to the
 * aggregator by company, then time, then file order (the order the DuckDB path asks for); otherwise
 * in file order.
 */
export function joinUsage(
  parts: ScannedUsage[],
  companyOf: CompanyOf,
  end: Float64Array | undefined,
  sorted: boolean,
  aggregator: UsageAggregator,
): UsageJoin {
  if (!sorted) {
    // part by part, in file order
    const total = { joined: 0, dropped: 0 };
    for (const part of parts) {
      const { joined, dropped } = joinPart(part, companyOf, end, false, aggregator);
      total.joined += joined;
      total.dropped += dropped;
    }
    return total;
  }
  return joinPart(parts.length === 1 ? parts[0] : concat(parts), companyOf, end, true, aggregator);
}

function concat(parts: ScannedUsage[]): ScannedUsage {
  const rows = parts.reduce((a, p) => a + p.rows, 0);
  const join = (pick: (p: ScannedUsage) => Float64Array) => {
    const out = new Float64Array(rows);
    let at = 0;
    for (const p of parts) {
      out.set(pick(p).subarray(0, p.rows), at);
      at += p.rows;
    }
    return out;
  };
  return {
    rows,
    id: join((p) => p.id),
    ts: join((p) => p.ts),
    counters: parts[0].counters.map((_, k) => join((p) => p.counters[k])),
  };
}

function joinPart(
  rows: ScannedUsage,
  companyOf: CompanyOf,
  end: Float64Array | undefined,
  sorted: boolean,
  aggregator: UsageAggregator,
): UsageJoin {
  const n = rows.rows;
  const { id, ts } = rows;
  const company = new Int32Array(n);
  let joined = 0;
  let dropped = 0;
  // the companies, then the cutoff: loops that stay simple (they run once, mostly unoptimised)
  if (companyOf instanceof Int32Array) {
    const len = companyOf.length;
    for (let i = 0; i < n; i++) {
      const v = id[i];
      company[i] = v >= 0 && v < len ? (companyOf[v] ?? -1) : -1;
    }
  } else {
    for (let i = 0; i < n; i++) company[i] = companyOf(id[i]);
  }
  for (let i = 0; i < n; i++) {
    const o = company[i];
    if (o < 0) continue;
    joined++;
    if (end && !(ts[i] <= end[o])) {
      dropped++;
      company[i] = -1;
    }
  }
  if (!sorted) {
    for (let a = 0; a < n; a += FEED_ROWS) {
      const b = Math.min(n, a + FEED_ROWS);
      aggregator.add({
        company: company.subarray(a, b),
        ts: ts.subarray(a, b),
        counters: rows.counters.map((c) => c.subarray(a, b)),
      });
    }
    return { joined, dropped };
  }
  const order = sortedOrder(company, ts);
  const m = order.length;
  const pc = new Int32Array(Math.min(m, FEED_ROWS));
  const pt = new Float64Array(pc.length);
  const pv = rows.counters.map(() => new Float64Array(pc.length));
  for (let a = 0; a < m; a += FEED_ROWS) {
    const k = Math.min(m - a, FEED_ROWS);
    for (let j = 0; j < k; j++) {
      const r = order[a + j];
      pc[j] = company[r];
      pt[j] = ts[r];
    }
    rows.counters.forEach((c, x) => {
      const out = pv[x];
      for (let j = 0; j < k; j++) out[j] = c[order[a + j]];
    });
    aggregator.add({ company: pc.subarray(0, k), ts: pt.subarray(0, k), counters: pv.map((v) => v.subarray(0, k)) });
  }
  return { joined, dropped };
}

/** The rows of companies ≥ 0 by company, then time, then position (a stable counting sort, then each company's rows by time). */
function sortedOrder(company: Int32Array, ts: Float64Array): Int32Array {
  let companies = 0;
  for (const o of company) if (o >= companies) companies = o + 1;
  const start = new Int32Array(companies + 1);
  for (const o of company) if (o >= 0) start[o + 1]++;
  for (let o = 0; o < companies; o++) start[o + 1] += start[o];
  const order = new Int32Array(start[companies]);
  const next = start.slice(0, companies);
  company.forEach((o, r) => {
    if (o >= 0) order[next[o]++] = r;
  });
  for (let o = 0; o < companies; o++) {
    const a = start[o];
    const b = start[o + 1];
    if (b - a <= 32) {
      // insertion sort: stable, and the usual group is a handful of rows
      for (let i = a + 1; i < b; i++) {
        const r = order[i];
        let j = i - 1;
        while (j >= a && ts[order[j]] > ts[r]) {
          order[j + 1] = order[j];
          j--;
        }
        order[j + 1] = r;
      }
    } else {
      const group = Array.from(order.subarray(a, b)).sort((x, y) => ts[x] - ts[y] || x - y);
      order.set(group, a);
    }
  }
  return order;
}
