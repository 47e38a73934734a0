/**
 * The hot loops, run by every thread on its share of the work described on the board. They are small
 * monomorphic functions over typed arrays (no closures per row) so V8 keeps them optimised.
 *
 * With the wasm kernels, runOp hands OP_ROOT, OP_LEVEL, OP_LEAVES and OP_UPDATE whole to wasm
 * (assembly/kernels.ts `runOp`, the same phases, barriers and results as root, level, scatter and
 * update here): a fresh process then does not wait, at every barrier, for V8 to optimise this
 * JavaScript (0.50 instead of 0.59 s for the 100k-company fit). These TS functions run the ops with
 * the TS kernels, and the tests compare the two models bit for bit.
 *
 * Gradients are quantised to multiples of 2^-k (see `gradientScale`) so every histogram sum is exact in
 * float64: results do not depend on the summation order, hence not on the number of threads.
 */
import { expNonPositiveF32 } from './exp';
import { findBestSplit } from './split';
import {
  barrier,
  type Board,
  chunkOf,
  CTRL_EVALS,
  CTRL_FEATURES,
  CTRL_LEAVES,
  CTRL_NODES,
  CTRL_ROOT_SLOT,
  OP_BIN,
  OP_LEAVES,
  OP_LEVEL,
  OP_ROOT,
  OP_SAMPLE,
  OP_UPDATE,
  scratchBytes,
} from './board';

export function runOp(b: Board, op: number, t: number): void {
  if (b.wasm) {
    const r = b.wasm.runOp(op);
    if (r === 0) return;
    if (r === 1) throw new Error('GBDT: another thread failed');
    if (r === 2) throw new Error('GBDT: a thread did not reach a barrier within 30 s');
  }
  switch (op) {
    case OP_ROOT:
      root(b, t);
      return;
    case OP_LEVEL:
      level(b, t);
      return;
    case OP_LEAVES:
      scatter(b, t);
      sync(b, 1);
      update(b, t);
      return;
    case OP_UPDATE:
      update(b, t);
      return;
    case OP_SAMPLE:
      sample(b, t);
      return;
    case OP_BIN: {
      if (!b.X) throw new Error('OP_BIN without a shared matrix');
      const [a, z] = chunkOf(0, b.spec.rows, t, b.spec.threads);
      b.binRows(b.X, a, z, t);
      return;
    }
    default:
      throw new Error(`Unknown op ${op}`);
  }
}

/** Barrier k of the running op (nothing to wait for with one thread). */
function sync(b: Board, k: number): void {
  if (b.spec.threads > 1) barrier(b.ctrl, b.spec.threads, k);
}

/** Start of thread t's private histogram for child `side` of batch node i (t > 0). */
function privStart(b: Board, t: number, i: number, side: number): number {
  return ((t - 1) * 2 * b.spec.maxBatch + 2 * i + side) * b.spec.histLen;
}

/**
 * OP_ROOT: every thread adds its share of all rows (idx is the identity), the shares are summed into
 * the root's slot (each thread a range of bins), then thread 0 finds the root's sums and best split.
 */
function root(b: Board, t: number): void {
  const T = b.spec.threads;
  const slot = b.ctrl[CTRL_ROOT_SLOT];
  const len = b.spec.histLen;
  const [a, z] = chunkOf(0, b.spec.rows, t, T);
  fillHistogram(b, t, t > 0, t === 0 ? slot * len : privStart(b, t, 0, 0), b.idx, b.ptr.idx, a, z);
  if (T > 1) {
    sync(b, 1);
    const [lo, hi] = chunkOf(0, len >> 1, t, T);
    for (let u = 1; u < T; u++) addPairs(b, slot * len, privStart(b, u, 0, 0), lo, hi);
    sync(b, 2);
  }
  if (t !== 0) return;
  // every row is in one bin of feature 0, so its bins sum to the node's totals
  let g = 0;
  let h = 0;
  const hb = slot * len;
  for (let k = 0; k < 2 * (b.offsets[1] - b.offsets[0]); k += 2) {
    g += b.hist[hb + k];
    h += b.hist[hb + k + 1];
  }
  b.evalG[0] = g;
  b.evalH[0] = h;
  b.evalSlot[0] = slot;
  evaluateNodes(b, 0, 1, 1);
}

