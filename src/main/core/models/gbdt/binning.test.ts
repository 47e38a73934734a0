import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng';
import {
  assembleCuts,
  BINNING_SAMPLE_ROWS,
  binMatrix,
  binOf,
  computeCuts,
  featureCuts,
  fewDistinctCuts,
  radixSortFloat32,
} from './binning';

describe('binning', () => {
  it('threads finding the cut points of alternate features together get what one thread gets (sampled rows too)', () => {
    const rng = new Rng(4);
    const rows = BINNING_SAMPLE_ROWS + 5000;
    const cols = 5;
    const data = new Float32Array(rows * cols);
    for (let i = 0; i < data.length; i++)
      data[i] = i % cols === 1 ? Math.floor(rng.next() * 20) : rng.next() < 0.1 ? NaN : rng.normal();
    const one = computeCuts({ rows, cols, data, columns: [] }, 256, 7);
    for (const threads of [2, 3, 7]) {
      const parts = Array.from({ length: threads }, (_, t) =>
        featureCuts(data, rows, cols, 256, 7, t, threads),
      );
      expect(assembleCuts(parts, cols)).toEqual(one);
    }
    expect(one.cuts[1].length).toBe(19);
    expect(one.cuts[0].length).toBe(254);
  });

  it('bins so that "bin <= s" is exactly "value < cuts[s - 1]", missing in bin 0', () => {
    const rng = new Rng(9);
    const rows = 5000;
    const data = new Float32Array(rows * 2);
    for (let i = 0; i < data.length; i++)
      data[i] = rng.next() < 0.05 ? NaN : rng.normal() * (i % 2 ? 1 : 100);
    const X = { rows, cols: 2, data, columns: ['a', 'b'] };
    const cuts = computeCuts(X, 64, 1);
    const rowMajor = new Uint8Array(rows * 2);
    const colMajor = new Uint8Array(rows * 2);
    binMatrix(X, cuts, rowMajor, colMajor);
    let mismatches = 0;
    for (let f = 0; f < 2; f++) {
      const c = cuts.cuts[f];
      expect(c.length).toBeLessThanOrEqual(62);
      expect(cuts.binCount[f]).toBe(c.length + 2);
      for (let r = 0; r < rows; r++) {
        const v = data[r * 2 + f];
        const b = rowMajor[r * 2 + f];
        if (colMajor[f * rows + r] !== b) mismatches++;
        if (Number.isNaN(v)) mismatches += b === 0 ? 0 : 1;
        else for (let s = 1; s <= c.length; s++) if (b <= s !== v < c[s - 1]) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(cuts.offsets[2]).toBe(cuts.binCount[0] + cuts.binCount[1]);
  });

  it('gives every distinct value its own bin when they fit', () => {
    const data = Float32Array.from([3, 1, 2, 2, NaN, 5, 1]);
    const cuts = computeCuts({ rows: 7, cols: 1, data, columns: ['a'] }, 256, 0);
    expect(Array.from(cuts.cuts[0])).toEqual([2, 3, 5]);
    expect([1, 2, 3, 5, NaN].map((v) => binOf(cuts.cuts[0], v))).toEqual([1, 2, 3, 4, 0]);
  });
});

describe('fewDistinctCuts', () => {
  it('gives the cuts of the sort path for few values (zeros of both signs, negatives, infinities), null for many', () => {
    const rng = new Rng(11);
    const table = new Uint32Array(1024);
    const viaSort = (v: Float32Array) => {
      const sorted = radixSortFloat32(v.slice());
      const out: number[] = [];
      for (let i = 1; i < sorted.length; i++) if (sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
      return out;
    };
    for (const [distinct, withNegZero] of [
      [1, false],
      [2, true],
      [40, true],
      [255, false],
      [200, true],
    ] as const) {
      const pool = Array.from({ length: distinct }, (_, i) =>
        i === 0 ? 0 : i === 1 ? -Infinity : rng.normal() * 1000,
      );
      const v = Float32Array.from({ length: 3000 }, () => pool[rng.int(distinct)]);
      if (withNegZero) v[17] = -0;
      const got = fewDistinctCuts(v, 255, table);
      expect(got).not.toBeNull();
      // Object.is tells -0 from 0: the sign of a zero cut must match too
      expect(Array.from(got!).map((x) => (Object.is(x, -0) ? '-0' : x))).toEqual(
        viaSort(v).map((x) => (Object.is(x, -0) ? '-0' : x)),
      );
    }
    const many = Float32Array.from({ length: 3000 }, () => rng.normal());
    expect(fewDistinctCuts(many, 255, table)).toBeNull();
  });
});

describe('radixSortFloat32', () => {
  it('sorts like a numeric sort, including negatives, zeros and infinities', () => {
    const rng = new Rng(4);
    const a = new Float32Array(5000);
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * 10 ** rng.int(6) * (rng.next() < 0.1 ? 0 : 1);
    a[0] = Infinity;
    a[1] = -Infinity;
    a[2] = -0;
    const expected = Array.from(a)
      .sort((x, y) => x - y)
      .map((v) => v + 0); // -0 and 0 compare equal; the radix sort puts -0 first
    expect(Array.from(radixSortFloat32(a.slice()), (v) => v + 0)).toEqual(expected);
  });
});
