import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { stratifiedKFold, stratifiedSplit } from './split';

function labels(n: number, rate: number, seed: number): Uint8Array {
  const r = new Rng(seed);
  return Uint8Array.from({ length: n }, () => (r.next() < rate ? 1 : 0));
}
const count = (y: Uint8Array, idx: Int32Array) => idx.reduce((a, i) => a + y[i], 0);

describe('stratifiedSplit', () => {
  const y = labels(10_000, 0.04, 1);
  const pos = y.reduce((a, v) => a + v, 0);

  it('partitions the rows and keeps the class balance in both parts', () => {
    const { train, test } = stratifiedSplit(y, 0.2, 42);
    expect(train.length + test.length).toBe(y.length);
    expect(new Set([...train, ...test]).size).toBe(y.length);
    expect(test.length).toBeCloseTo(2000, -1);
    expect(count(y, test)).toBe(Math.round(pos * 0.2));
    expect(count(y, train)).toBe(pos - Math.round(pos * 0.2));
    expect([...test]).toEqual([...test].sort((a, b) => a - b));
  });

  it('same seed, same rows; another seed, other rows', () => {
    const a = stratifiedSplit(y, 0.2, 42);
    const b = stratifiedSplit(y, 0.2, 42);
    const c = stratifiedSplit(y, 0.2, 43);
    expect(b.test).toEqual(a.test);
    expect(c.test).not.toEqual(a.test);
  });

  it('keeps at least one row of a rare class on each side', () => {
    const tiny = new Uint8Array(100);
    tiny[3] = 1;
    tiny[50] = 1;
    const { train, test } = stratifiedSplit(tiny, 0.1, 0);
    expect(count(tiny, train)).toBe(1);
    expect(count(tiny, test)).toBe(1);
  });

  it('stratify false draws rows without regard to the class', () => {
    const a = stratifiedSplit(y, 0.2, 42, false);
    expect(a.test.length).toBe(2000);
    expect(a.train.length).toBe(8000);
    expect(a.test).not.toEqual(stratifiedSplit(y, 0.2, 42).test);
    expect(stratifiedSplit(y, 0.2, 42, false).test).toEqual(a.test);
  });

  it('rejects a bad test size', () => {
    expect(() => stratifiedSplit(y, 0, 1)).toThrow(/testSize/);
    expect(() => stratifiedSplit(y, 1, 1)).toThrow(/testSize/);
  });
});

describe('stratifiedKFold', () => {
  it('puts every row in exactly one validation fold with balanced classes', () => {
    const y = labels(1003, 0.1, 2);
    const pos = y.reduce((a, v) => a + v, 0);
    const folds = stratifiedKFold(y, 5, 7);
    const seen = new Int32Array(y.length);
    for (const f of folds) {
      for (const i of f.valid) seen[i]++;
      expect(f.train.length + f.valid.length).toBe(y.length);
      expect(Math.abs(f.valid.length - y.length / 5)).toBeLessThanOrEqual(1);
      expect(Math.abs(count(y, f.valid) - pos / 5)).toBeLessThanOrEqual(1);
    }
    expect([...seen].every((v) => v === 1)).toBe(true);
    expect(stratifiedKFold(y, 5, 7)[2].valid).toEqual(folds[2].valid);
  });
});
