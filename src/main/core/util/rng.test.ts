import { describe, expect, it } from 'vitest';
import { Rng } from './rng';

describe('Rng', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(sa);
  });

  it('is roughly uniform', () => {
    const r = new Rng(1);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[r.int(10)]++;
    for (const b of buckets) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  it('shuffles into a permutation', () => {
    const a = new Rng(3).shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('shuffles row indexes exactly as any other array, leaving the generator in the same state', () => {
    for (const n of [0, 1, 2, 7, 1000, 100_003]) {
      const a = new Rng(11);
      const b = new Rng(11);
      const fast = a.shuffle(Int32Array.from({ length: n }, (_, i) => i));
      const plain = b.shuffle(Array.from({ length: n }, (_, i) => i));
      expect([...fast]).toEqual(plain);
      expect(a.nextU32()).toBe(b.nextU32());
    }
  });
});
