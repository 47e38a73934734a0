import { sortFloat64 } from './sort';
import { validateInputs } from './validate';

/**
 * Cumulative counts at every distinct score, highest score first: row j says "predict positive when
 * p >= thresholds[j]" gives tps[j] true and fps[j] false positives. This is sklearn's
 * `_binary_clf_curve`, and every ranking metric, curve and threshold optimum is derived from it.
 */
export interface BinaryCurve {
  thresholds: Float64Array;
  tps: Float64Array;
  fps: Float64Array;
  positives: number;
  negatives: number;
}

/**
 * Positives' and negatives' scores are sorted separately (radix sort on the float bits, no
 * comparator, no per-element allocation), then merged from the top.
 */
export function binaryCurve(y: Uint8Array, p: Float64Array, name = 'p'): BinaryCurve {
  validateInputs(y, p, { name });
  const n = y.length;
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  const negatives = n - positives;
  const pos = new Float64Array(positives);
  const neg = new Float64Array(negatives);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (y[i] === 1) pos[a++] = p[i];
    else neg[b++] = p[i];
  }
  sortFloat64(pos);
  sortFloat64(neg);

  const thresholds = new Float64Array(n);
  const tps = new Float64Array(n);
  const fps = new Float64Array(n);
  let i = positives - 1;
  let j = negatives - 1;
  let tp = 0;
  let fp = 0;
  let m = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j] : j < 0 ? pos[i] : pos[i] >= neg[j] ? pos[i] : neg[j];
    // `===` treats -0 and +0 as one score, like np.diff in sklearn.
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    thresholds[m] = v;
    tps[m] = tp;
    fps[m] = fp;
    m++;
  }
  return {
    thresholds: thresholds.slice(0, m),
    tps: tps.slice(0, m),
    fps: fps.slice(0, m),
    positives,
    negatives,
  };
}

/** Counts for "predict positive when p >= t": binary search over the descending thresholds. */
export function countsAt(curve: BinaryCurve, t: number): { tp: number; fp: number } {
  const th = curve.thresholds;
  // Find the number of distinct thresholds >= t.
  let lo = 0;
  let hi = th.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (th[mid] >= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? { tp: 0, fp: 0 } : { tp: curve.tps[lo - 1], fp: curve.fps[lo - 1] };
}

/**
 * Expected positives among the k highest-scoring rows (0 <= k <= n). Rows that tie at the cut-off are
 * counted by their share of the tied group, i.e. the expectation over random orderings of the ties;
 * this is the linear interpolation of the cumulative gains curve.
 */
export function positivesInTop(curve: BinaryCurve, k: number): number {
  const { tps, fps } = curve;
  const m = tps.length;
  if (k <= 0) return 0;
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tps[mid] + fps[mid] >= k) hi = mid;
    else lo = mid + 1;
  }
  const prevRows = lo === 0 ? 0 : tps[lo - 1] + fps[lo - 1];
  const prevTp = lo === 0 ? 0 : tps[lo - 1];
  const rows = tps[lo] + fps[lo];
  if (k >= rows) return tps[lo];
  return prevTp + ((k - prevRows) * (tps[lo] - prevTp)) / (rows - prevRows);
}
