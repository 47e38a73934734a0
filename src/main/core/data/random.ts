/** Distributions on top of the seeded Rng, for the synthetic data generator. */
import { Rng } from '../util/rng';

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Sampler for a fixed discrete distribution (cumulative table + binary search). */
export function discrete(p: readonly number[]): (rng: Rng) => number {
  const total = p.reduce((a, b) => a + b, 0);
  const cum = new Float64Array(p.length);
  let acc = 0;
  p.forEach((v, i) => {
    acc += v / total;
    cum[i] = acc;
  });
  cum[p.length - 1] = 1;
  return (rng) => {
    const u = rng.next();
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** Poisson(lambda): Knuth's product method for small lambda, a rounded normal beyond 30. */
export function poisson(rng: Rng, lambda: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda < 30) {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = rng.next();
    while (p > limit) {
      k++;
      p *= rng.next();
    }
    return k;
  }
  return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * rng.normal()));
}

/** Exponential with the given mean (numpy's `scale`). */
export function exponential(rng: Rng, scale: number): number {
  let u = 0;
  while (u === 0) u = rng.next();
  return -Math.log(u) * scale;
}

/** Gamma(shape 2, scale): the sum of two exponentials. */
export function gamma2(rng: Rng, scale: number): number {
  return exponential(rng, scale) + exponential(rng, scale);
}
