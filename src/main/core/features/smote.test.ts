import { describe, expect, it } from 'vitest';
import type { DenseMatrix } from '../models/types';
import { Rng } from '../util/rng';
import { smote } from './smote';

/** n rows: 2 continuous columns + 1 categorical code column (0..3); ~rate positives. */
function data(n: number, rate: number, seed: number): { X: DenseMatrix; y: Uint8Array } {
  const r = new Rng(seed);
  const cols = 3;
  const X = new Float32Array(n * cols);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = r.next() < rate ? 1 : 0;
    X[i * cols] = r.normal() + (y[i] ? 2 : 0);
    X[i * cols + 1] = r.normal() * 3;
    X[i * cols + 2] = y[i] ? (r.next() < 0.7 ? 1 : r.int(4)) : r.int(4);
  }
  return { X: { rows: n, cols, data: X, columns: ['a', 'b', 'cat'] }, y };
}

const count = (y: Uint8Array, v: number) => y.reduce((a, x) => a + (x === v ? 1 : 0), 0);

/** The k nearest minority rows of minority row i (brute force, independent of the implementation). */
function knn(P: number[][], i: number, k: number, isCat: boolean[], penalty: number): number[] {
  const d = P.map((q, j) => ({
    j,
    d: q.reduce((a, v, c) => a + (isCat[c] ? (v !== P[i][c] ? penalty : 0) : (v - P[i][c]) ** 2), 0),
  }));
  return d
    .filter((x) => x.j !== i)
    .sort((a, b) => a.d - b.d || a.j - b.j)
    .slice(0, k)
    .map((x) => x.j);
}

describe('smote', () => {
  const { X, y } = data(600, 0.08, 1);
  const nMin = count(y, 1);
  const nMaj = count(y, 0);

  it('balances the classes (sampling_strategy 1) and keeps the original rows first', () => {
    const r = smote(X, y, { kind: 'smote', kNeighbors: 5, samplingStrategy: 1, categorical: [], seed: 3 });
    expect(count(r.y, 1)).toBe(nMaj);
    expect(count(r.y, 0)).toBe(nMaj);
    expect(r.synthetic).toBe(nMaj - nMin);
    expect(Array.from(r.X.data.subarray(0, X.data.length))).toEqual(Array.from(X.data));
    expect(Array.from(r.y.subarray(0, y.length))).toEqual(Array.from(y));
    expect(r.X.columns).toEqual(X.columns);
  });

  it('reaches the requested minority / majority ratio', () => {
    const r = smote(X, y, { kind: 'smote', kNeighbors: 5, samplingStrategy: 0.5, categorical: [], seed: 3 });
    expect(count(r.y, 1)).toBe(Math.floor(0.5 * nMaj));
    const none = smote(X, y, {
      kind: 'smote',
      kNeighbors: 5,
      samplingStrategy: 0.01,
      categorical: [],
      seed: 3,
    });
    expect(none.synthetic).toBe(0);
    expect(none.X).toBe(X);
  });

  it('places every synthetic row between a minority row and one of its k nearest minority neighbours', () => {
    const k = 4;
    const r = smote(X, y, { kind: 'smote', kNeighbors: k, samplingStrategy: 0.3, categorical: [], seed: 9 });
    const P: number[][] = [];
    for (let i = 0; i < X.rows; i++) if (y[i]) P.push(Array.from(X.data.subarray(i * 3, i * 3 + 3)));
    const neighbours = P.map((_, i) => knn(P, i, k, [false, false, false], 0));
    for (let s = X.rows; s < r.X.rows; s++) {
      const q = Array.from(r.X.data.subarray(s * 3, s * 3 + 3));
      const ok = P.some((a, i) =>
        neighbours[i].some((j) => {
          const b = P[j];
          // q = a + t (b - a) with one t in [0, 1] for every column
          const ts = [0, 1, 2]
            .filter((c) => Math.abs(b[c] - a[c]) > 1e-6)
            .map((c) => (q[c] - a[c]) / (b[c] - a[c]));
          const flat = [0, 1, 2].every((c) => Math.abs(b[c] - a[c]) > 1e-6 || Math.abs(q[c] - a[c]) < 1e-4);
          return flat && ts.every((t) => t >= -1e-4 && t <= 1 + 1e-4 && Math.abs(t - ts[0]) < 1e-3);
        }),
      );
      expect(ok, `synthetic row ${s}`).toBe(true);
    }
  });

  it('SMOTENC gives each synthetic row the majority category among the k neighbours', () => {
    const k = 5;
    const r = smote(X, y, {
      kind: 'smotenc',
      kNeighbors: k,
      samplingStrategy: 0.4,
      categorical: [2],
      seed: 4,
    });
    const P: number[][] = [];
    for (let i = 0; i < X.rows; i++) if (y[i]) P.push(Array.from(X.data.subarray(i * 3, i * 3 + 3)));
    // penalty: half the squared median std of the continuous columns among minority rows
    const std = (c: number) => {
      const v = P.map((p) => p[c]);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    const penalty = ((std(0) + std(1)) / 2) ** 2 / 2;
    const isCat = [false, false, true];
    const neighbours = P.map((_, i) => knn(P, i, k, isCat, penalty));
    const majority = neighbours.map((nb) => {
      const counts = new Map<number, number>();
      for (const j of nb) counts.set(P[j][2], (counts.get(P[j][2]) ?? 0) + 1);
      return Math.max(...counts.values());
    });
    for (let s = X.rows; s < r.X.rows; s++) {
      const q = Array.from(r.X.data.subarray(s * 3, s * 3 + 3));
      expect(Number.isInteger(q[2])).toBe(true);
      // some base row whose segment holds q and whose neighbours' most frequent category is q's
      const ok = P.some((a, i) =>
        neighbours[i].some((j) => {
          const b = P[j];
          const t0 = (q[0] - a[0]) / (b[0] - a[0]);
          const t1 = (q[1] - a[1]) / (b[1] - a[1]);
          const onSegment = t0 >= -1e-4 && t0 <= 1 + 1e-4 && Math.abs(t0 - t1) < 1e-3;
          const votes = neighbours[i].filter((n) => P[n][2] === q[2]).length;
          return onSegment && votes === majority[i];
        }),
      );
      expect(ok, `synthetic row ${s}`).toBe(true);
    }
  });

  it('is deterministic per seed', () => {
    const o = { kind: 'smotenc' as const, kNeighbors: 5, samplingStrategy: 1, categorical: [2] };
    const a = smote(X, y, { ...o, seed: 1 });
    const b = smote(X, y, { ...o, seed: 1 });
    const c = smote(X, y, { ...o, seed: 2 });
    expect(Array.from(b.X.data)).toEqual(Array.from(a.X.data));
    expect(Array.from(c.X.data)).not.toEqual(Array.from(a.X.data));
  });

  it('refuses missing values', () => {
    const bad = { ...X, data: X.data.slice() };
    bad.data[4] = NaN;
    expect(() =>
      smote(bad, y, { kind: 'smote', kNeighbors: 5, samplingStrategy: 1, categorical: [], seed: 1 }),
    ).toThrow(/missing or infinite value in column b \(row 1\); impute before SMOTE/);
  });
});