/**
 * OP_LEVEL: partition the batch nodes' rows; every thread then derives the same plan from the counts
 * (which child is built, which is parent minus it, which thread builds what), builds its children,
 * the threads sum the shares of children built together and derive their siblings, and finally
 * search the best splits of the children listed in evalFrom.
 */
function level(b: Board, t: number): void {
  const T = b.spec.threads;
  if (T === 1) partitionInPlace(b);
  else {
    partitionSplit(b, t);
    sync(b, 1);
    partitionCopy(b, t);
  }
  const shared = planLevel(b);
  if (T > 1) sync(b, 2);
  childHistograms(b, t);
  if (T > 1) sync(b, 3);
  if (shared) {
    finishShared(b, t);
    sync(b, 4);
  }
  evaluateNodes(b, t, T, b.ctrl[CTRL_EVALS]);
}

/**
 * Children with at least this many rows are built by all threads together (each its share of the
 * rows into a private histogram, then summed); smaller ones by one thread each, straight into their
 * slot, which saves zeroing and summing T histograms for a few hundred rows.
 */
const SHARED_CHILD_ROWS = 4096;

/**
 * This thread's copy of the level's plan (see Board.planBuildL), the slot of each child evaluated, and
 * who builds each child (planOwner: -1 = all threads, else the thread; the small children go to the
 * least loaded thread, largest first). Returns whether any child is built by all threads.
 */
function planLevel(b: Board): boolean {
  const T = b.spec.threads;
  const nodes = b.ctrl[CTRL_NODES];
  const sizes = b.planSize;
  let small = 0;
  let shared = false;
  for (let i = 0; i < nodes; i++) {
    const mode = b.nodeMode[i];
    const a = b.nodeSlotA[i];
    const parent = b.nodeParent[i];
    const nl = leftCount(b, i);
    const nr = b.nodeEnd[i] - b.nodeStart[i] - nl;
    let buildL = -1;
    let buildR = -1;
    let sib = -1;
    let slotL = -1;
    let slotR = -1;
    if (mode === 3 && parent >= 0) {
      // the child with fewer rows is built, its sibling is the parent's histogram minus it (sums
      // are exact, so which one is built does not change the model)
      if (nl <= nr) {
        buildL = slotL = a;
        slotR = parent;
      } else {
        buildR = slotR = a;
        slotL = parent;
      }
      sib = parent;
    } else if (mode === 3) {
      buildL = slotL = a;
      buildR = slotR = b.nodeSlotB[i];
    } else if (mode === 1) {
      buildL = slotL = a;
    } else if (mode === 2) {
      buildR = slotR = a;
    }
    b.planBuildL[i] = buildL;
    b.planBuildR[i] = buildR;
    b.planSib[i] = sib;
    b.childSlotL[i] = slotL;
    b.childSlotR[i] = slotR;
    for (let side = 0; side < 2; side++) {
      const k = 2 * i + side;
      b.planOwner[k] = 0;
      if ((side === 0 ? buildL : buildR) < 0) continue;
      const rows = side === 0 ? nl : nr;
      if (T > 1 && rows >= SHARED_CHILD_ROWS) {
        b.planOwner[k] = -1;
        shared = true;
      } else if (T > 1) {
        sizes[small++] = rows * 65536 + k; // rows (< 2^31) and the child, ordered by rows then child
      }
    }
  }
  if (small > 0) {
    const order = sizes.subarray(0, small).sort().reverse();
    const load = b.planLoad.fill(0);
    for (let j = 0; j < small; j++) {
      const k = order[j] % 65536;
      let owner = 0;
      for (let u = 1; u < T; u++) if (load[u] < load[owner]) owner = u;
      b.planOwner[k] = owner;
      load[owner] += Math.floor(order[j] / 65536) + 1;
    }
  }
  const evals = b.ctrl[CTRL_EVALS];
  for (let j = 0; j < evals; j++) {
    const from = b.evalFrom[j];
    b.evalSlot[j] = (from & 1) === 0 ? b.childSlotL[from >> 1] : b.childSlotR[from >> 1];
  }
  return shared;
}

