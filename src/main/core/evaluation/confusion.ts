import { binaryCurve, positivesInTop } from './binary-curve';
import { EvaluationError, validateInputs } from './validate';

/** Counts for "predict positive when p >= threshold". */
export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** One pass, O(n): rows with p >= t are predicted positive. */
export function confusion(y: Uint8Array, p: Float64Array, t: number): Confusion {
  validateInputs(y, p);
  if (Number.isNaN(t)) throw new EvaluationError('threshold is NaN.');
  let tp = 0;
  let fp = 0;
  let positives = 0;
  for (let i = 0; i < y.length; i++) {
    positives += y[i];
    if (p[i] >= t) {
      if (y[i] === 1) tp++;
      else fp++;
    }
  }
  return { tp, fp, fn: positives - tp, tn: y.length - positives - fp };
}

type ConfusionArgs = [c: Confusion] | [y: Uint8Array, p: Float64Array, t: number];

function resolve(args: ConfusionArgs): Confusion {
  return args.length === 1 ? args[0] : confusion(args[0], args[1], args[2]);
}

/*
 * Zero-division conventions are sklearn's defaults (zero_division="warn", which returns 0):
 * precision is 0 when nothing is predicted positive, recall is 0 when y has no positives, F1 is 0
 * when precision + recall is 0, and MCC is 0 when any marginal (predicted or actual class) is empty.
 * Each takes either a Confusion or (y, p, threshold).
 */

export function accuracy(...args: ConfusionArgs): number {
  const c = resolve(args);
  return (c.tp + c.tn) / (c.tp + c.fp + c.tn + c.fn);
}

export function precision(...args: ConfusionArgs): number {
  const c = resolve(args);
  const predicted = c.tp + c.fp;
  return predicted === 0 ? 0 : c.tp / predicted;
}

export function recall(...args: ConfusionArgs): number {
  const c = resolve(args);
  const actual = c.tp + c.fn;
  return actual === 0 ? 0 : c.tp / actual;
}

/** Computed as sklearn does, 2PR / (P + R), so results agree to the last bit. */
export function f1(...args: ConfusionArgs): number {
  const c = resolve(args);
  return f1FromCounts(c.tp, c.fp, c.fn);
}

export function f1FromCounts(tp: number, fp: number, fn: number): number {
  const pr = tp + fp === 0 ? 0 : tp / (tp + fp);
  const rc = tp + fn === 0 ? 0 : tp / (tp + fn);
  const denom = pr + rc;
  return denom === 0 ? 0 : (2 * pr * rc) / denom;
}

/** Matthews correlation with sklearn's covariance formula (also exact in floats for n < ~9e7). */
export function mcc(...args: ConfusionArgs): number {
  const c = resolve(args);
  return mccFromCounts(c.tp, c.fp, c.tn, c.fn);
}

export function mccFromCounts(tp: number, fp: number, tn: number, fn: number): number {
  const n = tp + fp + tn + fn;
  const t1 = tp + fn;
  const t0 = tn + fp;
  const p1 = tp + fp;
  const p0 = tn + fn;
  const covYtYp = (tp + tn) * n - (t0 * p0 + t1 * p1);
  const covYpYp = n * n - (p0 * p0 + p1 * p1);
  const covYtYt = n * n - (t0 * t0 + t1 * t1);
  if (covYpYp * covYtYt === 0) return 0;
  return covYtYp / Math.sqrt(covYtYt * covYpYp);
}

/** All threshold metrics of one confusion matrix. */
export function metricsAt(c: Confusion): {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  mcc: number;
} {
  return { accuracy: accuracy(c), precision: precision(c), recall: recall(c), f1: f1(c), mcc: mcc(c) };
}

/** k rows, or `{ fraction }` of the rows (rounded to the nearest count, at least 1). */
export type TopK = number | { fraction: number };

export function resolveK(k: TopK, n: number): number {
  if (typeof k === 'number') {
    if (!Number.isInteger(k) || k < 1 || k > n) {
      throw new EvaluationError(`k must be an integer in [1, ${n}], got ${k}.`);
    }
    return k;
  }
  const f = k.fraction;
  if (!(f > 0 && f <= 1)) throw new EvaluationError(`fraction must lie in (0, 1], got ${f}.`);
  return Math.max(1, Math.round(f * n));
}

/**
 * Share of positives among the k highest-scoring rows. Rows tied with the k-th score count by their
 * share of the tie (the expectation over orderings), so the result does not depend on row order.
 */
export function precisionAtK(y: Uint8Array, p: Float64Array, k: TopK): number {
  const curve = binaryCurve(y, p);
  const kk = resolveK(k, y.length);
  return positivesInTop(curve, kk) / kk;
}

/** Share of all positives found among the k highest-scoring rows; 0 when y has no positives. */
export function recallAtK(y: Uint8Array, p: Float64Array, k: TopK): number {
  const curve = binaryCurve(y, p);
  const kk = resolveK(k, y.length);
  return curve.positives === 0 ? 0 : positivesInTop(curve, kk) / curve.positives;
}
