import { binaryCurve, countsAt, type BinaryCurve } from './binary-curve';
import { type Confusion, f1FromCounts, mccFromCounts, metricsAt } from './confusion';
import { EvaluationError } from './validate';

export interface CostOptions {
  /** Cost of one false positive (default 1). */
  costFp?: number;
  /** Cost of one false negative (default 1). */
  costFn?: number;
}

export interface ThresholdRow extends Confusion {
  threshold: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  mcc: number;
  /** Total cost: costFp * fp + costFn * fn. */
  cost: number;
}

export interface ChosenThreshold {
  threshold: number;
  value: number;
}

export interface ThresholdTable {
  /**
   * Ascending by threshold: the 0.01..0.99 grid, the scores that flag the top 1%, 2%, …, 99% of rows
   * (resolution where the scores actually lie, e.g. all below 0.05 at a low base rate), and the
   * exact optima.
   */
  rows: ThresholdRow[];
  chosen: { max_f1: ChosenThreshold; max_mcc: ChosenThreshold; min_cost: ChosenThreshold };
  cost_fp: number;
  cost_fn: number;
}

export type ThresholdPolicy = 'fixed' | 'max_f1' | 'max_mcc' | 'cost';

function costs(options: CostOptions): { costFp: number; costFn: number } {
  const costFp = options.costFp ?? 1;
  const costFn = options.costFn ?? 1;
  for (const [name, v] of [
    ['costFp', costFp],
    ['costFn', costFn],
  ] as const) {
    if (!Number.isFinite(v) || v < 0)
      throw new EvaluationError(`${name} must be a finite number >= 0, got ${v}.`);
  }
  return { costFp, costFn };
}

function confusionFrom(curve: BinaryCurve, tp: number, fp: number): Confusion {
  return { tp, fp, fn: curve.positives - tp, tn: curve.negatives - fp };
}

/** Threshold that predicts no row positive: 1 for probabilities, else just above the top score. */
function noneThreshold(curve: BinaryCurve): number {
  const top = curve.thresholds[0];
  return top < 1 ? 1 : nextUp(top);
}

function nextUp(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigInt64(0, view.getBigInt64(0) + (x >= 0 ? 1n : -1n));
  return view.getFloat64(0);
}

/**
 * Exact optima over every distinct score (predict positive when p >= score) and the predict-none
 * option. Ties go to the highest threshold (the fewest positive predictions).
 */
export function optimalThresholds(curve: BinaryCurve, options: CostOptions = {}): ThresholdTable['chosen'] {
  const { costFp, costFn } = costs(options);
  const none = confusionFrom(curve, 0, 0);
  const noneT = noneThreshold(curve);
  const noneM = metricsAt(none);
  const best = {
    max_f1: { threshold: noneT, value: noneM.f1 },
    max_mcc: { threshold: noneT, value: noneM.mcc },
    min_cost: { threshold: noneT, value: costFn * none.fn },
  };
  const { positives, negatives, tps, fps, thresholds } = curve;
  for (let j = 0; j < thresholds.length; j++) {
    const tp = tps[j];
    const fp = fps[j];
    const fn = positives - tp;
    const f = f1FromCounts(tp, fp, fn);
    if (f > best.max_f1.value) best.max_f1 = { threshold: thresholds[j], value: f };
    const m = mccFromCounts(tp, fp, negatives - fp, fn);
    if (m > best.max_mcc.value) best.max_mcc = { threshold: thresholds[j], value: m };
    const cost = costFp * fp + costFn * fn;
    if (cost < best.min_cost.value) best.min_cost = { threshold: thresholds[j], value: cost };
  }
  return best;
}

/** The score of the rank-th highest row (1-based). */
function scoreAtRank(curve: BinaryCurve, rank: number): number {
  const { tps, fps, thresholds } = curve;
  let lo = 0;
  let hi = thresholds.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (tps[mid] + fps[mid] >= rank) hi = mid;
    else lo = mid + 1;
  }
  return thresholds[lo];
}

export function thresholdTableFromCurve(curve: BinaryCurve, options: CostOptions = {}): ThresholdTable {
  const { costFp, costFn } = costs(options);
  const chosen = optimalThresholds(curve, { costFp, costFn });
  const candidates = new Set<number>();
  const n = curve.positives + curve.negatives;
  for (let i = 1; i <= 99; i++) {
    candidates.add(i / 100);
    candidates.add(scoreAtRank(curve, Math.max(1, Math.round((i / 100) * n))));
  }
  for (const c of Object.values(chosen)) candidates.add(c.threshold);
  const rows = [...candidates]
    .sort((a, b) => a - b)
    .map((threshold): ThresholdRow => {
      const { tp, fp } = countsAt(curve, threshold);
      const c = confusionFrom(curve, tp, fp);
      return { threshold, ...c, ...metricsAt(c), cost: costFp * c.fp + costFn * c.fn };
    });
  return { rows, chosen, cost_fp: costFp, cost_fn: costFn };
}

/** Metrics and cost on a threshold grid plus the exact max-F1, max-MCC and min-cost thresholds. */
export function thresholdTable(y: Uint8Array, p: Float64Array, options: CostOptions = {}): ThresholdTable {
  return thresholdTableFromCurve(binaryCurve(y, p), options);
}

export interface ChooseOptions extends CostOptions {
  /** The threshold for policy 'fixed'. */
  value?: number;
}

/** The decision threshold (predict positive when p >= threshold) a policy picks on (y, p). */
export function chooseThreshold(
  policy: ThresholdPolicy,
  y: Uint8Array,
  p: Float64Array,
  options: ChooseOptions = {},
): number {
  if (policy === 'fixed') {
    const v = options.value;
    if (v === undefined || !Number.isFinite(v)) {
      throw new EvaluationError("Threshold policy 'fixed' needs a finite value.");
    }
    return v;
  }
  const chosen = optimalThresholds(binaryCurve(y, p), options);
  switch (policy) {
    case 'max_f1':
      return chosen.max_f1.threshold;
    case 'max_mcc':
      return chosen.max_mcc.threshold;
    case 'cost':
      return chosen.min_cost.threshold;
    default:
      throw new EvaluationError(`Unknown threshold policy '${String(policy)}'.`);
  }
}