/**
 * Power-of-two scale s such that |gradient| · rows · s stays below 2^52: sums of gradients rounded to
 * multiples of 1/s are then exact.
 */
export function gradientScale(rows: number, maxAbsWeight: number): number {
  const bits = Math.floor(52 - Math.log2(Math.max(1, rows)) - Math.log2(Math.max(1, maxAbsWeight)) - 1);
  return 2 ** Math.min(bits, 50);
}

/**
 * Adding and subtracting 1.5 · 2^52 rounds a double below 2^51 in magnitude to an integer (ties to
 * even): twice as fast as Math.round here.
 */
const ROUND = 1.5 * 2 ** 52;

/** Stable branchless partition of each node's rows, single thread: lefts in place, rights via tmpR. */
function partitionInPlace(b: Board): void {
  const { idx, tmpR, binsCol, lut, nodeStart, nodeEnd, nodeFeature, cntL } = b;
  const n = b.spec.rows;
  const nodes = b.ctrl[CTRL_NODES];
  for (let i = 0; i < nodes; i++) {
    const s = nodeStart[i];
    const e = nodeEnd[i];
    const colBase = nodeFeature[i] * n;
    const lb = i << 8;
    if (b.wasm) {
      const nl = b.wasm.partition(
        b.ptr.idx,
        s,
        e,
        b.ptr.binsCol + colBase,
        b.ptr.lut + lb,
        b.ptr.idx,
        b.ptr.tmpR,
        0,
      );
      idx.set(tmpR.subarray(0, e - s - nl), s + nl);
      cntL[i] = nl;
      continue;
    }
    let l = s;
    let r = 0;
    for (let p = s; p < e; p++) {
      const row = idx[p];
      const gl = lut[lb + binsCol[colBase + row]];
      idx[l] = row;
      tmpR[r] = row;
      l += gl;
      r += 1 - gl;
    }
    idx.set(tmpR.subarray(0, r), l);
    cntL[i] = l - s;
  }
}

/** Phase 1 of the parallel partition: this thread's chunk of each node into tmpL / tmpR. */
function partitionSplit(b: Board, t: number): void {
  const { idx, tmpL, tmpR, binsCol, lut, nodeStart, nodeEnd, nodeFeature, cntL } = b;
  const n = b.spec.rows;
  const T = b.spec.threads;
  const nodes = b.ctrl[CTRL_NODES];
  for (let i = 0; i < nodes; i++) {
    const [a, z] = chunkOf(nodeStart[i], nodeEnd[i], t, T);
    const colBase = nodeFeature[i] * n;
    const lb = i << 8;
    if (b.wasm) {
      const w = b.wasm;
      cntL[i * T + t] = w.partition(
        b.ptr.idx,
        a,
        z,
        b.ptr.binsCol + colBase,
        b.ptr.lut + lb,
        b.ptr.tmpL,
        b.ptr.tmpR,
        a,
      );
      continue;
    }
    let l = a;
    let r = a;
    for (let p = a; p < z; p++) {
      const row = idx[p];
      const gl = lut[lb + binsCol[colBase + row]];
      tmpL[l] = row;
      tmpR[r] = row;
      l += gl;
      r += 1 - gl;
    }
    cntL[i * T + t] = l - a;
  }
}

/** Phase 2: lefts of every chunk in chunk order, then rights of every chunk in chunk order. */
function partitionCopy(b: Board, t: number): void {
  const { idx, tmpL, tmpR, nodeStart, nodeEnd, cntL } = b;
  const T = b.spec.threads;
  const nodes = b.ctrl[CTRL_NODES];
  for (let i = 0; i < nodes; i++) {
    const s = nodeStart[i];
    const e = nodeEnd[i];
    let totalL = 0;
    let beforeL = 0;
    let beforeR = 0;
    for (let u = 0; u < T; u++) {
      const c = cntL[i * T + u];
      totalL += c;
      if (u < t) {
        const [a, z] = chunkOf(s, e, u, T);
        beforeL += c;
        beforeR += z - a - c;
      }
    }
    const [a, z] = chunkOf(s, e, t, T);
    const nl = cntL[i * T + t];
    idx.set(tmpL.subarray(a, a + nl), s + beforeL);
    idx.set(tmpR.subarray(a, a + (z - a - nl)), s + totalL + beforeR);
  }
}

