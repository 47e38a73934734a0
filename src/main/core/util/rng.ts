/**
 * Seeded pseudo-random numbers for everything in the pipeline (splits, SMOTE, subsampling, tuning,
 * weight initialisation). Never use Math.random in pipeline code: same seed ⇒ same run.
 * SplitMix32-style mixing of a 32-bit state; fast, and good enough for sampling.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    if (a instanceof Int32Array) return this.shuffleInt32(a) as unknown as T;
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }

  /**
   * `shuffle` for row indexes, with the generator's steps written out in the loop: the same draws and
   * swaps, in one function that runs fast before V8 optimises it (a split shuffles 100k rows once).
   */
  private shuffleInt32(a: Int32Array): Int32Array {
    let state = this.state;
    for (let i = a.length - 1; i > 0; i--) {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      const j = Math.floor((((z ^ (z >>> 16)) >>> 0) / 4294967296) * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    this.state = state;
    return a;
  }

  /** A child generator with an independent stream, derived deterministically. */
  fork(salt: number): Rng {
    return new Rng((this.nextU32() ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  }
}
