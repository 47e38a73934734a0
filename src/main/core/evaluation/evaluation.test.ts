import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import {
  binaryCurve,
  chooseThreshold,
  confusion,
  countsAt,
  downsampleIndices,
  evaluate,
  EvaluationError,
  f1,
  gainsLift,
  logLoss,
  mcc,
  positivesInTop,
  precisionAtK,
  prCurve,
  prCurveFull,
  recallAtK,
  reliabilityCurve,
  rocAuc,
  rocCurve,
  rocCurveFull,
  thresholdTable,
} from './index';

function data(n: number, seed: number, rate = 0.3, decimals?: number): { y: Uint8Array; p: Float64Array } {
  const rng = new Rng(seed);
  const y = new Uint8Array(n);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.next() < rate ? 1 : 0;
    const v = 1 / (1 + Math.exp(-(rng.normal() + 1.3 * y[i] - 1)));
    p[i] = decimals === undefined ? v : Math.round(v * 10 ** decimals) / 10 ** decimals;
  }
  return { y, p };
}

/** Brute-force positives among the top k rows, averaging over all orderings of the tie at the cut. */
function bruteTopK(y: Uint8Array, p: Float64Array, k: number): number {
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a]);
  const cut = p[order[k - 1]];
  let above = 0;
  let aboveRows = 0;
  let tiedPos = 0;
  let tiedRows = 0;
  for (let i = 0; i < y.length; i++) {
    if (p[i] > cut) {
      above += y[i];
      aboveRows++;
    } else if (p[i] === cut) {
      tiedPos += y[i];
      tiedRows++;
    }
  }
  return above + ((k - aboveRows) * tiedPos) / tiedRows;
}

describe('binaryCurve', () => {
  it('matches confusion() at every distinct score, ties included', () => {
    const { y, p } = data(500, 1, 0.3, 1);
    const curve = binaryCurve(y, p);
    expect(curve.thresholds.length).toBe(new Set(p).size);
    for (let j = 0; j < curve.thresholds.length; j++) {
      if (j > 0) expect(curve.thresholds[j]).toBeLessThan(curve.thresholds[j - 1]);
      const c = confusion(y, p, curve.thresholds[j]);
      expect([curve.tps[j], curve.fps[j]]).toEqual([c.tp, c.fp]);
    }
    for (const t of [-1, 0, 0.05, 0.33, 0.5, 0.95, 1, 2]) {
      const c = confusion(y, p, t);
      expect(countsAt(curve, t)).toEqual({ tp: c.tp, fp: c.fp });
    }
  });

  it('treats -0 and +0 as one score', () => {
    const curve = binaryCurve(Uint8Array.from([1, 0, 1]), Float64Array.from([-0, 0, 0.5]));
    expect(Array.from(curve.tps)).toEqual([1, 2]);
    expect(Array.from(curve.fps)).toEqual([0, 1]);
  });
});

describe('input validation', () => {
  const y = Uint8Array.from([0, 1]);
  it.each([
    ['empty', () => rocAuc(new Uint8Array(0), new Float64Array(0)), /zero rows/],
    ['length mismatch', () => rocAuc(y, Float64Array.from([0.1])), /2 rows but p has 1/],
    [
      'label 2',
      () => rocAuc(Uint8Array.from([0, 2]), Float64Array.from([0.1, 0.2])),
      /labels must be 0 or 1/,
    ],
    ['NaN score', () => rocAuc(y, Float64Array.from([0.1, Number.NaN])), /must be finite/],
    ['probability > 1', () => logLoss(y, Float64Array.from([0.1, 1.5])), /must lie in \[0, 1\]/],
    ['bad k', () => precisionAtK(y, Float64Array.from([0.1, 0.2]), 3), /k must be an integer/],
    ['bad fraction', () => recallAtK(y, Float64Array.from([0.1, 0.2]), { fraction: 0 }), /fraction/],
    ['NaN threshold', () => confusion(y, Float64Array.from([0.1, 0.2]), Number.NaN), /threshold is NaN/],
    ['bad bins', () => reliabilityCurve(y, Float64Array.from([0.1, 0.2]), 0), /bins/],
    ['negative cost', () => thresholdTable(y, Float64Array.from([0.1, 0.2]), { costFp: -1 }), /costFp/],
  ])('%s raises EvaluationError', (_name, run, message) => {
    expect(run).toThrow(EvaluationError);
    expect(run).toThrow(message);
  });
  it('ranking metrics accept scores outside [0, 1]', () => {
    expect(rocAuc(Uint8Array.from([0, 1, 1]), Float64Array.from([-3, 2, 7]))).toBe(1);
  });
});

