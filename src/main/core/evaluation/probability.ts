import { CompensatedSum } from './sum';
import { EvaluationError, validateInputs } from './validate';

/**
 * Mean negative log-likelihood, as sklearn's `log_loss`: p clipped to [eps, 1 - eps] with eps the
 * float64 machine epsilon, then each row's (1 - p, p) pair renormalised. Unlike sklearn, which raises
 * when y holds one class, this returns the well-defined value (sklearn's with labels=[0, 1]).
 */
export function logLoss(y: Uint8Array, p: Float64Array): number {
  validateInputs(y, p, { probabilities: true });
  const eps = Number.EPSILON;
  const sum = new CompensatedSum();
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i], eps), 1 - eps);
    const norm = 1 - q + q;
    sum.add(-Math.log((y[i] === 1 ? q : 1 - q) / norm));
  }
  return sum.value() / y.length;
}

/** Mean squared difference between p and y (sklearn's `brier_score_loss`). */
export function brier(y: Uint8Array, p: Float64Array): number {
  validateInputs(y, p, { probabilities: true });
  const sum = new CompensatedSum();
  for (let i = 0; i < y.length; i++) {
    const d = y[i] - p[i];
    sum.add(d * d);
  }
  return sum.value() / y.length;
}

/** Non-empty bins only, as sklearn's `calibration_curve(strategy='uniform')`. */
export interface ReliabilityCurve {
  /** Mean predicted probability per bin (sklearn's prob_pred). */
  mean_predicted: number[];
  /** Fraction of positives per bin (sklearn's prob_true). */
  fraction_positive: number[];
  count: number[];
  bin_lower: number[];
  bin_upper: number[];
}

/**
 * Reliability diagram over `bins` equal-width bins of [0, 1]. Edges are numpy's linspace
 * (i * (1 / bins)) and a probability equal to an inner edge falls in the lower bin (searchsorted
 * left), so results match sklearn bit for bit.
 */
export function reliabilityCurve(y: Uint8Array, p: Float64Array, bins = 10): ReliabilityCurve {
  if (!Number.isInteger(bins) || bins < 1)
    throw new EvaluationError(`bins must be a positive integer, got ${bins}.`);
  validateInputs(y, p, { probabilities: true });
  const step = 1 / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = i * step;
  edges[bins] = 1;
  const sumP = new Float64Array(bins);
  const sumY = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    // b = number of inner edges strictly below v; the guess is off by at most one.
    let b = Math.min(bins - 1, Math.floor(v * bins));
    while (b > 0 && edges[b] >= v) b--;
    while (b < bins - 1 && edges[b + 1] < v) b++;
    sumP[b] += v;
    sumY[b] += y[i];
    count[b]++;
  }
  const out: ReliabilityCurve = {
    mean_predicted: [],
    fraction_positive: [],
    count: [],
    bin_lower: [],
    bin_upper: [],
  };
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.mean_predicted.push(sumP[b] / count[b]);
    out.fraction_positive.push(sumY[b] / count[b]);
    out.count.push(count[b]);
    out.bin_lower.push(edges[b]);
    out.bin_upper.push(edges[b + 1]);
  }
  return out;
}
