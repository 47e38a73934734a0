import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import { RADIX_MIN, sortFloat64 } from './sort';

function nativeSorted(a: Float64Array): Float64Array {
  return a.slice().sort();
}

describe('sortFloat64', () => {
  it('agrees with the native sort on large mixed-sign data with duplicates and signed zeros', () => {
    const rng = new Rng(11);
    const a = new Float64Array(RADIX_MIN + 50_000);
    for (let i = 0; i < a.length; i++) {
      const r = rng.int(10);
      a[i] =
        r === 0
          ? 0
          : r === 1
            ? -0
            : r === 2
              ? Math.round(rng.next() * 100) / 100
              : r === 3
                ? -rng.next() * 1e-300
                : r === 4
                  ? Number.MAX_VALUE * (rng.next() - 0.5)
                  : rng.normal() * 10 ** rng.int(8);
    }
    const expected = nativeSorted(a);
    const got = sortFloat64(a);
    expect(got).toBe(a);
    for (let i = 0; i < a.length; i++) {
      if (!Object.is(got[i], expected[i])) throw new Error(`index ${i}: ${got[i]} vs ${expected[i]}`);
    }
  });

  it('handles probabilities whose high bits barely vary, and already-sorted input', () => {
    const rng = new Rng(12);
    const a = Float64Array.from({ length: RADIX_MIN + 1000 }, () => 0.5 + rng.next() * 1e-9);
    const expected = nativeSorted(a);
    expect(Array.from(sortFloat64(a))).toEqual(Array.from(expected));
    expect(Array.from(sortFloat64(a))).toEqual(Array.from(expected));
  });

  it('sorts a subarray view without touching its neighbours', () => {
    const rng = new Rng(13);
    const n = RADIX_MIN + 2;
    const base = Float64Array.from({ length: n + 2 }, () => rng.next());
    const view = base.subarray(1, n + 1);
    const [first, last] = [base[0], base[n + 1]];
    const expected = nativeSorted(view);
    sortFloat64(view);
    expect(Array.from(view)).toEqual(Array.from(expected));
    expect([base[0], base[n + 1]]).toEqual([first, last]);
  });
});