describe('rocAuc', () => {
  it('equals the Mann-Whitney statistic with half credit for ties', () => {
    const { y, p } = data(300, 2, 0.4, 1);
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < y.length; i++) {
      if (y[i] !== 1) continue;
      for (let j = 0; j < y.length; j++) {
        if (y[j] !== 0) continue;
        pairs++;
        wins += p[i] > p[j] ? 1 : p[i] === p[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(y, p)).toBeCloseTo(wins / pairs, 12);
  });
});

describe('top-k metrics and gains', () => {
  it('positivesInTop equals the brute-force expectation over tie orderings', () => {
    const { y, p } = data(400, 3, 0.3, 1);
    const curve = binaryCurve(y, p);
    for (const k of [1, 7, 40, 133, 250, 399, 400]) {
      expect(positivesInTop(curve, k)).toBeCloseTo(bruteTopK(y, p, k), 9);
    }
  });

  it('k as a count and as a fraction agree', () => {
    const { y, p } = data(1000, 4);
    const positives = y.reduce((a, b) => a + b, 0);
    const top = bruteTopK(y, p, 100);
    expect(precisionAtK(y, p, 100)).toBeCloseTo(top / 100, 12);
    expect(precisionAtK(y, p, { fraction: 0.1 })).toBe(precisionAtK(y, p, 100));
    expect(recallAtK(y, p, { fraction: 0.1 })).toBeCloseTo(top / positives, 12);
    expect(recallAtK(y, p, 1000)).toBe(1);
    expect(recallAtK(Uint8Array.from([0, 0]), Float64Array.from([0.1, 0.2]), 1)).toBe(0);
  });

  it('gains and lift per decile follow the ranking', () => {
    const { y, p } = data(1003, 5, 0.25, 2);
    const g = gainsLift(y, p);
    const positives = y.reduce((a, b) => a + b, 0);
    expect(g.rows.reduce((a, b) => a + b, 0)).toBe(1003);
    expect(g.positives.reduce((a, b) => a + b, 0)).toBeCloseTo(positives, 9);
    expect(g.cumulative_gain[9]).toBe(1);
    expect(g.cumulative_lift[9]).toBe(1);
    let end = 0;
    for (let d = 0; d < 10; d++) {
      end += g.rows[d];
      expect(end).toBe(Math.round(((d + 1) / 10) * 1003));
      expect(g.cumulative_gain[d]).toBeCloseTo(bruteTopK(y, p, end) / positives, 9);
      expect(g.lift[d]).toBeCloseTo(g.positives[d] / g.rows[d] / (positives / 1003), 9);
      if (d > 0) expect(g.cumulative_gain[d]).toBeGreaterThanOrEqual(g.cumulative_gain[d - 1]);
    }
    // A model better than random front-loads the positives.
    expect(g.lift[0]).toBeGreaterThan(1.5);
    expect(g.lift[9]).toBeLessThan(1);
    expect(g.cumulative_gain[0]).toBeCloseTo(recallAtK(y, p, { fraction: 0.1 }), 12);
  });
});

describe('threshold table and policies', () => {
  const { y, p } = data(2000, 6, 0.2, 3);

  function bruteBest(score: (t: number) => number, better: (a: number, b: number) => boolean) {
    const candidates = [...new Set(p)].sort((a, b) => b - a);
    let best = { threshold: 1, value: score(1) };
    for (const t of candidates) {
      const v = score(t);
      if (better(v, best.value)) best = { threshold: t, value: v };
    }
    return best;
  }

  it('finds the exact max-F1, max-MCC and min-cost thresholds', () => {
    const table = thresholdTable(y, p, { costFp: 1, costFn: 7 });
    const cost = (t: number): number => {
      const c = confusion(y, p, t);
      return c.fp + 7 * c.fn;
    };
    expect(table.chosen.max_f1).toEqual(
      bruteBest(
        (t) => f1(y, p, t),
        (a, b) => a > b,
      ),
    );
    expect(table.chosen.max_mcc).toEqual(
      bruteBest(
        (t) => mcc(y, p, t),
        (a, b) => a > b,
      ),
    );
    expect(table.chosen.min_cost).toEqual(bruteBest(cost, (a, b) => a < b));
    // Costly misses push the cost-optimal threshold below the F1 optimum.
    expect(table.chosen.min_cost.threshold).toBeLessThan(table.chosen.max_f1.threshold);
  });

  it('lists the grid plus the optima, each row consistent with confusion()', () => {
    const table = thresholdTable(y, p, { costFp: 2, costFn: 3 });
    const thresholds = table.rows.map((r) => r.threshold);
    expect(thresholds).toEqual([...thresholds].sort((a, b) => a - b));
    for (const k of [1, 50, 99]) expect(thresholds).toContain(k / 100);
    for (const c of Object.values(table.chosen)) expect(thresholds).toContain(c.threshold);
    for (const row of table.rows) {
      const c = confusion(y, p, row.threshold);
      expect(row).toMatchObject(c);
      expect(row.cost).toBe(2 * c.fp + 3 * c.fn);
      expect(row.f1).toBe(f1(c));
    }
    const atF1 = table.rows.find((r) => r.threshold === table.chosen.max_f1.threshold);
    expect(atF1?.f1).toBe(table.chosen.max_f1.value);
    expect(Math.max(...table.rows.map((r) => r.f1))).toBe(table.chosen.max_f1.value);
  });

  it('adds rows where the scores lie, even when they are all tiny', () => {
    const tiny = p.map((v) => v / 40);
    const table = thresholdTable(y, tiny);
    const below = table.rows.filter((r) => r.threshold < 0.025);
    expect(below.length).toBeGreaterThan(90);
    // The row for the top 10% flags (about) 10% of the rows.
    const sorted = [...tiny].sort((a, b) => b - a);
    const row = table.rows.find((r) => r.threshold === sorted[199]);
    expect(row && row.tp + row.fp).toBeGreaterThanOrEqual(200);
    expect(row && row.tp + row.fp).toBeLessThan(230);
  });

  it('predicting nothing can be the cheapest choice', () => {
    const yy = Uint8Array.from([0, 0, 0, 1]);
    const pp = Float64Array.from([0.9, 0.8, 0.7, 0.1]);
    const table = thresholdTable(yy, pp, { costFp: 5, costFn: 1 });
    expect(table.chosen.min_cost).toEqual({ threshold: 1, value: 1 });
    expect(confusion(yy, pp, 1)).toEqual({ tp: 0, fp: 0, tn: 3, fn: 1 });
    // With a score of exactly 1 the predict-nothing threshold moves just above it.
    const t = chooseThreshold('cost', yy, Float64Array.from([1, 0.8, 0.7, 0.1]), { costFp: 5 });
    expect(t).toBeGreaterThan(1);
    expect(confusion(yy, Float64Array.from([1, 0.8, 0.7, 0.1]), t).fp).toBe(0);
  });

  it('chooseThreshold follows the policy', () => {
    const table = thresholdTable(y, p, { costFp: 1, costFn: 4 });
    expect(chooseThreshold('fixed', y, p, { value: 0.37 })).toBe(0.37);
    expect(chooseThreshold('max_f1', y, p)).toBe(table.chosen.max_f1.threshold);
    expect(chooseThreshold('max_mcc', y, p)).toBe(table.chosen.max_mcc.threshold);
    expect(chooseThreshold('cost', y, p, { costFp: 1, costFn: 4 })).toBe(table.chosen.min_cost.threshold);
    expect(() => chooseThreshold('fixed', y, p, {})).toThrow(EvaluationError);
  });
});

describe('down-sampled curves', () => {
  const { y, p } = data(100_000, 7);

  /** Largest vertical gap between the full curve and the piecewise-linear down-sampled one. */
  function maxDeviation(fx: Float64Array, fy: Float64Array, sx: number[], sy: number[]): number {
    let worst = 0;
    let s = 0;
    for (let i = 0; i < fx.length; i++) {
      while (s < sx.length - 2 && sx[s + 1] < fx[i]) s++;
      const [x0, x1, y0, y1] = [sx[s], sx[s + 1], sy[s], sy[s + 1]];
      const lo = Math.min(y0, y1);
      const hi = Math.max(y0, y1);
      const interp = x1 === x0 ? fy[i] : y0 + ((fx[i] - x0) * (y1 - y0)) / (x1 - x0);
      const dev = x1 === x0 ? Math.max(0, lo - fy[i], fy[i] - hi) : Math.abs(fy[i] - interp);
      worst = Math.max(worst, dev);
    }
    return worst;
  }

  it('ROC keeps at most maxPoints points and its shape', () => {
    const full = rocCurveFull(y, p);
    expect(full.fpr.length).toBeGreaterThan(10_000);
    const roc = rocCurve(y, p, { maxPoints: 300 });
    expect(roc.fpr.length).toBeLessThanOrEqual(300);
    expect(roc.fpr.length).toBeGreaterThan(250);
    expect([roc.fpr[0], roc.tpr[0], roc.fpr.at(-1), roc.tpr.at(-1)]).toEqual([0, 0, 1, 1]);
    expect(maxDeviation(full.fpr, full.tpr, roc.fpr, roc.tpr)).toBeLessThan(0.01);
    let area = 0;
    for (let i = 1; i < roc.fpr.length; i++) {
      area += ((roc.fpr[i] - roc.fpr[i - 1]) * (roc.tpr[i] + roc.tpr[i - 1])) / 2;
    }
    expect(Math.abs(area - rocAuc(y, p))).toBeLessThan(1e-3);
  });

  it('PR keeps the ends and covers recall evenly despite the low-recall saw-tooth', () => {
    const full = prCurveFull(y, p);
    const pr = prCurve(y, p);
    expect(pr.recall.length).toBeLessThanOrEqual(400);
    expect(pr.thresholds.length).toBe(pr.recall.length);
    expect([pr.recall[0], pr.recall.at(-1), pr.precision.at(-1)]).toEqual([1, 0, 1]);
    expect(pr.precision[0]).toBe(full.precision[0]);
    for (let i = 1; i < pr.recall.length; i++) expect(pr.recall[i - 1] - pr.recall[i]).toBeLessThan(0.0075);
    const fullRev = { x: full.recall.slice().reverse(), y: full.precision.slice().reverse() };
    const sx = pr.recall.slice().reverse();
    const sy = pr.precision.slice().reverse();
    const tail = (a: Float64Array): Float64Array => a.subarray(Math.floor(a.length * 0.05));
    expect(maxDeviation(tail(fullRev.x), tail(fullRev.y), sx, sy)).toBeLessThan(0.02);
  });

  it('returns every index when the curve is already small', () => {
    const x = Float64Array.from([0, 0.5, 1]);
    expect(downsampleIndices(x, x, 10)).toEqual([0, 1, 2]);
  });
});

describe('evaluate', () => {
  const { y, p: pRaw } = data(5000, 8, 0.25);
  // A monotone squash stands in for a calibrator; it creates ties like isotonic regression does.
  const p = pRaw.map((v) => Math.round(v ** 1.3 * 50) / 50);

  it('reports raw and calibrated metrics under the documented names', () => {
    const r = evaluate(y, p, { threshold: 0.3, pRaw, costFn: 5 });
    expect(Object.keys(r.metrics).sort()).toEqual(
      [
        'roc_auc',
        'roc_auc_calibrated',
        'pr_auc',
        'pr_auc_calibrated',
        'log_loss',
        'log_loss_calibrated',
        'brier',
        'brier_calibrated',
        'accuracy',
        'precision',
        'recall',
        'f1',
        'mcc',
        'positives',
        'rows',
        'precision_at_10pct',
        'recall_at_10pct',
      ].sort(),
    );
    expect(r.metrics.roc_auc).toBe(rocAuc(y, pRaw));
    expect(r.metrics.roc_auc_calibrated).toBe(rocAuc(y, p));
    expect(r.metrics.log_loss).toBe(logLoss(y, pRaw));
    expect(r.metrics.log_loss_calibrated).toBe(logLoss(y, p));
    expect(r.confusion).toEqual(confusion(y, p, 0.3));
    expect(r.metrics.f1).toBe(f1(y, p, 0.3));
    expect(r.metrics.rows).toBe(5000);
    expect(r.metrics.positives).toBe(y.reduce((a, b) => a + b, 0));
    expect(r.metrics.precision_at_10pct).toBe(precisionAtK(y, p, 500));
    expect(r.threshold_table.cost_fn).toBe(5);
    expect(r.curves.reliability_raw).toEqual(reliabilityCurve(y, pRaw));
    expect(r.report_text).toContain('weighted avg');
  });

  it('without a calibrator carries only the raw names', () => {
    const r = evaluate(y, pRaw, { threshold: 0.5 });
    expect(Object.keys(r.metrics).filter((k) => k.endsWith('_calibrated'))).toEqual([]);
    expect(r.curves.reliability_raw).toBeUndefined();
    expect(r.metrics.roc_auc).toBe(rocAuc(y, pRaw));
  });

  it('survives a JSON round trip unchanged (plain arrays, no typed arrays)', () => {
    const r = evaluate(y, p, { threshold: 0.3, pRaw });
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(Array.isArray(r.curves.roc.fpr)).toBe(true);
  });

  it('reports NaN roc_auc for a single-class set instead of failing', () => {
    const r = evaluate(new Uint8Array(50), p.subarray(0, 50), { threshold: 0.5 });
    expect(r.metrics.roc_auc).toBeNaN();
    expect(r.metrics.pr_auc).toBe(0);
    expect(Number.isFinite(r.metrics.log_loss)).toBe(true);
  });

  it('rejects a non-finite threshold and mismatched pRaw', () => {
    expect(() => evaluate(y, p, { threshold: Number.NaN })).toThrow(EvaluationError);
    expect(() => evaluate(y, p, { threshold: 0.5, pRaw: pRaw.subarray(1) })).toThrow(/pRaw has 4999/);
  });
});
