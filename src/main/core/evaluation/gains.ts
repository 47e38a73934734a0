import { binaryCurve, positivesInTop, type BinaryCurve } from './binary-curve';
import { EvaluationError } from './validate';

/** Per group of rows sorted by descending score (group 1 holds the highest scores). */
export interface GainsLift {
  /** Cumulative share of rows up to and including the group. */
  fraction: number[];
  rows: number[];
  /** Positives per group; fractional when tied scores straddle a group boundary. */
  positives: number[];
  /** Cumulative share of all positives captured (the cumulative gains curve). */
  cumulative_gain: number[];
  /** The group's positive rate divided by the overall positive rate (0 for an empty group). */
  lift: number[];
  /** cumulative_gain / fraction. */
  cumulative_lift: number[];
}

/**
 * Cumulative gains and lift per group (deciles by default). Group g ends at row round(g / groups * n)
 * of the score ranking; ties at a boundary are shared pro rata (see positivesInTop). With no
 * positives, gains and lifts are 0.
 */
export function gainsLiftFromCurve(curve: BinaryCurve, groups = 10): GainsLift {
  if (!Number.isInteger(groups) || groups < 1) {
    throw new EvaluationError(`groups must be a positive integer, got ${groups}.`);
  }
  const n = curve.positives + curve.negatives;
  const rate = curve.positives / n;
  const out: GainsLift = {
    fraction: [],
    rows: [],
    positives: [],
    cumulative_gain: [],
    lift: [],
    cumulative_lift: [],
  };
  let prevRows = 0;
  let prevPos = 0;
  for (let g = 1; g <= groups; g++) {
    const end = g === groups ? n : Math.round((g / groups) * n);
    const captured = positivesInTop(curve, end);
    const rows = end - prevRows;
    const positives = captured - prevPos;
    const gain = curve.positives === 0 ? 0 : captured / curve.positives;
    out.fraction.push(end / n);
    out.rows.push(rows);
    out.positives.push(positives);
    out.cumulative_gain.push(gain);
    out.lift.push(rows === 0 || rate === 0 ? 0 : positives / rows / rate);
    out.cumulative_lift.push(end === 0 ? 0 : gain / (end / n));
    prevRows = end;
    prevPos = captured;
  }
  return out;
}

export function gainsLift(y: Uint8Array, p: Float64Array, groups = 10): GainsLift {
  return gainsLiftFromCurve(binaryCurve(y, p), groups);
}