/** Best splits of the first `nodes` listed nodes (evalSlot/evalG/evalH), node i on thread i mod `stride`. */
function evaluateNodes(b: Board, t: number, stride: number, nodes: number): void {
  const p = b.fparams;
  const nf = b.ctrl[CTRL_FEATURES];
  if (b.wasm) {
    const w = b.wasm;
    const out = b.evalOut;
    const o = 8 * t;
    for (let i = t; i < nodes; i += stride) {
      const found = w.bestSplit(
        b.ptr.hist + 8 * b.evalSlot[i] * b.spec.histLen,
        b.ptr.offsets,
        b.ptr.features,
        nf,
        b.evalG[i],
        b.evalH[i],
        p[2],
        p[3],
        p[4],
        p[5],
        b.ptr.evalOut + 8 * o,
      );
      b.bestFeature[i] = found ? out[o + 1] : -1;
      if (!found) continue;
      b.bestGain[i] = out[o];
      b.bestBin[i] = out[o + 2];
      b.bestDefaultLeft[i] = out[o + 3];
      b.bestGL[i] = out[o + 4];
      b.bestHL[i] = out[o + 5];
    }
    return;
  }
  const cols = b.spec.cols;
  const binCount = new Int32Array(cols);
  for (let f = 0; f < cols; f++) binCount[f] = b.offsets[f + 1] - b.offsets[f];
  const features = b.features.subarray(0, nf);
  const params = { lambda: p[2], alpha: p[3], gamma: p[4], minChildWeight: p[5] };
  for (let i = t; i < nodes; i += stride) {
    const s = findBestSplit(
      b.hist,
      b.evalSlot[i] * b.spec.histLen,
      b.offsets,
      binCount,
      features,
      b.evalG[i],
      b.evalH[i],
      params,
    );
    b.bestFeature[i] = s ? s.feature : -1;
    if (!s) continue;
    b.bestBin[i] = s.bin;
    b.bestDefaultLeft[i] = s.defaultLeft ? 1 : 0;
    b.bestGain[i] = s.gain;
    b.bestGL[i] = s.gl;
    b.bestHL[i] = s.hl;
  }
}

/** Left count of batch node i after a partition. */
export function leftCount(b: Board, i: number): number {
  const T = b.spec.threads;
  let c = 0;
  for (let u = 0; u < T; u++) c += b.cntL[i * T + u];
  return c;
}

/**
 * Zeroes a histogram (in `hist` when `priv` is false, else in the private area; `hb` is its start)
 * and adds rows[a..z) to it, with the wasm kernel (thread t's scratch) or in TS.
 */
function fillHistogram(
  b: Board,
  t: number,
  priv: boolean,
  hb: number,
  rows: Uint32Array,
  rowsPtr: number,
  a: number,
  z: number,
): void {
  const target = priv ? b.priv : b.hist;
  target.fill(0, hb, hb + b.spec.histLen);
  if (!b.wasm) {
    buildHistogram(target, hb, rows, a, z, b.binsRow, b.spec.cols, b.offsets, b.gpairS);
    return;
  }
  const p = b.ptr;
  b.wasm.histogram(
    (priv ? p.priv : p.hist) + 8 * hb,
    rowsPtr,
    a,
    z,
    p.binsRow,
    b.spec.cols,
    p.offsets,
    p.gpairS,
    p.scratch + t * scratchBytes(b.spec.cols),
    b.binsWide.length > 0 ? p.binsWide : 0,
  );
}

/** Adds rows idx[a..z) into the histogram at hist[hb..]: for each feature, bin (offset + bin) gets g, h. */
export function buildHistogram(
  hist: Float64Array,
  hb: number,
  idx: Uint32Array,
  a: number,
  z: number,
  bins: Uint8Array,
  F: number,
  offsets: Int32Array,
  gpair: Float64Array,
): void {
  const F4 = F & ~3;
  for (let p = a; p < z; p++) {
    const row = idx[p];
    const g = gpair[2 * row];
    const h = gpair[2 * row + 1];
    const base = row * F;
    let f = 0;
    for (; f < F4; f += 4) {
      const k0 = hb + ((offsets[f] + bins[base + f]) << 1);
      const k1 = hb + ((offsets[f + 1] + bins[base + f + 1]) << 1);
      const k2 = hb + ((offsets[f + 2] + bins[base + f + 2]) << 1);
      const k3 = hb + ((offsets[f + 3] + bins[base + f + 3]) << 1);
      hist[k0] += g;
      hist[k0 + 1] += h;
      hist[k1] += g;
      hist[k1 + 1] += h;
      hist[k2] += g;
      hist[k2 + 1] += h;
      hist[k3] += g;
      hist[k3 + 1] += h;
    }
    for (; f < F; f++) {
      const k = hb + ((offsets[f] + bins[base + f]) << 1);
      hist[k] += g;
      hist[k + 1] += h;
    }
  }
}

