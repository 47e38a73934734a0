import type { MetricComparison } from './types';

const LOWER_IS_BETTER = /(loss|error|brier|ece|mse|rmse|mae|deviance|logloss)/i;

/** Losses, errors, Brier score and calibration error are lower-is-better; everything else higher. */
export function greaterIsBetter(metric: string): boolean {
  return !LOWER_IS_BETTER.test(metric);
}

export interface ChampionPolicyInput {
  primary_metric: string;
  min_improvement: number;
  greater_is_better?: boolean;
  candidate: { version: number; metrics: Record<string, number>; eval_fingerprint: string };
  champion?: { version: number; metrics: Record<string, number>; eval_fingerprint: string };
}

export interface ChampionDecision {
  promote: boolean;
  action: 'register' | 'not-promoted' | 'not-compared';
  reason: string;
  compared?: MetricComparison;
}

const fmt = (v: number): string => Number(v.toPrecision(6)).toString();

/**
 * The champion policy: a new version becomes champion when there is none, or when its primary metric
 * beats the champion's by at least min_improvement (and by more than nothing) on the same evaluation
 * data fingerprint. Different evaluation data, or a champion without that metric, means "registered
 * but not compared". Float noise (0.83 − 0.82 < 0.01) is absorbed by a tiny tolerance.
 */
export function decideChampion(input: ChampionPolicyInput): ChampionDecision {
  const { primary_metric: metric, candidate, champion } = input;
  const v = `v${candidate.version}`;
  if (!champion) {
    return { promote: true, action: 'register', reason: `There is no champion yet; ${v} becomes champion.` };
  }
  const c = `champion v${champion.version}`;
  if (champion.eval_fingerprint !== candidate.eval_fingerprint) {
    return {
      promote: false,
      action: 'not-compared',
      reason:
        `${v} was evaluated on different data (eval fingerprint ${candidate.eval_fingerprint}) than ${c} ` +
        `(${champion.eval_fingerprint}); registered but not compared. Promote it manually if intended.`,
    };
  }
  const champValue = champion.metrics[metric];
  if (typeof champValue !== 'number' || !Number.isFinite(champValue)) {
    return {
      promote: false,
      action: 'not-compared',
      reason: `${c} has no ${metric} value; registered but not compared. Promote it manually if intended.`,
    };
  }
  const candValue = candidate.metrics[metric];
  const compared: MetricComparison = { metric, champion_value: champValue, candidate_value: candValue };
  const higher = input.greater_is_better ?? greaterIsBetter(metric);
  const improvement = higher ? candValue - champValue : champValue - candValue;
  const tol = 1e-9 * Math.max(1, Math.abs(champValue), Math.abs(candValue));
  const direction = higher ? 'higher is better' : 'lower is better';
  const numbers = `${metric} ${fmt(candValue)} vs ${c} ${fmt(champValue)} (${direction}, improvement ${fmt(improvement)}, required ≥ ${fmt(input.min_improvement)})`;
  if (improvement > tol && improvement >= input.min_improvement - tol) {
    return { promote: true, action: 'register', reason: `${v} beats ${c}: ${numbers}.`, compared };
  }
  let why: string;
  if (Math.abs(improvement) <= tol) why = `${v} ties ${c}`;
  else if (improvement < 0) why = `${v} is worse than ${c}`;
  else why = `${v} improves on ${c} by less than min_improvement`;
  return { promote: false, action: 'not-promoted', reason: `${why}: ${numbers}; not promoted.`, compared };
}
