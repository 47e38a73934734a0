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

/**
 * Prediction layout: 4 × int32 per node in one buffer (one cache line holds 4 nodes):
 * [feature (-1 = leaf), left child × 4, missing child × 4, threshold or leaf value as float32 bits].
 */
export interface PackedForest {
  nodes: Int32Array;
  /** Float32 view of `nodes` (threshold / leaf value at 4i + 3). */
  floats: Float32Array;
  /** Root of each tree × 4. */
  roots: Int32Array;
  baseMargin: number;
}

export function packForest(f: Forest): PackedForest {
  const total = f.feature.length;
  const nodes = new Int32Array(4 * total);
  const floats = new Float32Array(nodes.buffer);
  for (let i = 0; i < total; i++) {
    const leaf = f.feature[i] < 0;
    nodes[4 * i] = f.feature[i];
    nodes[4 * i + 1] = leaf ? 0 : 4 * f.left[i];
    nodes[4 * i + 2] = leaf ? 0 : 4 * f.missing[i];
    floats[4 * i + 3] = leaf ? f.value[i] : f.threshold[i];
  }
  const trees = f.treeStart.length - 1;
  const roots = new Int32Array(trees);
  for (let t = 0; t < trees; t++) roots[t] = 4 * f.treeStart[t];
  return { nodes, floats, roots, baseMargin: f.baseMargin };
}

/** Leaf value reached by one row (values at `data[base + feature]`) in the tree rooted at `root`. */
function leafValue(
  nodes: Int32Array,
  floats: Float32Array,
  root: number,
  data: ArrayLike<number>,
  base: number,
): number {
  let nd = root;
  let ft = nodes[nd];
  while (ft >= 0) {
    const v = data[base + ft];
    nd = v < floats[nd + 3] ? nodes[nd + 1] : v === v ? nodes[nd + 1] + 4 : nodes[nd + 2];
    ft = nodes[nd];
  }
  return floats[nd + 3];
}

/** Margin of one row; no allocation. */
export function predictRowMargin(p: PackedForest, values: ArrayLike<number>): number {
  const { nodes, floats, roots } = p;
  let m = p.baseMargin;
  for (let t = 0; t < roots.length; t++) m += leafValue(nodes, floats, roots[t], values, 0);
  return m;
}

const BLOCK = 64;

/** Adds the margins of trees [fromTree, toTree) for `rows` row-major rows of `cols` values to `out`. */
export function addMargins(
  p: PackedForest,
  data: Float32Array,
  rows: number,
  cols: number,
  out: Float64Array,
  fromTree = 0,
  toTree = p.roots.length,
): void {
  const { nodes, floats, roots } = p;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const r1 = Math.min(rows, r0 + BLOCK);
    for (let t = fromTree; t < toTree; t++) {
      const root = roots[t];
      for (let r = r0; r < r1; r++) out[r] += leafValue(nodes, floats, root, data, r * cols);
    }
  }
}

export function sigmoid(m: number): number {
  return 1 / (1 + Math.exp(-m));
}