/**
 * This thread's part of the children's histograms, from the partitioned idx: its share of the rows of
 * children built together (into its private histogram; thread 0 into the slot), and the whole of its
 * own children, straight into their slots, with their siblings derived at once.
 */
function childHistograms(b: Board, t: number): void {
  const T = b.spec.threads;
  const len = b.spec.histLen;
  const nodes = b.ctrl[CTRL_NODES];
  for (let i = 0; i < nodes; i++) {
    const s = b.nodeStart[i];
    const mid = s + leftCount(b, i);
    const e = b.nodeEnd[i];
    for (let side = 0; side < 2; side++) {
      const slot = side === 0 ? b.planBuildL[i] : b.planBuildR[i];
      if (slot < 0) continue;
      const owner = b.planOwner[2 * i + side];
      const ra = side === 0 ? s : mid;
      const rz = side === 0 ? mid : e;
      if (owner < 0) {
        const [a, z] = chunkOf(ra, rz, t, T);
        fillHistogram(b, t, t > 0, t === 0 ? slot * len : privStart(b, t, i, side), b.idx, b.ptr.idx, a, z);
      } else if (owner === t) {
        fillHistogram(b, t, false, slot * len, b.idx, b.ptr.idx, ra, rz);
        const sib = b.planSib[i];
        if (sib >= 0) subPairs(b, sib * len, slot * len, 0, len >> 1);
      }
    }
  }
}

/** Children built by all threads: sums the private shares into the slot and derives the sibling (this thread's bin range). */
function finishShared(b: Board, t: number): void {
  const T = b.spec.threads;
  const len = b.spec.histLen;
  const nodes = b.ctrl[CTRL_NODES];
  const [lo, hi] = chunkOf(0, len >> 1, t, T);
  for (let i = 0; i < nodes; i++) {
    for (let side = 0; side < 2; side++) {
      const slot = side === 0 ? b.planBuildL[i] : b.planBuildR[i];
      if (slot < 0 || b.planOwner[2 * i + side] >= 0) continue;
      for (let u = 1; u < T; u++) addPairs(b, slot * len, privStart(b, u, i, side), lo, hi);
      const sib = b.planSib[i];
      if (sib >= 0) subPairs(b, sib * len, slot * len, lo, hi);
    }
  }
}

/** hist[dst + 2k..] += src[2k..] for pairs k in [lo, hi); `src` indexes priv. */
function addPairs(b: Board, dst: number, src: number, lo: number, hi: number): void {
  if (hi <= lo) return;
  if (b.wasm) {
    b.wasm.addPairs(b.ptr.hist + 8 * (dst + 2 * lo), b.ptr.priv + 8 * (src + 2 * lo), hi - lo);
    return;
  }
  const { hist, priv } = b;
  for (let k = 2 * lo; k < 2 * hi; k++) hist[dst + k] += priv[src + k];
}

/** hist[dst + 2k..] -= hist[src + 2k..] for pairs k in [lo, hi). */
function subPairs(b: Board, dst: number, src: number, lo: number, hi: number): void {
  if (hi <= lo) return;
  if (b.wasm) {
    b.wasm.subPairs(b.ptr.hist + 8 * (dst + 2 * lo), b.ptr.hist + 8 * (src + 2 * lo), hi - lo);
    return;
  }
  const hist = b.hist;
  for (let k = 2 * lo; k < 2 * hi; k++) hist[dst + k] -= hist[src + k];
}

