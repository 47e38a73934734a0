import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng';
import type { DenseMatrix } from '../types';
import { GbdtClassifier } from './classifier';
import { decodeFloat32, type EncodedFloat32 } from './serialize';

/**
 * A brute-force exact greedy tree (XGBoost's "exact" algorithm written naively): every feature, every
 * threshold between distinct values, missing values sent right and left. With max_bin above the number
 * of distinct values the histogram learner must build the same first tree.
 */
interface RefNode {
  feature: number;
  threshold: number;
  defaultLeft: boolean;
  value: number;
  left?: RefNode;
  right?: RefNode;
}

const P = { lambda: 1.5, alpha: 0.1, mcw: 1.2, eta: 0.3, maxDepth: 3 };

function t1(g: number): number {
  return g > P.alpha ? g - P.alpha : g < -P.alpha ? g + P.alpha : 0;
}
function score(g: number, h: number): number {
  return h < P.mcw || h <= 0 ? 0 : t1(g) ** 2 / (h + P.lambda);
}
function weight(g: number, h: number): number {
  return h < P.mcw || h <= 0 ? 0 : -t1(g) / (h + P.lambda);
}

function refTree(X: DenseMatrix, g: number[], h: number[], rows: number[], depth: number): RefNode {
  let G = 0;
  let H = 0;
  for (const r of rows) {
    G += g[r];
    H += h[r];
  }
  const leaf: RefNode = {
    feature: -1,
    threshold: 0,
    defaultLeft: false,
    value: Math.fround(weight(G, H) * P.eta),
  };
  if (depth >= P.maxDepth) return leaf;
  let best = { gain: 1e-6, f: -1, thr: 0, dl: false };
  for (let f = 0; f < X.cols; f++) {
    const at = (r: number): number => X.data[r * X.cols + f];
    const all = [
      ...new Set(Array.from({ length: X.rows }, (_, r) => at(r)).filter((v) => !Number.isNaN(v))),
    ].sort((a, b) => a - b);
    for (let k = 1; k < all.length; k++) {
      const thr = all[k];
      for (const dl of [false, true]) {
        let gl = 0;
        let hl = 0;
        let hasMissing = false;
        for (const r of rows) {
          const v = at(r);
          if (Number.isNaN(v)) hasMissing = true;
          if (Number.isNaN(v) ? dl : v < thr) {
            gl += g[r];
            hl += h[r];
          }
        }
        if (dl && !hasMissing) continue;
        const hr = H - hl;
        if (hl < P.mcw || hr < P.mcw) continue;
        const gain = score(gl, hl) + score(G - gl, hr) - score(G, H);
        if (gain > best.gain) best = { gain, f, thr, dl };
      }
    }
  }
  if (best.f < 0) return leaf;
  const goLeft = (r: number): boolean => {
    const v = X.data[r * X.cols + best.f];
    return Number.isNaN(v) ? best.dl : v < best.thr;
  };
  return {
    feature: best.f,
    threshold: best.thr,
    defaultLeft: best.dl,
    value: 0,
    left: refTree(X, g, h, rows.filter(goLeft), depth + 1),
    right: refTree(
      X,
      g,
      h,
      rows.filter((r) => !goLeft(r)),
      depth + 1,
    ),
  };
}

function ourTree(m: GbdtClassifier): RefNode {
  const t = m.toJSON().trees;
  const value = decodeFloat32(t.value as EncodedFloat32)!;
  const threshold = decodeFloat32(t.threshold as EncodedFloat32)!;
  const node = (i: number): RefNode =>
    t.feature[i] < 0
      ? { feature: -1, threshold: 0, defaultLeft: false, value: value[i] }
      : {
          feature: t.feature[i],
          threshold: threshold[i],
          defaultLeft: t.missing[i] === t.left[i],
          value: 0,
          left: node(t.left[i]),
          right: node(t.left[i] + 1),
        };
  return node(0);
}

describe('single tree vs brute-force exact splits', () => {
  for (const seed of [1, 2, 3]) {
    it(`matches on small data with missing values (seed ${seed})`, async () => {
      const rng = new Rng(seed);
      const rows = 120;
      const cols = 4;
      const data = new Float32Array(rows * cols);
      const y = new Uint8Array(rows);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++)
          data[r * cols + c] = rng.next() < 0.1 ? NaN : Math.round(rng.normal() * 1000) / 100;
        const x0 = data[r * cols];
        const x1 = data[r * cols + 1];
        const z = (Number.isNaN(x0) ? 1 : x0) + (Number.isNaN(x1) ? -1 : 0.5 * x1 * x1) - 0.5;
        y[r] = rng.next() < 1 / (1 + Math.exp(-2 * z)) ? 1 : 0;
      }
      const X: DenseMatrix = { rows, cols, data, columns: ['a', 'b', 'c', 'd'] };
      const m = new GbdtClassifier({
        n_estimators: 1,
        max_depth: P.maxDepth,
        learning_rate: P.eta,
        lambda: P.lambda,
        alpha: P.alpha,
        min_child_weight: P.mcw,
        max_bin: 256,
      });
      await m.fit(X, y);
      const g = Array.from(y, (v) => 0.5 - v);
      const h = Array.from(y, () => 0.25);
      const ref = refTree(
        X,
        g,
        h,
        Array.from({ length: rows }, (_, r) => r),
        0,
      );
      expect(ref.feature).toBeGreaterThanOrEqual(0);
      expect(ourTree(m)).toEqual(ref);
    });
  }
});
