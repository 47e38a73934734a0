/**
 * A compact Tree-structured Parzen Estimator (Bergstra et al. 2011), univariate like Optuna's default:
 * completed trials are split into the best γ fraction ("good") and the rest ("bad"); each parameter
 * gets a Parzen density l(x) over the good values and g(x) over the bad ones (truncated Gaussians in
 * unit space plus a uniform prior; Laplace-smoothed frequencies for categoricals). Candidates are
 * drawn from l and the one maximising Σ log l(x) − log g(x) is proposed.
 */
import type { Rng } from '../../util/rng';
import { fromUnit, toUnit, type ParamSpec, type Params, type SearchSpace } from './space';

export interface Observation {
  params: Params;
  /** Higher is better; failed trials have NaN and count as bad. */
  score: number;
}

export interface TpeOptions {
  /** Fraction of trials treated as good (capped at 25 trials). */
  gamma?: number;
  nCandidates?: number;
}

const SQRT2 = Math.SQRT2;

/** erf with |error| < 1.2e-7 (Numerical Recipes erfc Chebyshev fit). */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - r : r - 1;
}

const normalCdf = (x: number): number => 0.5 * (1 + erf(x / SQRT2));

interface Parzen {
  mus: number[];
  sigmas: number[];
  /** Probability mass of each Gaussian inside [0, 1]. */
  mass: number[];
}

/** Bandwidth per point: distance to the farther neighbour (hyperopt's rule), clipped to [1/min(100, n+1), 1]. */
function parzen(values: number[]): Parzen {
  const mus = [...values].sort((a, b) => a - b);
  const n = mus.length;
  const minSigma = 1 / Math.min(100, n + 1);
  const sigmas = mus.map((mu, i) => {
    const left = i > 0 ? mus[i - 1] : 0;
    const right = i < n - 1 ? mus[i + 1] : 1;
    return Math.min(1, Math.max(minSigma, mu - left, right - mu));
  });
  const mass = mus.map((mu, i) =>
    Math.max(1e-12, normalCdf((1 - mu) / sigmas[i]) - normalCdf(-mu / sigmas[i])),
  );
  return { mus, sigmas, mass };
}

/** Mixture of the truncated Gaussians and a uniform prior on [0, 1], each component weighted equally. */
function parzenDensity(p: Parzen, u: number): number {
  let s = 1; // uniform prior
  for (let i = 0; i < p.mus.length; i++) {
    const z = (u - p.mus[i]) / p.sigmas[i];
    s += Math.exp(-0.5 * z * z) / (p.sigmas[i] * Math.sqrt(2 * Math.PI) * p.mass[i]);
  }
  return s / (p.mus.length + 1);
}

function parzenSample(p: Parzen, rng: Rng): number {
  const k = rng.int(p.mus.length + 1);
  if (k === p.mus.length) return rng.next();
  for (let tries = 0; tries < 100; tries++) {
    const u = p.mus[k] + p.sigmas[k] * rng.normal();
    if (u >= 0 && u <= 1) return u;
  }
  return Math.min(1, Math.max(0, p.mus[k]));
}

interface Estimator {
  sample(rng: Rng): ParamValueInternal;
  logDensity(x: ParamValueInternal): number;
}

/** Unit-space position for numbers, choice index for categoricals. */
type ParamValueInternal = number;

function numericEstimator(values: number[]): Estimator {
  const p = parzen(values);
  return { sample: (rng) => parzenSample(p, rng), logDensity: (u) => Math.log(parzenDensity(p, u)) };
}

function categoricalEstimator(indices: number[], k: number): Estimator {
  const weights = new Array<number>(k).fill(1);
  for (const i of indices) weights[i] += 1;
  const total = indices.length + k;
  return {
    sample: (rng) => {
      let r = rng.next() * total;
      for (let i = 0; i < k; i++) {
        r -= weights[i];
        if (r < 0) return i;
      }
      return k - 1;
    },
    logDensity: (i) => Math.log(weights[i] / total),
  };
}

function encode(spec: ParamSpec, value: number | string): number {
  if (spec.type === 'categorical') return Math.max(0, spec.choices!.indexOf(value));
  return toUnit(spec, value as number);
}

function decode(spec: ParamSpec, x: number): number | string {
  return spec.type === 'categorical' ? spec.choices![x] : fromUnit(spec, x);
}

function estimatorFor(spec: ParamSpec, obs: Observation[], name: string): Estimator {
  const xs = obs.map((o) => encode(spec, o.params[name]));
  return spec.type === 'categorical' ? categoricalEstimator(xs, spec.choices!.length) : numericEstimator(xs);
}

/** Proposes the next configuration from past observations (needs at least one). */
export function suggestTpe(
  space: SearchSpace,
  history: Observation[],
  rng: Rng,
  options: TpeOptions = {},
): Params {
  const gamma = options.gamma ?? 0.25;
  const nCandidates = options.nCandidates ?? 24;
  const completed = history.filter((o) => Number.isFinite(o.score));
  const failed = history.filter((o) => !Number.isFinite(o.score));
  // stable sort: ties keep trial order, so the split is deterministic
  const ranked = completed.map((o, i) => ({ o, i })).sort((a, b) => b.o.score - a.o.score || a.i - b.i);
  const nGood = Math.min(25, Math.max(1, Math.ceil(gamma * completed.length)));
  const good = ranked.slice(0, nGood).map((r) => r.o);
  const bad = [...ranked.slice(nGood).map((r) => r.o), ...failed];

  const names = Object.keys(space);
  const l = names.map((n) => estimatorFor(space[n], good, n));
  const g = names.map((n) => estimatorFor(space[n], bad, n));
  let best: number[] = [];
  let bestScore = -Infinity;
  for (let c = 0; c < nCandidates; c++) {
    const x = l.map((e) => e.sample(rng));
    let s = 0;
    for (let j = 0; j < names.length; j++) s += l[j].logDensity(x[j]) - g[j].logDensity(x[j]);
    if (s > bestScore) {
      bestScore = s;
      best = x;
    }
  }
  const params: Params = {};
  names.forEach((n, j) => (params[n] = decode(space[n], best[j])));
  return params;
}