/** delta[row] = value of the row's leaf, for this thread's share of positions (leaves sorted by start). */
function scatter(b: Board, t: number): void {
  const leaves = b.ctrl[CTRL_LEAVES];
  const { leafStart, leafEnd, leafValue, idx, delta } = b;
  const [a, z] = chunkOf(0, b.spec.rows, t, b.spec.threads);
  let lo = 0;
  let hi = leaves - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (leafEnd[mid] <= a) lo = mid + 1;
    else hi = mid;
  }
  const n = b.spec.rows;
  for (let j = lo; j < leaves && leafStart[j] < z; j++) {
    const v = leafValue[j];
    const s = Math.max(a, leafStart[j]);
    const e = Math.min(z, leafEnd[j]);
    const f = b.leafFeature[j];
    if (f < 0) {
      if (b.wasm) b.wasm.fillLeaf(b.ptr.delta, b.ptr.idx, s, e, v);
      else for (let p = s; p < e; p++) delta[idx[p]] = v;
      continue;
    }
    // a split whose rows were not partitioned: left iff bin <= split bin (missing: default side)
    const sb = b.leafBin[j];
    const dl = b.leafDefaultLeft[j];
    const vr = b.leafValueR[j];
    if (b.wasm) {
      b.wasm.fillSplit(b.ptr.delta, b.ptr.idx, s, e, b.ptr.binsCol + f * n, sb, dl, v, vr);
      continue;
    }
    const col = b.binsCol;
    const base = f * n;
    for (let p = s; p < e; p++) {
      const row = idx[p];
      const bin = col[base + row];
      delta[row] = (bin === 0 ? dl === 1 : bin <= sb) ? v : vr;
    }
  }
}

/**
 * Adds delta to the margins, then recomputes the gradient pairs (this thread's share of the rows),
 * and resets the row index to the identity for the next tree (the scatter before has read it).
 */
function update(b: Board, t: number): void {
  const [a, z] = chunkOf(0, b.spec.rows, t, b.spec.threads);
  updateRows(b, a, z);
  if (b.wasm) b.wasm.iota(b.ptr.idx, a, z);
  else for (let r = a; r < z; r++) b.idx[r] = r;
}

/** Math.fround(1e-16): the smallest hessian (XGBoost's kRtEps-like floor). */
const TINY_F32 = Math.fround(1e-16);

/**
 * margin += delta (float64) and the new quantised gradient pair of rows s..e: the probability,
 * gradient and hessian in float32 as XGBoost computes them (logistic loss; positives weighted by
 * scale_pos_weight), then rounded to multiples of 1/scale in float64. The wasm `update` kernel does
 * the same operations in the same order, four rows per step.
 */
function updateRows(b: Board, s: number, e: number): void {
  if (b.wasm) {
    const p = b.ptr;
    b.wasm.update(s, e, p.margin, p.delta, p.y, p.gpair, b.fparams[0], b.fparams[1], 1 / b.fparams[1]);
    return;
  }
  const f = Math.fround;
  const { margin, delta, y, gpair } = b;
  const posWeight = f(b.fparams[0]);
  const scale = b.fparams[1];
  const inv = 1 / scale;
  for (let row = s; row < e; row++) {
    const md = margin[row] + delta[row];
    margin[row] = md;
    const m = f(md);
    const ex = expNonPositiveF32(-Math.abs(m));
    const q = f(1 / f(1 + ex));
    const prob = m >= 0 ? q : f(ex * q);
    const lbl = y[row];
    const w = lbl === 1 ? posWeight : 1;
    const hh = f(prob * f(1 - prob));
    const g = f(f(prob - lbl) * w);
    const h = f((hh > TINY_F32 ? hh : TINY_F32) * w);
    gpair[2 * row] = (g * scale + ROUND - ROUND) * inv;
    gpair[2 * row + 1] = (h * scale + ROUND - ROUND) * inv;
  }
}

function sample(b: Board, t: number): void {
  const [a, z] = chunkOf(0, b.spec.rows, t, b.spec.threads);
  const { mask, gpair, gpairS } = b;
  for (let r = a; r < z; r++) {
    const keep = mask[r];
    gpairS[2 * r] = keep ? gpair[2 * r] : 0;
    gpairS[2 * r + 1] = keep ? gpair[2 * r + 1] : 0;
  }
}
