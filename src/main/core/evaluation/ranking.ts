import { binaryCurve, type BinaryCurve } from './binary-curve';
import { DEFAULT_MAX_POINTS, downsampleIndices, pick } from './downsample';
import { CompensatedSum } from './sum';

/** Full-resolution ROC curve, exactly sklearn 1.2's `roc_curve(drop_intermediate=True)`. */
export interface RocCurveFull {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Descending; the first is `max score + 1` (sklearn < 1.3; newer versions use +inf, which JSON cannot hold). */
  thresholds: Float64Array;
}

/** Full-resolution PR curve, exactly sklearn's `precision_recall_curve` (thresholds ascending). */
export interface PrCurveFull {
  precision: Float64Array;
  recall: Float64Array;
  thresholds: Float64Array;
}

/** Down-sampled curves for plotting; plain arrays so they survive JSON. */
export interface RocCurve {
  fpr: number[];
  tpr: number[];
  thresholds: number[];
}

export interface PrCurve {
  precision: number[];
  recall: number[];
  thresholds: number[];
}

/**
 * Area under the ROC curve. Exact: the trapezoid sum is taken over integer counts and divided once.
 * NaN when y holds one class only (sklearn raises "Only one class present in y_true").
 */
export function rocAuc(y: Uint8Array, p: Float64Array): number {
  return rocAucFromCurve(binaryCurve(y, p));
}

export function rocAucFromCurve(c: BinaryCurve): number {
  if (c.positives === 0 || c.negatives === 0) return Number.NaN;
  let area = 0; // twice the area in count units; exact while P*N < 2^52
  let prevTp = 0;
  let prevFp = 0;
  for (let j = 0; j < c.tps.length; j++) {
    area += (c.fps[j] - prevFp) * (c.tps[j] + prevTp);
    prevTp = c.tps[j];
    prevFp = c.fps[j];
  }
  return area / (2 * c.positives * c.negatives);
}

/**
 * Average precision, exactly sklearn's `average_precision_score`: sum over thresholds of
 * (R_j - R_{j-1}) * P_j, no interpolation. 0 when y has no positives (as sklearn, which warns).
 */
export function prAuc(y: Uint8Array, p: Float64Array): number {
  return prAucFromCurve(binaryCurve(y, p));
}

export function prAucFromCurve(c: BinaryCurve): number {
  if (c.positives === 0) return 0;
  const sum = new CompensatedSum();
  let prevRecall = 0;
  for (let j = 0; j < c.tps.length; j++) {
    const recall = c.tps[j] / c.positives;
    sum.add((recall - prevRecall) * (c.tps[j] / (c.tps[j] + c.fps[j])));
    prevRecall = recall;
  }
  return sum.value();
}

/**
 * sklearn's drop_intermediate: keep the ends and every point where the fps or tps sequence bends
 * (non-zero second difference); collinear points in between never change the plotted curve or AUC.
 * With one class fpr (no negatives) or tpr (no positives) is all NaN, as sklearn returns.
 */
export function rocCurveFullFromCurve(c: BinaryCurve): RocCurveFull {
  const m = c.tps.length;
  const keep: number[] = [];
  for (let j = 0; j < m; j++) {
    if (m <= 2 || j === 0 || j === m - 1) keep.push(j);
    else {
      const d2f = c.fps[j + 1] - 2 * c.fps[j] + c.fps[j - 1];
      const d2t = c.tps[j + 1] - 2 * c.tps[j] + c.tps[j - 1];
      if (d2f !== 0 || d2t !== 0) keep.push(j);
    }
  }
  const len = keep.length + 1;
  const fpr = new Float64Array(len);
  const tpr = new Float64Array(len);
  const thresholds = new Float64Array(len);
  thresholds[0] = c.thresholds[0] + 1;
  for (let k = 0; k < keep.length; k++) {
    const j = keep[k];
    fpr[k + 1] = c.negatives > 0 ? c.fps[j] / c.negatives : Number.NaN;
    tpr[k + 1] = c.positives > 0 ? c.tps[j] / c.positives : Number.NaN;
    thresholds[k + 1] = c.thresholds[j];
  }
  if (c.negatives === 0) fpr[0] = Number.NaN;
  if (c.positives === 0) tpr[0] = Number.NaN;
  return { fpr, tpr, thresholds };
}

export function rocCurveFull(y: Uint8Array, p: Float64Array): RocCurveFull {
  return rocCurveFullFromCurve(binaryCurve(y, p));
}

/**
 * Precision and recall from the lowest threshold up, then the (precision 1, recall 0) end point.
 * With no positives recall is 1 everywhere (sklearn's convention, which warns).
 */
export function prCurveFullFromCurve(c: BinaryCurve): PrCurveFull {
  const m = c.tps.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thresholds = new Float64Array(m);
  for (let j = 0; j < m; j++) {
    const k = m - 1 - j;
    const predicted = c.tps[j] + c.fps[j];
    precision[k] = predicted > 0 ? c.tps[j] / predicted : 0;
    recall[k] = c.positives > 0 ? c.tps[j] / c.positives : 1;
    thresholds[k] = c.thresholds[j];
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds };
}

export function prCurveFull(y: Uint8Array, p: Float64Array): PrCurveFull {
  return prCurveFullFromCurve(binaryCurve(y, p));
}

export interface CurveOptions {
  maxPoints?: number;
}

export function rocCurveFromCurve(c: BinaryCurve, options: CurveOptions = {}): RocCurve {
  const full = rocCurveFullFromCurve(c);
  const idx = downsampleIndices(full.fpr, full.tpr, options.maxPoints ?? DEFAULT_MAX_POINTS);
  return { fpr: pick(full.fpr, idx), tpr: pick(full.tpr, idx), thresholds: pick(full.thresholds, idx) };
}

/** ROC curve down-sampled to at most `maxPoints` (default 400) points for plotting. */
export function rocCurve(y: Uint8Array, p: Float64Array, options: CurveOptions = {}): RocCurve {
  return rocCurveFromCurve(binaryCurve(y, p), options);
}

export function prCurveFromCurve(c: BinaryCurve, options: CurveOptions = {}): PrCurve {
  const full = prCurveFullFromCurve(c);
  const idx = downsampleIndices(full.recall, full.precision, options.maxPoints ?? DEFAULT_MAX_POINTS);
  const m = full.thresholds.length;
  return {
    precision: pick(full.precision, idx),
    recall: pick(full.recall, idx),
    // The end point (recall 0) has no threshold of its own; it gets the highest score, as plotted.
    thresholds: idx.map((i) => full.thresholds[Math.min(i, m - 1)]),
  };
}

/**
 * PR curve down-sampled to at most `maxPoints` points. Unlike sklearn, thresholds has one entry per
 * point (the closing recall-0 point repeats the highest score) so the arrays zip for plotting.
 */
export function prCurve(y: Uint8Array, p: Float64Array, options: CurveOptions = {}): PrCurve {
  return prCurveFromCurve(binaryCurve(y, p), options);
}
