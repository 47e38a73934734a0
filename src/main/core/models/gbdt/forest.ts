/**
 * The trained ensemble as flat arrays (all trees concatenated) for fast prediction. Children of a
 * node are stored as a pair: the right child is left + 1. `missing` is the child taken for NaN.
 */
import type { TreeNodes } from './grow';

export interface Forest {
  /** Node offset of each tree; treeStart[trees] = total nodes. */
  treeStart: Int32Array;
  /** Split feature, -1 for leaves. */
  feature: Int32Array;
  /** Go left when value < threshold (float32, as XGBoost). */
  threshold: Float32Array;
  /** Global index of the left child (right = left + 1); -1 for leaves. */
  left: Int32Array;
  /** Global index of the child taken by missing values. */
  missing: Int32Array;
  /** Leaf value with the learning rate applied (float32); 0 for internal nodes. */
  value: Float32Array;
  /** XGBoost's base_weights: node weight before the learning rate. */
  weight: Float32Array;
  gain: Float32Array;
  cover: Float32Array;
  /** Bias added to every margin (logit of base_score). */
  baseMargin: number;
}

export function emptyForest(baseMargin = 0): Forest {
  return buildForest([], baseMargin);
}

export function buildForest(trees: TreeNodes[], baseMargin: number): Forest {
  let total = 0;
  for (const t of trees) total += t.feature.length;
  const f: Forest = {
    treeStart: new Int32Array(trees.length + 1),
    feature: new Int32Array(total),
    threshold: new Float32Array(total),
    left: new Int32Array(total),
    missing: new Int32Array(total),
    value: new Float32Array(total),
    weight: new Float32Array(total),
    gain: new Float32Array(total),
    cover: new Float32Array(total),
    baseMargin,
  };
  let o = 0;
  trees.forEach((t, ti) => {
    f.treeStart[ti] = o;
    for (let i = 0; i < t.feature.length; i++) {
      const g = o + i;
      f.feature[g] = t.feature[i];
      f.threshold[g] = t.threshold[i];
      f.left[g] = t.left[i] >= 0 ? o + t.left[i] : -1;
      f.missing[g] = t.left[i] >= 0 ? o + t.left[i] + (t.defaultLeft[i] ? 0 : 1) : -1;
      f.value[g] = t.value[i];
      f.weight[g] = t.weight[i];
      f.gain[g] = t.gain[i];
      f.cover[g] = t.cover[i];
    }
    o += t.feature.length;
  });
  f.treeStart[trees.length] = o;
  return f;
}

export function treeCount(f: Forest): number {
  return f.treeStart.length - 1;
}

/** Keeps the first `k` trees. */
export function truncateForest(f: Forest, k: number): Forest {
  const end = f.treeStart[k];
  return {
    treeStart: f.treeStart.slice(0, k + 1),
    feature: f.feature.slice(0, end),
    threshold: f.threshold.slice(0, end),
    left: f.left.slice(0, end),
    missing: f.missing.slice(0, end),
    value: f.value.slice(0, end),
    weight: f.weight.slice(0, end),
    gain: f.gain.slice(0, end),
    cover: f.cover.slice(0, end),
    baseMargin: f.baseMargin,
  };
}

/** Leaf reached by one row (values at `data[base + feature]`) in the tree rooted at `node`. */
function leafOf(f: Forest, node: number, data: ArrayLike<number>, base: number): number {
  const { feature, threshold, left, missing } = f;
  let nd = node;
  let ft = feature[nd];
  while (ft >= 0) {
    const v = data[base + ft];
    nd = v < threshold[nd] ? left[nd] : v === v ? left[nd] + 1 : missing[nd];
    ft = feature[nd];
  }
  return nd;
}

/** Margin of one row; no allocation. */
export function predictRowMargin(f: Forest, values: ArrayLike<number>): number {
  const trees = f.treeStart.length - 1;
  let m = f.baseMargin;
  for (let t = 0; t < trees; t++) m += f.value[leafOf(f, f.treeStart[t], values, 0)];
  return m;
}

const BLOCK = 64;

/** Adds the margins of trees [fromTree, toTree) for `rows` row-major rows of `cols` values to `out`. */
export function addMargins(
  f: Forest,
  data: Float32Array,
  rows: number,
  cols: number,
  out: Float64Array,
  fromTree = 0,
  toTree = f.treeStart.length - 1,
): void {
  const { value, treeStart } = f;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let t = fromTree; t < toTree; t++) {
      const root = treeStart[t];
      for (let r = r0; r < r1; r++) out[r] += value[leafOf(f, root, data, r * cols)];
    }
  }
}

export function sigmoid(m: number): number {
  return 1 / (1 + Math.exp(-m));
}
