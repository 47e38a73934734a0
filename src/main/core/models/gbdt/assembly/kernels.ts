// AssemblyScript kernels (compiled by scripts/build-wasm.mjs to build/kernels.wasm). They work on the
// board's shared memory through byte offsets and must give exactly what kernels.ts gives in TS.

import { notify, now, wait } from './env';

/** Rows gathered per block by the sparse path of `histogram` (scratch: BLOCK rows of bins, then their pairs). */
const BLOCK: i32 = 64;

/** hist[offsets[f] + bins[f]] += gh for every feature f of one row (bins at `base`). */
function addRow(hist: usize, base: usize, F: i32, F4: i32, offsets: usize, gh: v128): void {
  let f = 0;
  for (; f < F4; f += 4) {
    const o = offsets + ((<usize>f) << 2);
    const b = base + <usize>f;
    const k0 = hist + ((<usize>(load<i32>(o) + <i32>load<u8>(b))) << 4);
    const k1 = hist + ((<usize>(load<i32>(o, 4) + <i32>load<u8>(b, 1))) << 4);
    const k2 = hist + ((<usize>(load<i32>(o, 8) + <i32>load<u8>(b, 2))) << 4);
    const k3 = hist + ((<usize>(load<i32>(o, 12) + <i32>load<u8>(b, 3))) << 4);
    v128.store(k0, f64x2.add(v128.load(k0), gh));
    v128.store(k1, f64x2.add(v128.load(k1), gh));
    v128.store(k2, f64x2.add(v128.load(k2), gh));
    v128.store(k3, f64x2.add(v128.load(k3), gh));
  }
  for (; f < F; f++) {
    const k =
      hist + ((<usize>(load<i32>(offsets + ((<usize>f) << 2)) + <i32>load<u8>(base + <usize>f))) << 4);
    v128.store(k, f64x2.add(v128.load(k), gh));
  }
}

/** addRow over a row of global bin indexes (u16, offsets already added): one load less per feature. */
function addRowWide(hist: usize, base: usize, F: i32, F4: i32, gh: v128): void {
  let f = 0;
  for (; f < F4; f += 4) {
    const w = load<u64>(base + ((<usize>f) << 1));
    const k0 = hist + ((<usize>(w & 0xffff)) << 4);
    const k1 = hist + ((<usize>((w >> 16) & 0xffff)) << 4);
    const k2 = hist + ((<usize>((w >> 32) & 0xffff)) << 4);
    const k3 = hist + ((<usize>(w >> 48)) << 4);
    v128.store(k0, f64x2.add(v128.load(k0), gh));
    v128.store(k1, f64x2.add(v128.load(k1), gh));
    v128.store(k2, f64x2.add(v128.load(k2), gh));
    v128.store(k3, f64x2.add(v128.load(k3), gh));
  }
  for (; f < F; f++) {
    const k = hist + ((<usize>load<u16>(base + ((<usize>f) << 1))) << 4);
    v128.store(k, f64x2.add(v128.load(k), gh));
  }
}

/**
 * Adds rows idx[a..z) (ascending) into the histogram at `hist`: bin (offsets[f] + bins[row*F + f]) +=
 * gpair[row]. When the rows are sparse in memory (a deep node), the per-row work waits on cache
 * misses; copying blocks of rows into `scratch` first (a tight loop with many misses in flight) and
 * accumulating from there is 3-5x faster. Dense ranges read in place (the hardware prefetcher keeps up).
 * The block copy reads up to 15 bytes past a row, so `bins` needs that much readable memory after it.
 * `wide` (0 = none): the same bins as u16 global bin indexes, read instead for (nearly) all rows.
 */
export function histogram(
  hist: usize,
  idx: usize,
  a: i32,
  z: i32,
  bins: usize,
  F: i32,
  offsets: usize,
  gpair: usize,
  scratch: usize,
  wide: usize,
): void {
  if (z <= a) return;
  const F4 = F & ~3;
  const span = <u64>(load<u32>(idx + ((<usize>(z - 1)) << 2)) - load<u32>(idx + ((<usize>a) << 2))) + 1;
  // the wide rows are twice the bytes: worth it only when (nearly) every row is read
  if (wide != 0 && <u64>(z - a) * 10 >= span * 9) {
    const stride = (<usize>F) << 1;
    for (let p = a; p < z; p++) {
      const row = <usize>load<u32>(idx + ((<usize>p) << 2));
      addRowWide(hist, wide + row * stride, F, F4, v128.load(gpair + (row << 4)));
    }
    return;
  }
  if (<u64>(z - a) * 3 >= span) {
    for (let p = a; p < z; p++) {
      const row = <usize>load<u32>(idx + ((<usize>p) << 2));
      addRow(hist, bins + row * <usize>F, F, F4, offsets, v128.load(gpair + (row << 4)));
    }
    return;
  }
  const stride = (<usize>(F + 15)) & ~15;
  const pairs = scratch + stride * <usize>BLOCK;
  for (let p0 = a; p0 < z; p0 += BLOCK) {
    const m = min(BLOCK, z - p0);
    for (let j = 0; j < m; j++) {
      const row = <usize>load<u32>(idx + ((<usize>(p0 + j)) << 2));
      const src = bins + row * <usize>F;
      const dst = scratch + <usize>j * stride;
      for (let o: usize = 0; o < stride; o += 16) v128.store(dst + o, v128.load(src + o));
      v128.store(pairs + ((<usize>j) << 4), v128.load(gpair + (row << 4)));
    }
    for (let j = 0; j < m; j++) {
      addRow(hist, scratch + <usize>j * stride, F, F4, offsets, v128.load(pairs + ((<usize>j) << 4)));
    }
  }
}

/**
 * Stable branchless partition of idx[s..e) by lut[col[row]] (1 = left): lefts are written to
 * `left` from position s, rights to `right` from position `r0`. Returns the left count.
 * In place (left == idx) is safe because the write position never passes the read position.
 */
export function partition(
  idx: usize,
  s: i32,
  e: i32,
  col: usize,
  lut: usize,
  left: usize,
  right: usize,
  r0: i32,
): i32 {
  let l = <usize>s;
  let r = <usize>r0;
  for (let p = s; p < e; p++) {
    const row = load<u32>(idx + ((<usize>p) << 2));
    const gl = <usize>load<u8>(lut + <usize>load<u8>(col + <usize>row));
    store<u32>(left + (l << 2), row);
    store<u32>(right + (r << 2), row);
    l += gl;
    r += 1 - gl;
  }
  return <i32>(l - <usize>s);
}

/** dst[k] += src[k] for `pairs` f64 pairs (16-byte aligned): summing a thread's private histogram. */
export function addPairs(dst: usize, src: usize, pairs: i32): void {
  const end = dst + ((<usize>pairs) << 4);
  let s = src;
  for (let d = dst; d < end; d += 16) {
    v128.store(d, f64x2.add(v128.load(d), v128.load(s)));
    s += 16;
  }
}

/** dst[k] -= src[k] for `pairs` f64 pairs: a sibling's histogram as parent minus the built child. */
export function subPairs(dst: usize, src: usize, pairs: i32): void {
  const end = dst + ((<usize>pairs) << 4);
  let s = src;
  for (let d = dst; d < end; d += 16) {
    v128.store(d, f64x2.sub(v128.load(d), v128.load(s)));
    s += 16;
  }
}

/** XGBoost's kRtEps: a split must improve the loss by more than this (split.ts MIN_GAIN). */
const MIN_GAIN: f64 = 1e-6;

/**
 * split.ts nodeGain on both lanes: 0 where h < minChildWeight or h <= 0, else
 * thresholdL1(g, alpha)^2 / (h + lambda), each lane with the scalar operations in the same order.
 */
function nodeGain2(g: v128, h: v128, alpha: v128, lambda: v128, mcw: v128): v128 {
  const zero = f64x2.splat(0.0);
  const t = v128.bitselect(
    f64x2.sub(g, alpha),
    v128.bitselect(f64x2.add(g, alpha), zero, f64x2.lt(g, f64x2.neg(alpha))),
    f64x2.gt(g, alpha),
  );
  const q = f64x2.div(f64x2.mul(t, t), f64x2.add(h, lambda));
  return v128.and(q, v128.and(f64x2.ge(h, mcw), f64x2.gt(h, zero)));
}

/**
 * split.ts findBestSplit over the histogram at `hist` (gradient, hessian pairs; feature f's bins from
 * offsets[f]) for the `nf` features listed at `features`: the same candidates in the same order with
 * the same arithmetic (the left and right child's gains of a candidate in two lanes), so the same
 * split wins. Writes [gain, feature, bin, default left, gl, hl] as f64 to `out`; returns 1 if a split
 * beats max(MIN_GAIN, gamma), else 0.
 */
export function bestSplit(
  hist: usize,
  offsets: usize,
  features: usize,
  nf: i32,
  g: f64,
  h: f64,
  lambda: f64,
  alpha: f64,
  gamma: f64,
  mcw: f64,
  out: usize,
): i32 {
  const vAlpha = f64x2.splat(alpha);
  const vLambda = f64x2.splat(lambda);
  const vMcw = f64x2.splat(mcw);
  // parentGain = nodeGain(g, h)
  const pg = f64x2.extract_lane(nodeGain2(f64x2.splat(g), f64x2.splat(h), vAlpha, vLambda, vMcw), 0);
  let bestGain = max(MIN_GAIN, gamma);
  let found = false;
  let bf = 0;
  let bb = 0;
  let bdl = 0;
  let bgl: f64 = 0;
  let bhl: f64 = 0;
  for (let fi = 0; fi < nf; fi++) {
    const f = load<i32>(features + ((<usize>fi) << 2));
    const o = offsets + ((<usize>f) << 2);
    const base = hist + ((<usize>load<i32>(o)) << 4);
    const gm = load<f64>(base);
    const hm = load<f64>(base, 8);
    const hasMissing = hm != 0 || gm != 0;
    const last = load<i32>(o, 4) - load<i32>(o) - 2;
    let gl: f64 = 0;
    let hl: f64 = 0;
    for (let s = 1; s <= last; s++) {
      const at = base + ((<usize>s) << 4);
      const bg = load<f64>(at);
      const bh = load<f64>(at, 8);
      // an empty bin repeats the previous partition, whose gain was already seen
      if (bg == 0 && bh == 0 && s > 1) continue;
      gl += bg;
      hl += bh;
      let hr = h - hl;
      // hl only grows: no later boundary (either default direction) leaves min_child_weight right
      if (hr < mcw) break;
      // the two default directions are written out, not looped over: the loop cost 3-4 % of a fit
      if (hl >= mcw) {
        const v = nodeGain2(
          f64x2.replace_lane(f64x2.splat(gl), 1, g - gl),
          f64x2.replace_lane(f64x2.splat(hl), 1, hr),
          vAlpha,
          vLambda,
          vMcw,
        );
        const gain = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1) - pg;
        if (gain > bestGain) {
          bestGain = gain;
          found = true;
          bf = f;
          bb = s;
          bdl = 0;
          bgl = gl;
          bhl = hl;
        }
      }
      if (hasMissing) {
        const gl2 = gl + gm;
        const hl2 = hl + hm;
        hr = h - hl2;
        if (hl2 >= mcw && hr >= mcw) {
          const v = nodeGain2(
            f64x2.replace_lane(f64x2.splat(gl2), 1, g - gl2),
            f64x2.replace_lane(f64x2.splat(hl2), 1, hr),
            vAlpha,
            vLambda,
            vMcw,
          );
          const gain = f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1) - pg;
          if (gain > bestGain) {
            bestGain = gain;
            found = true;
            bf = f;
            bb = s;
            bdl = 1;
            bgl = gl2;
            bhl = hl2;
          }
        }
      }
    }
  }
  if (!found) return 0;
  store<f64>(out, bestGain);
  store<f64>(out, <f64>bf, 8);
  store<f64>(out, <f64>bb, 16);
  store<f64>(out, <f64>bdl, 24);
  store<f64>(out, bgl, 32);
  store<f64>(out, bhl, 40);
  return 1;
}

/** delta[idx[p]] = v for positions p in [a, z) (one leaf's rows). */
export function fillLeaf(delta: usize, idx: usize, a: i32, z: i32, v: f64): void {
  for (let p = a; p < z; p++) store<f64>(delta + ((<usize>load<u32>(idx + ((<usize>p) << 2))) << 3), v);
}

/**
 * delta[row] = vL or vR for the rows idx[a..z) of a split that was not partitioned: left iff the
 * row's bin in `col` is 1..bin, or 0 (missing) and defaultLeft is 1.
 */
export function fillSplit(
  delta: usize,
  idx: usize,
  a: i32,
  z: i32,
  col: usize,
  bin: i32,
  defaultLeft: i32,
  vL: f64,
  vR: f64,
): void {
  for (let p = a; p < z; p++) {
    const row = <usize>load<u32>(idx + ((<usize>p) << 2));
    const b = <i32>load<u8>(col + row);
    const left = b == 0 ? defaultLeft == 1 : b <= bin;
    store<f64>(delta + (row << 3), select<f64>(vL, vR, left));
  }
}

/** idx[r] = r for r in [a, z). */
export function iota(idx: usize, a: i32, z: i32): void {
  let r = a;
  if (z - a >= 8) {
    for (; r & 3; r++) store<u32>(idx + ((<usize>r) << 2), r);
    let v = i32x4.add(i32x4.splat(r), v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0));
    const four = i32x4.splat(4);
    for (; r + 4 <= z; r += 4) {
      v128.store(idx + ((<usize>r) << 2), v);
      v = i32x4.add(v, four);
    }
  }
  for (; r < z; r++) store<u32>(idx + ((<usize>r) << 2), r);
}

/** The 8-step descent of binning.ts binRows: #{padded cuts <= v} over 255 padded cuts at `pb` + 4. */
function descend(pb: usize, v: f32): usize {
  let pos: usize = 0;
  pos += select<usize>(128, 0, load<f32>(pb + ((pos + 128) << 2)) <= v);
  pos += select<usize>(64, 0, load<f32>(pb + ((pos + 64) << 2)) <= v);
  pos += select<usize>(32, 0, load<f32>(pb + ((pos + 32) << 2)) <= v);
  pos += select<usize>(16, 0, load<f32>(pb + ((pos + 16) << 2)) <= v);
  pos += select<usize>(8, 0, load<f32>(pb + ((pos + 8) << 2)) <= v);
  pos += select<usize>(4, 0, load<f32>(pb + ((pos + 4) << 2)) <= v);
  pos += select<usize>(2, 0, load<f32>(pb + ((pos + 2) << 2)) <= v);
  pos += select<usize>(1, 0, load<f32>(pb + ((pos + 1) << 2)) <= v);
  return pos;
}

/** Bin of v from its descent: 0 for NaN, else 1 + the position clamped to the real cut count c. */
function binFrom(v: f32, pos: usize, c: usize): u8 {
  return v != v ? 0 : <u8>(1 + (pos < c ? pos : c));
}

/**
 * binning.ts binRows for n rows copied to `src` (row-major float32), which are rows r0.. of the board:
 * the same branch-free 8-step descent over the padded cuts, feature by feature with four rows'
 * descents interleaved (each is a chain of dependent loads), written to the row-major and
 * column-major bins and (wide != 0) the u16 global bin indexes.
 */
export function binBlock(
  src: usize,
  n: i32,
  cols: i32,
  padded: usize,
  count: usize,
  rowMajor: usize,
  colMajor: usize,
  rows: i32,
  r0: i32,
  wide: usize,
  offsets: usize,
): void {
  const C = <usize>cols;
  const stride = C << 2;
  for (let f: usize = 0; f < C; f++) {
    const pb = padded + (f << 10) - 4;
    const c = <usize>load<i32>(count + (f << 2));
    const col = colMajor + f * <usize>rows + <usize>r0;
    const rowAt = rowMajor + <usize>r0 * C + f;
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const at = src + <usize>i * stride + (f << 2);
      const v0 = load<f32>(at);
      const v1 = load<f32>(at + stride);
      const v2 = load<f32>(at + 2 * stride);
      const v3 = load<f32>(at + 3 * stride);
      const b0 = binFrom(v0, descend(pb, v0), c);
      const b1 = binFrom(v1, descend(pb, v1), c);
      const b2 = binFrom(v2, descend(pb, v2), c);
      const b3 = binFrom(v3, descend(pb, v3), c);
      store<u32>(col + <usize>i, (<u32>b0) | ((<u32>b1) << 8) | ((<u32>b2) << 16) | ((<u32>b3) << 24));
      const ra = rowAt + <usize>i * C;
      store<u8>(ra, b0);
      store<u8>(ra + C, b1);
      store<u8>(ra + 2 * C, b2);
      store<u8>(ra + 3 * C, b3);
    }
    for (; i < n; i++) {
      const v = load<f32>(src + <usize>i * stride + (f << 2));
      const b = binFrom(v, descend(pb, v), c);
      store<u8>(col + <usize>i, b);
      store<u8>(rowAt + <usize>i * C, b);
    }
  }
  if (wide != 0) {
    for (let i: usize = 0; i < <usize>n; i++) {
      const r = <usize>r0 + i;
      for (let f: usize = 0; f < C; f++) {
        const b = <i32>load<u8>(rowMajor + r * C + f);
        store<u16>(wide + ((r * C + f) << 1), <u16>(load<i32>(offsets + (f << 2)) + b));
      }
    }
  }
}

// Cut points (binning.ts featureCuts, fewDistinctCuts, radixSortFloat32 and cutsFromSorted): the
// same results from the same steps, without the JIT warm-up the TS loops need in a fresh process.

const EMPTY: u32 = 0x7fc00001;

/** Sorts `n` float32 bit patterns at `vals` ascending by value (-0 before 0), via order keys in `tmp`. */
function radixSortBits(vals: usize, n: i32, tmp: usize, counts: usize): void {
  for (let i = 0; i < n; i++) {
    const p = vals + ((<usize>i) << 2);
    const k = load<u32>(p);
    store<u32>(p, k & 0x80000000 ? ~k : k | 0x80000000);
  }
  let src = vals;
  let dst = tmp;
  for (let shift: u32 = 0; shift < 33; shift += 11) {
    memory.fill(counts, 0, 2048 << 2);
    for (let i = 0; i < n; i++) {
      const c = counts + ((<usize>((load<u32>(src + ((<usize>i) << 2)) >>> shift) & 2047)) << 2);
      store<u32>(c, load<u32>(c) + 1);
    }
    let sum: u32 = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts + ((<usize>d) << 2);
      const v = load<u32>(c);
      store<u32>(c, sum);
      sum += v;
    }
    for (let i = 0; i < n; i++) {
      const k = load<u32>(src + ((<usize>i) << 2));
      const c = counts + ((<usize>((k >>> shift) & 2047)) << 2);
      const at = load<u32>(c);
      store<u32>(c, at + 1);
      store<u32>(dst + ((<usize>at) << 2), k);
    }
    const t = src;
    src = dst;
    dst = t;
  }
  // three passes: the sorted keys are in tmp
  for (let i = 0; i < n; i++) {
    const k = load<u32>(src + ((<usize>i) << 2));
    store<u32>(vals + ((<usize>i) << 2), k & 0x80000000 ? k & 0x7fffffff : ~k);
  }
}

/**
 * Cut points of one feature from its `m` sampled values at `col` (float32, NaN = missing), at most
 * valueBins - 1 of them written to `out` (float32); returns how many. `tmp` holds m + 2048 + 1024
 * 32-bit words of scratch. `col` is overwritten.
 */
export function cutPoints(col: usize, m: i32, valueBins: i32, tmp: usize, out: usize): i32 {
  const counts = tmp + ((<usize>m) << 2);
  const table = counts + (2048 << 2);
  // the non-missing values, in order, to the front of col
  let n = 0;
  for (let i = 0; i < m; i++) {
    const v = load<f32>(col + ((<usize>i) << 2));
    if (v == v) {
      store<f32>(col + ((<usize>n) << 2), v);
      n++;
    }
  }
  if (n == 0) return 0;
  // few distinct values (fewDistinctCuts): hash them in one pass
  for (let i = 0; i < 1024; i++) store<u32>(table + ((<usize>i) << 2), EMPTY);
  let distinct = 0;
  let negativeZero = false;
  for (let i = 0; i < n && distinct <= valueBins; i++) {
    let k = load<u32>(col + ((<usize>i) << 2));
    if (k == 0x80000000) {
      negativeZero = true;
      k = 0;
    }
    let h = (k * 0x9e3779b1) >>> 22;
    for (;;) {
      const slot = table + ((<usize>(h & 1023)) << 2);
      const t = load<u32>(slot);
      if (t == k) break;
      if (t == EMPTY) {
        distinct++;
        store<u32>(slot, k);
        break;
      }
      h++;
    }
  }
  if (distinct <= valueBins) {
    // every distinct value but the smallest, ascending (insertion sort of at most valueBins values)
    let found = 0;
    for (let i = 0; i < 1024; i++) {
      const t = load<u32>(table + ((<usize>i) << 2));
      if (t == EMPTY) continue;
      const v = reinterpret<f32>(t);
      let j = found++;
      while (j > 0 && load<f32>(out + ((<usize>(j - 1)) << 2)) > v) {
        store<f32>(out + ((<usize>j) << 2), load<f32>(out + ((<usize>(j - 1)) << 2)));
        j--;
      }
      store<f32>(out + ((<usize>j) << 2), v);
    }
    for (let j = 1; j < found; j++) {
      let v = load<f32>(out + ((<usize>j) << 2));
      if (negativeZero && v == 0) v = -0.0;
      store<f32>(out + ((<usize>(j - 1)) << 2), v);
    }
    return found - 1;
  }
  // many: sort, then quantiles (cutsFromSorted; the distinct count is above valueBins here)
  radixSortBits(col, n, tmp, counts);
  let cuts = 0;
  let last = load<f32>(col);
  for (let j = 1; j < valueBins; j++) {
    const q = load<f32>(col + ((<usize>(<i32>((<i64>j * <i64>n) / <i64>valueBins))) << 2));
    if (q > last) {
      store<f32>(out + ((<usize>cuts) << 2), q);
      cuts++;
      last = q;
    }
  }
  return cuts;
}

// Prediction nodes: 32 bytes each, [feature, left, right, missing (absolute byte addresses), threshold
// f32, leaf value f32, pad, pad]. A leaf points to itself on all three sides (feature 0), so every row
// walks exactly `depth` steps without branches, and eight rows (then four, then one) advance together:
// eight independent walks hide more of each step's load latency (72k rows: 100 ms against 111 with four).

function step(n: u32, base: usize): u32 {
  const v = load<f32>(base + ((<usize>load<i32>(n)) << 2));
  const right = select<u32>(load<u32>(n, 12), load<u32>(n, 8), v != v);
  return select<u32>(load<u32>(n, 4), right, v < load<f32>(n, 16));
}

/** Adds the margins of all trees for `rows` row-major float32 rows to out[r] (f64), tree by tree in blocks of 64 rows. */
export function predict(
  roots: usize,
  depths: usize,
  trees: i32,
  data: usize,
  rows: i32,
  cols: i32,
  out: usize,
): void {
  const stride = (<usize>cols) << 2;
  for (let r0 = 0; r0 < rows; r0 += 64) {
    const r1 = min(rows, r0 + 64);
    for (let t = 0; t < trees; t++) {
      const root = load<u32>(roots + ((<usize>t) << 2));
      const depth = load<i32>(depths + ((<usize>t) << 2));
      let r = r0;
      for (; r + 8 <= r1; r += 8) {
        const b0 = data + <usize>r * stride;
        const b1 = b0 + stride;
        const b2 = b1 + stride;
        const b3 = b2 + stride;
        const b4 = b3 + stride;
        const b5 = b4 + stride;
        const b6 = b5 + stride;
        const b7 = b6 + stride;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        let n4 = root;
        let n5 = root;
        let n6 = root;
        let n7 = root;
        for (let d = 0; d < depth; d++) {
          n0 = step(n0, b0);
          n1 = step(n1, b1);
          n2 = step(n2, b2);
          n3 = step(n3, b3);
          n4 = step(n4, b4);
          n5 = step(n5, b5);
          n6 = step(n6, b6);
          n7 = step(n7, b7);
        }
        const o = out + ((<usize>r) << 3);
        store<f64>(o, load<f64>(o) + <f64>load<f32>(n0, 20));
        store<f64>(o, load<f64>(o, 8) + <f64>load<f32>(n1, 20), 8);
        store<f64>(o, load<f64>(o, 16) + <f64>load<f32>(n2, 20), 16);
        store<f64>(o, load<f64>(o, 24) + <f64>load<f32>(n3, 20), 24);
        store<f64>(o, load<f64>(o, 32) + <f64>load<f32>(n4, 20), 32);
        store<f64>(o, load<f64>(o, 40) + <f64>load<f32>(n5, 20), 40);
        store<f64>(o, load<f64>(o, 48) + <f64>load<f32>(n6, 20), 48);
        store<f64>(o, load<f64>(o, 56) + <f64>load<f32>(n7, 20), 56);
      }
      for (; r + 4 <= r1; r += 4) {
        const b0 = data + <usize>r * stride;
        const b1 = b0 + stride;
        const b2 = b1 + stride;
        const b3 = b2 + stride;
        let n0 = root;
        let n1 = root;
        let n2 = root;
        let n3 = root;
        for (let d = 0; d < depth; d++) {
          n0 = step(n0, b0);
          n1 = step(n1, b1);
          n2 = step(n2, b2);
          n3 = step(n3, b3);
        }
        const o = out + ((<usize>r) << 3);
        store<f64>(o, load<f64>(o) + <f64>load<f32>(n0, 20));
        store<f64>(o, load<f64>(o, 8) + <f64>load<f32>(n1, 20), 8);
        store<f64>(o, load<f64>(o, 16) + <f64>load<f32>(n2, 20), 16);
        store<f64>(o, load<f64>(o, 24) + <f64>load<f32>(n3, 20), 24);
      }
      for (; r < r1; r++) {
        const b = data + <usize>r * stride;
        let n = root;
        for (let d = 0; d < depth; d++) n = step(n, b);
        const o = out + ((<usize>r) << 3);
        store<f64>(o, load<f64>(o) + <f64>load<f32>(n, 20));
      }
    }
  }
}

// Gradient update: kernels.ts' updateRows (with exp.ts) in the same single-precision operations in
// the same order, so results are bit-identical to the TS kernels.
const ROUND: f64 = 1.5 * 4503599627370496.0;
const R32: f32 = 12582912.0;
const INV_LN2: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;
const C3: f32 = <f32>(1.0 / 6.0);
const C4: f32 = <f32>(1.0 / 24.0);
const C5: f32 = <f32>(1.0 / 120.0);
const C6: f32 = <f32>(1.0 / 720.0);
const TINY: f32 = <f32>1e-16;

/** exp.ts expNonPositiveF32: exp(x) for x <= 0 in float32, 0 below -87. */
function expNonPositiveF32(x: f32): f32 {
  if (!(x >= -87.0)) return 0.0;
  const k = x * INV_LN2 + R32 - R32;
  const r = x - k * LN2_HI - k * LN2_LO;
  const p = <f32>1.0 + r * (<f32>1.0 + r * (<f32>0.5 + r * (C3 + r * (C4 + r * (C5 + r * C6)))));
  return p * reinterpret<f32>((<i32>k + 127) << 23);
}

/** Quantises a float32 gradient (or hessian) to the board's grid, in float64: see kernels.ts. */
function quantise2(v: v128, scale: v128, inv: v128): v128 {
  const round = f64x2.splat(ROUND);
  return f64x2.mul(f64x2.sub(f64x2.add(f64x2.mul(v, scale), round), round), inv);
}

/**
 * Adds delta to the margins of rows s..e (float64) and recomputes their quantised gradient pairs:
 * the probability, gradient and hessian in float32, four rows per step (an odd tail row by row),
 * then quantised to multiples of 1/scale in float64.
 */
export function update(
  s: i32,
  e: i32,
  margin: usize,
  delta: usize,
  y: usize,
  gpair: usize,
  posWeight: f32,
  scale: f64,
  inv: f64,
): void {
  const one = f32x4.splat(1.0);
  const zero = f32x4.splat(0.0);
  const r32 = f32x4.splat(R32);
  const wPos = f32x4.splat(posWeight);
  const tiny = f32x4.splat(TINY);
  const vScale = f64x2.splat(scale);
  const vInv = f64x2.splat(inv);
  let row = <usize>s;
  for (; row + 3 < <usize>e; row += 4) {
    const mp = margin + (row << 3);
    const dp = delta + (row << 3);
    const m01 = f64x2.add(v128.load(mp), v128.load(dp));
    const m23 = f64x2.add(v128.load(mp, 16), v128.load(dp, 16));
    v128.store(mp, m01);
    v128.store(mp, m23, 16);
    const m = v128.shuffle<i32>(f32x4.demote_f64x2_zero(m01), f32x4.demote_f64x2_zero(m23), 0, 1, 4, 5);
    const x = f32x4.neg(f32x4.abs(m));
    const k = f32x4.sub(f32x4.add(f32x4.mul(x, f32x4.splat(INV_LN2)), r32), r32);
    const r = f32x4.sub(f32x4.sub(x, f32x4.mul(k, f32x4.splat(LN2_HI))), f32x4.mul(k, f32x4.splat(LN2_LO)));
    let p = f32x4.add(f32x4.splat(C5), f32x4.mul(r, f32x4.splat(C6)));
    p = f32x4.add(f32x4.splat(C4), f32x4.mul(r, p));
    p = f32x4.add(f32x4.splat(C3), f32x4.mul(r, p));
    p = f32x4.add(f32x4.splat(0.5), f32x4.mul(r, p));
    p = f32x4.add(one, f32x4.mul(r, p));
    p = f32x4.add(one, f32x4.mul(r, p));
    const pow = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(k), i32x4.splat(127)), 23);
    const ex = v128.and(f32x4.mul(p, pow), f32x4.ge(x, f32x4.splat(-87.0)));
    const q = f32x4.div(one, f32x4.add(one, ex));
    const prob = v128.bitselect(q, f32x4.mul(ex, q), f32x4.ge(m, zero));
    const lbl = f32x4.convert_i32x4_u(
      i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(y + row))),
    );
    const w = v128.bitselect(wPos, one, f32x4.eq(lbl, one));
    const hh = f32x4.mul(prob, f32x4.sub(one, prob));
    const hc = v128.bitselect(hh, tiny, f32x4.gt(hh, tiny));
    const g = f32x4.mul(f32x4.sub(prob, lbl), w);
    const h = f32x4.mul(hc, w);
    const g01 = quantise2(f64x2.promote_low_f32x4(g), vScale, vInv);
    const h01 = quantise2(f64x2.promote_low_f32x4(h), vScale, vInv);
    const g23 = quantise2(f64x2.promote_low_f32x4(v128.shuffle<i32>(g, g, 2, 3, 2, 3)), vScale, vInv);
    const h23 = quantise2(f64x2.promote_low_f32x4(v128.shuffle<i32>(h, h, 2, 3, 2, 3)), vScale, vInv);
    const gp = gpair + (row << 4);
    v128.store(gp, v128.shuffle<f64>(g01, h01, 0, 2));
    v128.store(gp, v128.shuffle<f64>(g01, h01, 1, 3), 16);
    v128.store(gp, v128.shuffle<f64>(g23, h23, 0, 2), 32);
    v128.store(gp, v128.shuffle<f64>(g23, h23, 1, 3), 48);
  }
  for (; row < <usize>e; row++) {
    const mp = margin + (row << 3);
    const md = load<f64>(mp) + load<f64>(delta + (row << 3));
    store<f64>(mp, md);
    const m = <f32>md;
    const ex = expNonPositiveF32(-abs<f32>(m));
    const q = <f32>1.0 / (<f32>1.0 + ex);
    const prob = m >= 0 ? q : ex * q;
    const lbl = <f32>load<u8>(y + row);
    const w = lbl == <f32>1.0 ? posWeight : <f32>1.0;
    const hh = prob * (<f32>1.0 - prob);
    const g = (prob - lbl) * w;
    const h = (hh > TINY ? hh : TINY) * w;
    const gp = gpair + (row << 4);
    store<f64>(gp, (<f64>g * scale + ROUND - ROUND) * inv);
    store<f64>(gp, (<f64>h * scale + ROUND - ROUND) * inv, 8);
  }
}

// ---------------------------------------------------------------------------------------------------
// Ops: one thread's share of OP_ROOT, OP_LEVEL, OP_LEAVES and OP_UPDATE with the barriers between
// their phases, as kernels.ts runs them in TS (root, level, scatter, update) and with the same
// results. With these in wasm the tree growing runs little JavaScript: a fresh process no longer
// waits for V8 to optimise that JavaScript while the threads meet at barriers.

// control block indexes and op codes (board.ts)
const CTRL_NODES: i32 = 3;
const CTRL_ROOT_SLOT: i32 = 4;
const CTRL_LEAVES: i32 = 5;
const CTRL_ERROR: i32 = 6;
const CTRL_EVALS: i32 = 7;
const CTRL_FEATURES: i32 = 8;
const CTRL_BAR: i32 = 9;
const CTRL_TASK: i32 = 10;
const OP_ROOT: i32 = 3;
const OP_UPDATE: i32 = 5;
const OP_LEVEL: i32 = 8;
const OP_LEAVES: i32 = 10;
/** kernels.ts SHARED_CHILD_ROWS. */
const SHARED_CHILD_ROWS: i32 = 4096;
/** Rows of one task of a child built by all threads (see childHistograms). */
const TASK_ROWS: i32 = 4096;
/** Children planLevel left to one thread each (listed largest first in the plan's sizes). */
let smallChildren: i32 = 0;
/** runOp's answers: done, another thread failed, nobody arrived at a barrier within BARRIER_MS. */
const OK: i32 = 0;
const FAILED: i32 = 1;
const TIMED_OUT: i32 = 2;
const BARRIER_MS: f64 = 30000;
/** board.ts waitForChange's spin bounds (ms) and polls between looks at the clock. */
const SPIN_MAX_MS: f64 = 0.1;
const SPIN_MIN_MS: f64 = 0.002;
const POLLS_PER_CHECK: i32 = 128;

// the board (opsInit reads it from the context block board.ts writes; see OPS_CONTEXT there)
let nRows: i32 = 0;
let nCols: i32 = 0;
let nThreads: i32 = 1;
let histLen: i32 = 0;
let maxBatch: i32 = 0;
let me: i32 = 0;
let pBinsRow: usize = 0;
let pBinsCol: usize = 0;
let pWide: usize = 0;
let pOffsets: usize = 0;
let pGpairS: usize = 0;
let pGpair: usize = 0;
let pMargin: usize = 0;
let pDelta: usize = 0;
let pY: usize = 0;
let pIdx: usize = 0;
let pTmpL: usize = 0;
let pTmpR: usize = 0;
let pHist: usize = 0;
let pPriv: usize = 0;
let pNodeStart: usize = 0;
let pNodeEnd: usize = 0;
let pNodeFeature: usize = 0;
let pNodeMode: usize = 0;
let pNodeSlotA: usize = 0;
let pNodeSlotB: usize = 0;
let pNodeParent: usize = 0;
let pLut: usize = 0;
let pCntL: usize = 0;
let pLeafStart: usize = 0;
let pLeafEnd: usize = 0;
let pLeafValue: usize = 0;
let pLeafFeature: usize = 0;
let pLeafBin: usize = 0;
let pLeafDefaultLeft: usize = 0;
let pLeafValueR: usize = 0;
let pFparams: usize = 0;
let pFeatures: usize = 0;
let pEvalFrom: usize = 0;
let pEvalG: usize = 0;
let pEvalH: usize = 0;
let pBestFeature: usize = 0;
let pBestBin: usize = 0;
let pBestDefaultLeft: usize = 0;
let pBestGain: usize = 0;
let pBestGL: usize = 0;
let pBestHL: usize = 0;
let pEvalOut: usize = 0;
let pCtrl: usize = 0;
let pScratch: usize = 0;
let scratchStride: usize = 0;
// this thread's plan of a level (board.ts planStride's layout)
let pBuildL: usize = 0;
let pBuildR: usize = 0;
let pSib: usize = 0;
let pSlotL: usize = 0;
let pSlotR: usize = 0;
let pEvalSlot: usize = 0;
let pOwner: usize = 0;
let pSize: usize = 0;
let pLoad: usize = 0;
/** This thread's spin before blocking (board.ts spinMs). */
let spinMs: f64 = SPIN_MAX_MS;

function i32At(p: usize, i: i32): i32 {
  return load<i32>(p + ((<usize>i) << 2));
}
function setI32(p: usize, i: i32, v: i32): void {
  store<i32>(p + ((<usize>i) << 2), v);
}
function f64At(p: usize, i: i32): f64 {
  return load<f64>(p + ((<usize>i) << 3));
}
function setF64(p: usize, i: i32, v: f64): void {
  store<f64>(p + ((<usize>i) << 3), v);
}
function ctrl(i: i32): i32 {
  return atomic.load<i32>(pCtrl + ((<usize>i) << 2));
}
function ptrAt(ctx: usize, i: i32): usize {
  return <usize>load<u32>(ctx + ((<usize>i) << 2));
}

/** Reads the board from the context block at `ctx` (board.ts OPS_CONTEXT order); `t` is this thread. */
export function opsInit(ctx: usize, t: i32): void {
  nRows = load<i32>(ctx);
  nCols = load<i32>(ctx, 4);
  nThreads = load<i32>(ctx, 8);
  histLen = load<i32>(ctx, 12);
  maxBatch = load<i32>(ctx, 16);
  me = t;
  pBinsRow = ptrAt(ctx, 5);
  pBinsCol = ptrAt(ctx, 6);
  pWide = ptrAt(ctx, 7);
  pOffsets = ptrAt(ctx, 8);
  pGpairS = ptrAt(ctx, 9);
  pGpair = ptrAt(ctx, 10);
  pMargin = ptrAt(ctx, 11);
  pDelta = ptrAt(ctx, 12);
  pY = ptrAt(ctx, 13);
  pIdx = ptrAt(ctx, 14);
  pTmpL = ptrAt(ctx, 15);
  pTmpR = ptrAt(ctx, 16);
  pHist = ptrAt(ctx, 17);
  pPriv = ptrAt(ctx, 18);
  pNodeStart = ptrAt(ctx, 19);
  pNodeEnd = ptrAt(ctx, 20);
  pNodeFeature = ptrAt(ctx, 21);
  pNodeMode = ptrAt(ctx, 22);
  pNodeSlotA = ptrAt(ctx, 23);
  pNodeSlotB = ptrAt(ctx, 24);
  pNodeParent = ptrAt(ctx, 25);
  pLut = ptrAt(ctx, 26);
  pCntL = ptrAt(ctx, 27);
  pLeafStart = ptrAt(ctx, 28);
  pLeafEnd = ptrAt(ctx, 29);
  pLeafValue = ptrAt(ctx, 30);
  pLeafFeature = ptrAt(ctx, 31);
  pLeafBin = ptrAt(ctx, 32);
  pLeafDefaultLeft = ptrAt(ctx, 33);
  pLeafValueR = ptrAt(ctx, 34);
  pFparams = ptrAt(ctx, 35);
  pFeatures = ptrAt(ctx, 36);
  pEvalFrom = ptrAt(ctx, 37);
  pEvalG = ptrAt(ctx, 38);
  pEvalH = ptrAt(ctx, 39);
  pBestFeature = ptrAt(ctx, 40);
  pBestBin = ptrAt(ctx, 41);
  pBestDefaultLeft = ptrAt(ctx, 42);
  pBestGain = ptrAt(ctx, 43);
  pBestGL = ptrAt(ctx, 44);
  pBestHL = ptrAt(ctx, 45);
  pEvalOut = ptrAt(ctx, 46);
  pCtrl = ptrAt(ctx, 47);
  pScratch = ptrAt(ctx, 48);
  scratchStride = ptrAt(ctx, 49);
  const plan = ptrAt(ctx, 50) + <usize>t * ptrAt(ctx, 51);
  const mb = <usize>maxBatch;
  pSize = plan;
  pLoad = pSize + 16 * mb;
  pBuildL = pLoad + 8 * <usize>nThreads;
  pBuildR = pBuildL + 4 * mb;
  pSib = pBuildR + 4 * mb;
  pSlotL = pSib + 4 * mb;
  pSlotR = pSlotL + 4 * mb;
  pEvalSlot = pSlotR + 4 * mb;
  pOwner = pEvalSlot + 8 * mb;
}

/** Thread t's share [lo, hi) of [start, end) (board.ts chunkOf). */
function chunkLo(start: i32, end: i32, t: i32): i32 {
  return start + <i32>((<i64>(end - start) * t) / nThreads);
}

/** board.ts waitForChange: spins (adaptively, by the clock), then blocks; false after `BARRIER_MS`. */
function waitForChange(addr: usize, old: i32): bool {
  const spin = spinMs;
  const until = now() + spin;
  do {
    for (let k = 0; k < POLLS_PER_CHECK; k++) {
      if (atomic.load<i32>(addr) != old) {
        if (spin < SPIN_MAX_MS) spinMs = min(SPIN_MAX_MS, spin * 2);
        return true;
      }
    }
  } while (now() < until);
  spinMs = max(SPIN_MIN_MS, spin / 2);
  const deadline = now() + BARRIER_MS;
  while (atomic.load<i32>(addr) == old) {
    const left = deadline - now();
    if (left <= 0) return false;
    wait(addr, old, left);
  }
  return true;
}

/** board.ts barrier k: every thread arrives, then OK, or FAILED if one reported an error. */
function barrier(k: i32): i32 {
  if (nThreads == 1) return OK;
  const addr = pCtrl + ((<usize>CTRL_BAR) << 2);
  const target = k * nThreads;
  let seen = atomic.add<i32>(addr, 1) + 1;
  if (seen >= target) notify(addr);
  while (seen < target) {
    if (!waitForChange(addr, seen)) return TIMED_OUT;
    seen = atomic.load<i32>(addr);
  }
  return ctrl(CTRL_ERROR) != 0 ? FAILED : OK;
}

/** Start (float64 index) of thread t's private histogram for child `side` of batch node i. */
function privStart(t: i32, i: i32, side: i32): usize {
  return <usize>((t - 1) * 2 * maxBatch + 2 * i + side) * <usize>histLen;
}

/** kernels.ts fillHistogram: zeroes the histogram at float64 index `hb` (of hist or priv) and adds rows idx[a..z). */
function fillHistogram(t: i32, priv: bool, hb: usize, a: i32, z: i32): void {
  const at = (priv ? pPriv : pHist) + (hb << 3);
  memory.fill(at, 0, (<usize>histLen) << 3);
  histogram(at, pIdx, a, z, pBinsRow, nCols, pOffsets, pGpairS, pScratch + <usize>t * scratchStride, pWide);
}

/** hist[dst + 2k..] += priv[src + 2k..] for pairs k in [lo, hi). */
function addPrivPairs(dst: usize, src: usize, lo: i32, hi: i32): void {
  if (hi > lo) addPairs(pHist + ((dst + 2 * <usize>lo) << 3), pPriv + ((src + 2 * <usize>lo) << 3), hi - lo);
}

/** hist[dst + 2k..] -= hist[src + 2k..] for pairs k in [lo, hi). */
function subHistPairs(dst: usize, src: usize, lo: i32, hi: i32): void {
  if (hi > lo) subPairs(pHist + ((dst + 2 * <usize>lo) << 3), pHist + ((src + 2 * <usize>lo) << 3), hi - lo);
}

function leftCount(i: i32): i32 {
  let c = 0;
  for (let u = 0; u < nThreads; u++) c += i32At(pCntL, i * nThreads + u);
  return c;
}

/** kernels.ts evaluateNodes: best splits of listed nodes t, t + stride, … below `nodes`. */
function evaluateNodes(t: i32, stride: i32, nodes: i32): void {
  const nf = ctrl(CTRL_FEATURES);
  const out = pEvalOut + 64 * <usize>t;
  for (let i = t; i < nodes; i += stride) {
    const found = bestSplit(
      pHist + ((<usize>i32At(pEvalSlot, i) * <usize>histLen) << 3),
      pOffsets,
      pFeatures,
      nf,
      f64At(pEvalG, i),
      f64At(pEvalH, i),
      f64At(pFparams, 2),
      f64At(pFparams, 3),
      f64At(pFparams, 4),
      f64At(pFparams, 5),
      out,
    );
    setI32(pBestFeature, i, found ? <i32>load<f64>(out, 8) : -1);
    if (!found) continue;
    setF64(pBestGain, i, load<f64>(out));
    setI32(pBestBin, i, <i32>load<f64>(out, 16));
    setI32(pBestDefaultLeft, i, <i32>load<f64>(out, 24));
    setF64(pBestGL, i, load<f64>(out, 32));
    setF64(pBestHL, i, load<f64>(out, 40));
  }
}

/** kernels.ts root. */
function root(t: i32): i32 {
  const T = nThreads;
  const slot = <usize>ctrl(CTRL_ROOT_SLOT);
  const len = <usize>histLen;
  if (T == 1) fillHistogram(t, false, slot * len, 0, nRows);
  else {
    // blocks of TASK_ROWS rows, each to whichever thread is free, into its own histogram (see
    // childHistogramsShared)
    const at = t == 0 ? pHist + ((slot * len) << 3) : pPriv + (privStart(t, 0, 0) << 3);
    memory.fill(at, 0, len << 3);
    const scratch = pScratch + <usize>t * scratchStride;
    const counter = pCtrl + ((<usize>CTRL_TASK) << 2);
    for (;;) {
      const a = atomic.add<i32>(counter, 1) * TASK_ROWS;
      if (a >= nRows) break;
      histogram(at, pIdx, a, min(nRows, a + TASK_ROWS), pBinsRow, nCols, pOffsets, pGpairS, scratch, pWide);
    }
  }
  if (T > 1) {
    let r = barrier(1);
    if (r != OK) return r;
    const pairs = histLen >> 1;
    const lo = chunkLo(0, pairs, t);
    const hi = chunkLo(0, pairs, t + 1);
    for (let u = 1; u < T; u++) addPrivPairs(slot * len, privStart(u, 0, 0), lo, hi);
    r = barrier(2);
    if (r != OK) return r;
  }
  if (t != 0) return OK;
  // every row is in one bin of feature 0, so its bins sum to the node's totals
  let g: f64 = 0;
  let h: f64 = 0;
  const hb = pHist + ((slot * len) << 3);
  const bins = 2 * (i32At(pOffsets, 1) - i32At(pOffsets, 0));
  for (let k = 0; k < bins; k += 2) {
    g += f64At(hb, k);
    h += f64At(hb, k + 1);
  }
  setF64(pEvalG, 0, g);
  setF64(pEvalH, 0, h);
  setI32(pEvalSlot, 0, <i32>slot);
  evaluateNodes(0, 1, 1);
  return OK;
}

/** kernels.ts partitionInPlace (one thread). */
function partitionInPlace(): void {
  const nodes = ctrl(CTRL_NODES);
  for (let i = 0; i < nodes; i++) {
    const s = i32At(pNodeStart, i);
    const e = i32At(pNodeEnd, i);
    const col = pBinsCol + <usize>i32At(pNodeFeature, i) * <usize>nRows;
    const nl = partition(pIdx, s, e, col, pLut + ((<usize>i) << 8), pIdx, pTmpR, 0);
    memory.copy(pIdx + ((<usize>(s + nl)) << 2), pTmpR, (<usize>(e - s - nl)) << 2);
    setI32(pCntL, i, nl);
  }
}

/** kernels.ts partitionSplit. */
function partitionSplit(t: i32): void {
  const T = nThreads;
  const nodes = ctrl(CTRL_NODES);
  for (let i = 0; i < nodes; i++) {
    const s = i32At(pNodeStart, i);
    const e = i32At(pNodeEnd, i);
    const a = chunkLo(s, e, t);
    const col = pBinsCol + <usize>i32At(pNodeFeature, i) * <usize>nRows;
    setI32(
      pCntL,
      i * T + t,
      partition(pIdx, a, chunkLo(s, e, t + 1), col, pLut + ((<usize>i) << 8), pTmpL, pTmpR, a),
    );
  }
}

/** kernels.ts partitionCopy. */
function partitionCopy(t: i32): void {
  const T = nThreads;
  const nodes = ctrl(CTRL_NODES);
  for (let i = 0; i < nodes; i++) {
    const s = i32At(pNodeStart, i);
    const e = i32At(pNodeEnd, i);
    let totalL = 0;
    let beforeL = 0;
    let beforeR = 0;
    for (let u = 0; u < T; u++) {
      const c = i32At(pCntL, i * T + u);
      totalL += c;
      if (u < t) {
        beforeL += c;
        beforeR += chunkLo(s, e, u + 1) - chunkLo(s, e, u) - c;
      }
    }
    const a = chunkLo(s, e, t);
    const z = chunkLo(s, e, t + 1);
    const nl = i32At(pCntL, i * T + t);
    memory.copy(pIdx + ((<usize>(s + beforeL)) << 2), pTmpL + ((<usize>a) << 2), (<usize>nl) << 2);
    memory.copy(
      pIdx + ((<usize>(s + totalL + beforeR)) << 2),
      pTmpR + ((<usize>a) << 2),
      (<usize>(z - a - nl)) << 2,
    );
  }
}

/** kernels.ts planLevel; returns 1 if a child is built by all threads. */
function planLevel(): bool {
  const T = nThreads;
  const nodes = ctrl(CTRL_NODES);
  let small = 0;
  let shared = false;
  for (let i = 0; i < nodes; i++) {
    const mode = i32At(pNodeMode, i);
    const a = i32At(pNodeSlotA, i);
    const parent = i32At(pNodeParent, i);
    const nl = leftCount(i);
    const nr = i32At(pNodeEnd, i) - i32At(pNodeStart, i) - nl;
    let buildL = -1;
    let buildR = -1;
    let sib = -1;
    let slotL = -1;
    let slotR = -1;
    if (mode == 3 && parent >= 0) {
      if (nl <= nr) {
        buildL = slotL = a;
        slotR = parent;
      } else {
        buildR = slotR = a;
        slotL = parent;
      }
      sib = parent;
    } else if (mode == 3) {
      buildL = slotL = a;
      buildR = slotR = i32At(pNodeSlotB, i);
    } else if (mode == 1) {
      buildL = slotL = a;
    } else if (mode == 2) {
      buildR = slotR = a;
    }
    setI32(pBuildL, i, buildL);
    setI32(pBuildR, i, buildR);
    setI32(pSib, i, sib);
    setI32(pSlotL, i, slotL);
    setI32(pSlotR, i, slotR);
    for (let side = 0; side < 2; side++) {
      const k = 2 * i + side;
      setI32(pOwner, k, 0);
      if ((side == 0 ? buildL : buildR) < 0) continue;
      const rows = side == 0 ? nl : nr;
      if (T > 1 && rows >= SHARED_CHILD_ROWS) {
        setI32(pOwner, k, -1);
        shared = true;
      } else if (T > 1) {
        // rows, then the child: the same order as kernels.ts's rows · 65536 + k
        store<i64>(pSize + ((<usize>small) << 3), ((<i64>rows) << 16) | (<i64>k));
        small++;
      }
    }
  }
  if (small > 0) {
    // largest first (insertion sort: at most 2 · maxBatch distinct keys)
    for (let j = 1; j < small; j++) {
      const v = load<i64>(pSize + ((<usize>j) << 3));
      let m = j - 1;
      while (m >= 0 && load<i64>(pSize + ((<usize>m) << 3)) < v) {
        store<i64>(pSize + ((<usize>(m + 1)) << 3), load<i64>(pSize + ((<usize>m) << 3)));
        m--;
      }
      store<i64>(pSize + ((<usize>(m + 1)) << 3), v);
    }
    for (let u = 0; u < T; u++) store<i64>(pLoad + ((<usize>u) << 3), 0);
    for (let j = 0; j < small; j++) {
      const v = load<i64>(pSize + ((<usize>j) << 3));
      const k = <i32>(v & 0xffff);
      let owner = 0;
      for (let u = 1; u < T; u++) {
        if (load<i64>(pLoad + ((<usize>u) << 3)) < load<i64>(pLoad + ((<usize>owner) << 3))) owner = u;
      }
      setI32(pOwner, k, owner);
      const at = pLoad + ((<usize>owner) << 3);
      store<i64>(at, load<i64>(at) + (v >> 16) + 1);
    }
  }
  smallChildren = small;
  const evals = ctrl(CTRL_EVALS);
  for (let j = 0; j < evals; j++) {
    const from = i32At(pEvalFrom, j);
    setI32(pEvalSlot, j, (from & 1) == 0 ? i32At(pSlotL, from >> 1) : i32At(pSlotR, from >> 1));
  }
  return shared;
}

/**
 * The children's histograms with more than one thread: kernels.ts childHistograms builds the same
 * histograms, but here the work is not split in advance. The rows of each child built by all
 * threads are cut into tasks of TASK_ROWS, followed by the other children, largest first, and each
 * thread takes the next task until none is left: a thread whose rows cost more (scattered rows, a
 * slower core) takes fewer. A thread adds its tasks of a child built by all into its own histogram
 * (thread 0: the slot), zeroed first; finishShared sums them. The sums are exact, so which thread
 * took which task does not change a bit of the result.
 */
function childHistogramsShared(t: i32): void {
  const len = <usize>histLen;
  const nodes = ctrl(CTRL_NODES);
  let blocks = 0;
  for (let i = 0; i < nodes; i++) {
    const mid = i32At(pNodeStart, i) + leftCount(i);
    for (let side = 0; side < 2; side++) {
      const slot = side == 0 ? i32At(pBuildL, i) : i32At(pBuildR, i);
      if (slot < 0 || i32At(pOwner, 2 * i + side) >= 0) continue;
      const rows = side == 0 ? mid - i32At(pNodeStart, i) : i32At(pNodeEnd, i) - mid;
      blocks += (rows + TASK_ROWS - 1) / TASK_ROWS;
      const at = t == 0 ? pHist + ((<usize>slot * len) << 3) : pPriv + (privStart(t, i, side) << 3);
      memory.fill(at, 0, len << 3);
    }
  }
  const scratch = pScratch + <usize>t * scratchStride;
  const counter = pCtrl + ((<usize>CTRL_TASK) << 2);
  // a thread takes its tasks in increasing order: a cursor walks the shared children (child 2i +
  // side, in node order) forward once per level, `base` being the first block of the one under it
  let ck = 0;
  let base = 0;
  for (;;) {
    let task = atomic.add<i32>(counter, 1);
    if (task < blocks) {
      for (; ; ck++) {
        const i = ck >> 1;
        const slot = (ck & 1) == 0 ? i32At(pBuildL, i) : i32At(pBuildR, i);
        if (slot < 0 || i32At(pOwner, ck) >= 0) continue;
        const s = i32At(pNodeStart, i);
        const mid = s + leftCount(i);
        const ra = (ck & 1) == 0 ? s : mid;
        const rz = (ck & 1) == 0 ? mid : i32At(pNodeEnd, i);
        const n = (rz - ra + TASK_ROWS - 1) / TASK_ROWS;
        if (task < base + n) {
          const a = ra + (task - base) * TASK_ROWS;
          const at = t == 0 ? pHist + ((<usize>slot * len) << 3) : pPriv + (privStart(t, i, ck & 1) << 3);
          histogram(at, pIdx, a, min(rz, a + TASK_ROWS), pBinsRow, nCols, pOffsets, pGpairS, scratch, pWide);
          break;
        }
        base += n;
      }
      continue;
    }
    task -= blocks;
    if (task >= smallChildren) break;
    const k = <i32>(load<i64>(pSize + ((<usize>task) << 3)) & 0xffff);
    const i = k >> 1;
    const s = i32At(pNodeStart, i);
    const mid = s + leftCount(i);
    const slot = (k & 1) == 0 ? i32At(pBuildL, i) : i32At(pBuildR, i);
    fillHistogram(
      t,
      false,
      <usize>slot * len,
      (k & 1) == 0 ? s : mid,
      (k & 1) == 0 ? mid : i32At(pNodeEnd, i),
    );
    const sib = i32At(pSib, i);
    if (sib >= 0) subHistPairs(<usize>sib * len, <usize>slot * len, 0, histLen >> 1);
  }
}

/** kernels.ts childHistograms (one thread: every child). */
function childHistograms(t: i32): void {
  if (nThreads > 1) {
    childHistogramsShared(t);
    return;
  }
  const len = <usize>histLen;
  const nodes = ctrl(CTRL_NODES);
  for (let i = 0; i < nodes; i++) {
    const s = i32At(pNodeStart, i);
    const mid = s + leftCount(i);
    const e = i32At(pNodeEnd, i);
    for (let side = 0; side < 2; side++) {
      const slot = side == 0 ? i32At(pBuildL, i) : i32At(pBuildR, i);
      if (slot < 0) continue;
      const owner = i32At(pOwner, 2 * i + side);
      const ra = side == 0 ? s : mid;
      const rz = side == 0 ? mid : e;
      if (owner < 0) {
        const hb = t == 0 ? <usize>slot * len : privStart(t, i, side);
        fillHistogram(t, t > 0, hb, chunkLo(ra, rz, t), chunkLo(ra, rz, t + 1));
      } else if (owner == t) {
        fillHistogram(t, false, <usize>slot * len, ra, rz);
        const sib = i32At(pSib, i);
        if (sib >= 0) subHistPairs(<usize>sib * len, <usize>slot * len, 0, histLen >> 1);
      }
    }
  }
}

/** kernels.ts finishShared. */
function finishShared(t: i32): void {
  const len = <usize>histLen;
  const nodes = ctrl(CTRL_NODES);
  const pairs = histLen >> 1;
  const lo = chunkLo(0, pairs, t);
  const hi = chunkLo(0, pairs, t + 1);
  for (let i = 0; i < nodes; i++) {
    for (let side = 0; side < 2; side++) {
      const slot = side == 0 ? i32At(pBuildL, i) : i32At(pBuildR, i);
      if (slot < 0 || i32At(pOwner, 2 * i + side) >= 0) continue;
      for (let u = 1; u < nThreads; u++) addPrivPairs(<usize>slot * len, privStart(u, i, side), lo, hi);
      const sib = i32At(pSib, i);
      if (sib >= 0) subHistPairs(<usize>sib * len, <usize>slot * len, lo, hi);
    }
  }
}

/** kernels.ts level. */
function level(t: i32): i32 {
  let r = OK;
  if (nThreads == 1) partitionInPlace();
  else {
    partitionSplit(t);
    r = barrier(1);
    if (r != OK) return r;
    partitionCopy(t);
  }
  const shared = planLevel();
  r = barrier(2);
  if (r != OK) return r;
  childHistograms(t);
  r = barrier(3);
  if (r != OK) return r;
  if (shared) {
    finishShared(t);
    r = barrier(4);
    if (r != OK) return r;
  }
  evaluateNodes(t, nThreads, ctrl(CTRL_EVALS));
  return OK;
}

/** kernels.ts scatter: the leaves' values into delta, positions taken in blocks by whichever thread is free. */
function scatter(t: i32): void {
  if (nThreads == 1) {
    scatterRange(0, nRows);
    return;
  }
  // blocks of positions, each to whichever thread is free (rows of unpartitioned splits cost more)
  const counter = pCtrl + ((<usize>CTRL_TASK) << 2);
  for (;;) {
    const a = atomic.add<i32>(counter, 1) * SCATTER_ROWS;
    if (a >= nRows) break;
    scatterRange(a, min(nRows, a + SCATTER_ROWS));
  }
}

/** Positions per scatter task. */
const SCATTER_ROWS: i32 = 16384;

/** delta[row] = the value of the row's leaf, for positions [a, z) (leaves sorted by start). */
function scatterRange(a: i32, z: i32): void {
  const leaves = ctrl(CTRL_LEAVES);
  let lo = 0;
  let hi = leaves - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (i32At(pLeafEnd, mid) <= a) lo = mid + 1;
    else hi = mid;
  }
  for (let j = lo; j < leaves && i32At(pLeafStart, j) < z; j++) {
    const v = f64At(pLeafValue, j);
    const s = max(a, i32At(pLeafStart, j));
    const e = min(z, i32At(pLeafEnd, j));
    const f = i32At(pLeafFeature, j);
    if (f < 0) fillLeaf(pDelta, pIdx, s, e, v);
    else {
      const col = pBinsCol + <usize>f * <usize>nRows;
      fillSplit(
        pDelta,
        pIdx,
        s,
        e,
        col,
        i32At(pLeafBin, j),
        i32At(pLeafDefaultLeft, j),
        v,
        f64At(pLeafValueR, j),
      );
    }
  }
}

/** kernels.ts update: margins and gradient pairs of this thread's rows, then the identity row index. */
function updateShare(t: i32): void {
  const a = chunkLo(0, nRows, t);
  const z = chunkLo(0, nRows, t + 1);
  const scale = f64At(pFparams, 1);
  update(a, z, pMargin, pDelta, pY, pGpair, <f32>f64At(pFparams, 0), scale, 1 / scale);
  iota(pIdx, a, z);
}

/**
 * This thread's share of op `op` (after opsInit): 0 when done, 1 when another thread failed, 2 when
 * a barrier timed out, -1 for an op that runs in TS.
 */
export function runOp(op: i32): i32 {
  if (op == OP_ROOT) return root(me);
  if (op == OP_LEVEL) return level(me);
  if (op == OP_LEAVES) {
    scatter(me);
    const r = barrier(1);
    if (r != OK) return r;
    updateShare(me);
    return OK;
  }
  if (op == OP_UPDATE) {
    updateShare(me);
    return OK;
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------
// Tree growth (the coordinator, thread 0): grow.ts TreeGrower.grow in wasm, publishing the ops to the
// other threads as executor.ts ThreadPoolExecutor.run does. The same nodes, in the same order, with
// the same values; the region's layout is board.ts growLayout's.

const CTRL_SEQ: i32 = 0;
const CTRL_OP: i32 = 1;
const CTRL_DONE: i32 = 2;
/** growTree's failures (negative): runOp's, then out of slots, a worker that never answered or failed. */
const GROW_OUT_OF_SLOTS: i32 = -3;
const GROW_NO_ANSWER: i32 = -4;
const GROW_WORKER_FAILED: i32 = -5;

let gLambda: f64 = 0;
let gAlpha: f64 = 0;
let gMcw: f64 = 0;
let gRate: f64 = 0;
let gMaxDepth: i32 = 0;
let gMaxLeaves: i32 = 0;
let gCuts: usize = 0;
let gReserve: i32 = 0;
let gFree: i32 = 0;
let nNodes: i32 = 0;
let nPending: i32 = 0;
// node arrays (capacity nodeCap), pending nodes (capacity nodeCap), a level's children, the batch,
// the free slots and the leaves' order
let tGain: usize = 0;
let tCover: usize = 0;
let tThreshold: usize = 0;
let tWeight: usize = 0;
let tValue: usize = 0;
let tFeature: usize = 0;
let tBin: usize = 0;
let tDefaultLeft: usize = 0;
let tLeft: usize = 0;
let segStart: usize = 0;
let segEnd: usize = 0;
let qGain: usize = 0;
let qGL: usize = 0;
let qHL: usize = 0;
let qGR: usize = 0;
let qHR: usize = 0;
let qNode: usize = 0;
let qStart: usize = 0;
let qEnd: usize = 0;
let qDepth: usize = 0;
let qSlot: usize = 0;
let qFeature: usize = 0;
let qBin: usize = 0;
let qDefaultLeft: usize = 0;
let bGain: usize = 0;
let bGL: usize = 0;
let bHL: usize = 0;
let bGR: usize = 0;
let bHR: usize = 0;
let bNode: usize = 0;
let bStart: usize = 0;
let bEnd: usize = 0;
let bDepth: usize = 0;
let bSlot: usize = 0;
let bFeature: usize = 0;
let bBin: usize = 0;
let bDefaultLeft: usize = 0;
let mG: usize = 0;
let mH: usize = 0;
let mNode: usize = 0;
let mStart: usize = 0;
let mEnd: usize = 0;
let mDepth: usize = 0;
let mSlot: usize = 0;
let freeSlots: usize = 0;
let leafOrder: usize = 0;

/**
 * Sets up the tree growth of one fit (after opsInit, thread 0): the region at `region` for trees of up
 * to `nodeCap` nodes (board.ts growLayout), all `slots` histogram slots free.
 */
export function growInit(
  region: usize,
  nodeCap: i32,
  slots: i32,
  cuts: usize,
  lambda: f64,
  alpha: f64,
  mcw: f64,
  rate: f64,
  maxDepth: i32,
  maxLeaves: i32,
): void {
  gLambda = lambda;
  gAlpha = alpha;
  gMcw = mcw;
  gRate = rate;
  gMaxDepth = maxDepth;
  gMaxLeaves = maxLeaves;
  gCuts = cuts;
  gReserve = 2 * maxBatch;
  const N = <usize>nodeCap;
  const B = <usize>maxBatch;
  let at = region;
  tGain = at;
  tCover = at += 8 * N;
  qGain = at += 8 * N;
  qGL = at += 8 * N;
  qHL = at += 8 * N;
  qGR = at += 8 * N;
  qHR = at += 8 * N;
  bGain = at += 8 * N;
  bGL = at += 8 * B;
  bHL = at += 8 * B;
  bGR = at += 8 * B;
  bHR = at += 8 * B;
  mG = at += 8 * B;
  mH = at += 16 * B;
  tThreshold = at += 16 * B;
  tWeight = at += 4 * N;
  tValue = at += 4 * N;
  tFeature = at += 4 * N;
  tBin = at += 4 * N;
  tDefaultLeft = at += 4 * N;
  tLeft = at += 4 * N;
  segStart = at += 4 * N;
  segEnd = at += 4 * N;
  qNode = at += 4 * N;
  qStart = at += 4 * N;
  qEnd = at += 4 * N;
  qDepth = at += 4 * N;
  qSlot = at += 4 * N;
  qFeature = at += 4 * N;
  qBin = at += 4 * N;
  qDefaultLeft = at += 4 * N;
  bNode = at += 4 * N;
  bStart = at += 4 * B;
  bEnd = at += 4 * B;
  bDepth = at += 4 * B;
  bSlot = at += 4 * B;
  bFeature = at += 4 * B;
  bBin = at += 4 * B;
  bDefaultLeft = at += 4 * B;
  mNode = at += 4 * B;
  mStart = at += 8 * B;
  mEnd = at += 8 * B;
  mDepth = at += 8 * B;
  mSlot = at += 8 * B;
  freeSlots = at += 8 * B;
  leafOrder = at + 4 * <usize>slots;
  gFree = 0;
  for (let s = slots - 1; s >= 0; s--) setI32(freeSlots, gFree++, s);
}

function takeSlot(): i32 {
  return gFree > 0 ? i32At(freeSlots, --gFree) : -1;
}

function releaseSlot(slot: i32): void {
  if (slot >= 0) setI32(freeSlots, gFree++, slot);
}

/** split.ts leafWeight. */
function leafWeight(g: f64, h: f64): f64 {
  if (h < gMcw || h <= 0) return 0;
  const t = g > gAlpha ? g - gAlpha : g < -gAlpha ? g + gAlpha : 0;
  return -t / (h + gLambda);
}

/** grow.ts addNode: a new leaf with sums g, h; returns its index. */
function addNode(g: f64, h: f64): i32 {
  const w = leafWeight(g, h);
  const i = nNodes++;
  setI32(tFeature, i, -1);
  store<f32>(tThreshold + ((<usize>i) << 2), 0);
  setI32(tBin, i, 0);
  setI32(tDefaultLeft, i, 0);
  setI32(tLeft, i, -1);
  store<f32>(tWeight + ((<usize>i) << 2), <f32>w);
  store<f32>(tValue + ((<usize>i) << 2), <f32>(w * gRate));
  setF64(tGain, i, 0);
  setF64(tCover, i, h);
  return i;
}

/** grow.ts canSplit. */
function canSplit(depth: i32, h: f64): bool {
  if (gMaxDepth > 0 && depth >= gMaxDepth) return false;
  return h >= 2 * gMcw && h > 0;
}

/** grow.ts split for batch entry j: the node becomes a split with two new leaves; returns the left one. */
function splitNode(j: i32): i32 {
  const l = addNode(f64At(bGL, j), f64At(bHL, j));
  addNode(f64At(bGR, j), f64At(bHR, j));
  const nd = i32At(bNode, j);
  const f = i32At(bFeature, j);
  const bin = i32At(bBin, j);
  setI32(tFeature, nd, f);
  setI32(tBin, nd, bin);
  store<f32>(tThreshold + ((<usize>nd) << 2), load<f32>(gCuts + ((<usize>(f * 256 + bin - 1)) << 2)));
  setI32(tDefaultLeft, nd, i32At(bDefaultLeft, j));
  setI32(tLeft, nd, l);
  store<f32>(tValue + ((<usize>nd) << 2), 0);
  setF64(tGain, nd, f64At(bGain, j));
  return l;
}

/**
 * grow.ts collect: the `m` nodes just evaluated (answers at the same index of the best* arrays) join
 * the pending nodes, those without a split are dropped and their slots released.
 */
function collect(m: i32): void {
  for (let i = 0; i < m; i++) {
    const slot = i32At(mSlot, i);
    if (i32At(pBestFeature, i) < 0) {
      releaseSlot(slot);
      continue;
    }
    const gl = f64At(pBestGL, i);
    const hl = f64At(pBestHL, i);
    let keep = slot;
    if (gFree < gReserve) {
      releaseSlot(slot);
      keep = -1;
    }
    const q = nPending++;
    setI32(qNode, q, i32At(mNode, i));
    setI32(qStart, q, i32At(mStart, i));
    setI32(qEnd, q, i32At(mEnd, i));
    setI32(qDepth, q, i32At(mDepth, i));
    setI32(qSlot, q, keep);
    setI32(qFeature, q, i32At(pBestFeature, i));
    setI32(qBin, q, i32At(pBestBin, i));
    setI32(qDefaultLeft, q, i32At(pBestDefaultLeft, i) == 1 ? 1 : 0);
    setF64(qGain, q, f64At(pBestGain, i));
    setF64(qGL, q, gl);
    setF64(qHL, q, hl);
    setF64(qGR, q, f64At(mG, i) - gl);
    setF64(qHR, q, f64At(mH, i) - hl);
  }
}

/** Moves pending entry q to batch entry j. */
function toBatch(q: i32, j: i32): void {
  setI32(bNode, j, i32At(qNode, q));
  setI32(bStart, j, i32At(qStart, q));
  setI32(bEnd, j, i32At(qEnd, q));
  setI32(bDepth, j, i32At(qDepth, q));
  setI32(bSlot, j, i32At(qSlot, q));
  setI32(bFeature, j, i32At(qFeature, q));
  setI32(bBin, j, i32At(qBin, q));
  setI32(bDefaultLeft, j, i32At(qDefaultLeft, q));
  setF64(bGain, j, f64At(qGain, q));
  setF64(bGL, j, f64At(qGL, q));
  setF64(bHL, j, f64At(qHL, q));
  setF64(bGR, j, f64At(qGR, q));
  setF64(bHR, j, f64At(qHR, q));
}

/** Removes pending entries [from, from + k), keeping the order of the others. */
function dropPending(from: i32, k: i32): void {
  const rest = nPending - from - k;
  if (rest > 0) {
    const a = <usize>from;
    const b = <usize>(from + k);
    const r = <usize>rest;
    memory.copy(qGain + (a << 3), qGain + (b << 3), r << 3);
    memory.copy(qGL + (a << 3), qGL + (b << 3), r << 3);
    memory.copy(qHL + (a << 3), qHL + (b << 3), r << 3);
    memory.copy(qGR + (a << 3), qGR + (b << 3), r << 3);
    memory.copy(qHR + (a << 3), qHR + (b << 3), r << 3);
    memory.copy(qNode + (a << 2), qNode + (b << 2), r << 2);
    memory.copy(qStart + (a << 2), qStart + (b << 2), r << 2);
    memory.copy(qEnd + (a << 2), qEnd + (b << 2), r << 2);
    memory.copy(qDepth + (a << 2), qDepth + (b << 2), r << 2);
    memory.copy(qSlot + (a << 2), qSlot + (b << 2), r << 2);
    memory.copy(qFeature + (a << 2), qFeature + (b << 2), r << 2);
    memory.copy(qBin + (a << 2), qBin + (b << 2), r << 2);
    memory.copy(qDefaultLeft + (a << 2), qDefaultLeft + (b << 2), r << 2);
  }
  nPending -= k;
}

/** reportFailure in board.ts: marks the op failed and wakes threads waiting at a barrier. */
function reportFailure(): void {
  atomic.store<i32>(pCtrl + ((<usize>CTRL_ERROR) << 2), 1);
  const bar = pCtrl + ((<usize>CTRL_BAR) << 2);
  atomic.add<i32>(bar, 1 << 20);
  notify(bar);
}

/** executor.ts ThreadPoolExecutor.run from wasm: publishes `op`, runs this thread's share, waits for the others. */
function publish(op: i32): i32 {
  if (nThreads == 1) return runOp(op);
  store<i32>(pCtrl + ((<usize>CTRL_OP) << 2), op);
  const done = pCtrl + ((<usize>CTRL_DONE) << 2);
  atomic.store<i32>(done, 0);
  atomic.store<i32>(pCtrl + ((<usize>CTRL_BAR) << 2), 0);
  atomic.store<i32>(pCtrl + ((<usize>CTRL_TASK) << 2), 0);
  const seq = pCtrl + ((<usize>CTRL_SEQ) << 2);
  atomic.add<i32>(seq, 1);
  notify(seq);
  const r = runOp(op);
  if (r != OK) reportFailure();
  for (;;) {
    const d = atomic.load<i32>(done);
    if (d >= nThreads - 1) break;
    if (!waitForChange(done, d)) return GROW_NO_ANSWER;
  }
  if (r != OK) return -r;
  return ctrl(CTRL_ERROR) != 0 ? GROW_WORKER_FAILED : OK;
}

/** grow.ts expand: splits the k batch nodes (one OP_LEVEL); their children that may split join the pending nodes. */
function expand(k: i32): i32 {
  let none = true;
  for (let j = 0; j < k; j++) {
    const d = i32At(bDepth, j) + 1;
    if (canSplit(d, f64At(bHL, j)) || canSplit(d, f64At(bHR, j))) {
      none = false;
      break;
    }
  }
  if (none) {
    // typically the last level: the rows need not be partitioned, OP_LEAVES sends each to its leaf
    for (let j = 0; j < k; j++) {
      releaseSlot(i32At(bSlot, j));
      const l = splitNode(j);
      setI32(segStart, l, -1);
      setI32(segStart, l + 1, -1);
      setI32(segEnd, l, -1);
      setI32(segEnd, l + 1, -1);
    }
    return OK;
  }
  let evals = 0;
  for (let i = 0; i < k; i++) {
    setI32(pNodeStart, i, i32At(bStart, i));
    setI32(pNodeEnd, i, i32At(bEnd, i));
    setI32(pNodeFeature, i, i32At(bFeature, i));
    const lb = pLut + ((<usize>i) << 8);
    const bin = <usize>i32At(bBin, i);
    store<u8>(lb, <u8>i32At(bDefaultLeft, i));
    memory.fill(lb + 1, 1, bin);
    memory.fill(lb + 1 + bin, 0, 255 - bin);
    const depth = i32At(bDepth, i) + 1;
    const hl = f64At(bHL, i);
    const hr = f64At(bHR, i);
    const lOk = canSplit(depth, hl);
    const rOk = canSplit(depth, hr);
    const own = i32At(bSlot, i);
    let slotA = -1;
    let slotB = -1;
    let parent = -1;
    if (lOk && rOk) {
      slotA = takeSlot();
      if (slotA < 0) return GROW_OUT_OF_SLOTS;
      if (own >= 0) parent = own;
      else {
        slotB = takeSlot();
        if (slotB < 0) return GROW_OUT_OF_SLOTS;
      }
    } else if (lOk || rOk) {
      slotA = own >= 0 ? own : takeSlot();
      if (slotA < 0) return GROW_OUT_OF_SLOTS;
    } else {
      releaseSlot(own);
    }
    setI32(pNodeMode, i, (lOk ? 1 : 0) | (rOk ? 2 : 0));
    setI32(pNodeSlotA, i, slotA);
    setI32(pNodeSlotB, i, slotB);
    setI32(pNodeParent, i, parent);
    if (lOk) {
      setI32(pEvalFrom, evals, 2 * i);
      setF64(pEvalG, evals, f64At(bGL, i));
      setF64(pEvalH, evals, hl);
      evals++;
    }
    if (rOk) {
      setI32(pEvalFrom, evals, 2 * i + 1);
      setF64(pEvalG, evals, f64At(bGR, i));
      setF64(pEvalH, evals, hr);
      evals++;
    }
  }
  atomic.store<i32>(pCtrl + ((<usize>CTRL_NODES) << 2), k);
  atomic.store<i32>(pCtrl + ((<usize>CTRL_EVALS) << 2), evals);
  const r = publish(OP_LEVEL);
  if (r != OK) return r;
  let m = 0;
  for (let i = 0; i < k; i++) {
    const s = i32At(bStart, i);
    const e = i32At(bEnd, i);
    const mid = s + leftCount(i);
    const l = splitNode(i);
    setI32(segStart, l, s);
    setI32(segEnd, l, mid);
    setI32(segStart, l + 1, mid);
    setI32(segEnd, l + 1, e);
    const depth = i32At(bDepth, i) + 1;
    const mode = i32At(pNodeMode, i);
    if (mode & 1) {
      setI32(mNode, m, l);
      setI32(mStart, m, s);
      setI32(mEnd, m, mid);
      setI32(mDepth, m, depth);
      setI32(mSlot, m, i32At(pSlotL, i));
      setF64(mG, m, f64At(bGL, i));
      setF64(mH, m, f64At(bHL, i));
      m++;
    }
    if (mode & 2) {
      setI32(mNode, m, l + 1);
      setI32(mStart, m, mid);
      setI32(mEnd, m, e);
      setI32(mDepth, m, depth);
      setI32(mSlot, m, i32At(pSlotR, i));
      setF64(mG, m, f64At(bGR, i));
      setF64(mH, m, f64At(bHR, i));
      m++;
    }
  }
  collect(m);
  return OK;
}

/**
 * grow.ts TreeGrower.grow: grows one tree over the features listed on the board and updates the
 * margins (OP_LEAVES). Returns the tree's node count, or a negative failure (see GROW_*, and -1, -2
 * as runOp's 1, 2).
 */
export function growTree(): i32 {
  nNodes = 0;
  nPending = 0;
  const rootSlot = takeSlot();
  if (rootSlot < 0) return GROW_OUT_OF_SLOTS;
  atomic.store<i32>(pCtrl + ((<usize>CTRL_ROOT_SLOT) << 2), rootSlot);
  let r = publish(OP_ROOT);
  if (r != OK) return r;
  const g = f64At(pEvalG, 0);
  const h = f64At(pEvalH, 0);
  addNode(g, h);
  setI32(segStart, 0, 0);
  setI32(segEnd, 0, nRows);
  setI32(mNode, 0, 0);
  setI32(mStart, 0, 0);
  setI32(mEnd, 0, nRows);
  setI32(mDepth, 0, 0);
  setI32(mSlot, 0, rootSlot);
  setF64(mG, 0, g);
  setF64(mH, 0, h);
  collect(1);
  let leaves = 1;
  const leafWise = gMaxLeaves > 0;
  while (nPending > 0) {
    let k = 1;
    if (leafWise) {
      if (leaves >= gMaxLeaves) break;
      let bi = 0;
      for (let q = 1; q < nPending; q++) if (f64At(qGain, q) > f64At(qGain, bi)) bi = q;
      toBatch(bi, 0);
      dropPending(bi, 1);
    } else {
      k = min(maxBatch, nPending);
      for (let j = 0; j < k; j++) toBatch(j, j);
      dropPending(0, k);
    }
    r = expand(k);
    if (r != OK) return r;
    leaves += k;
  }
  for (let q = 0; q < nPending; q++) releaseSlot(i32At(qSlot, q));
  nPending = 0;

  // the leaves' segments in position order: a leaf, or a last split whose two leaves OP_LEAVES tells
  // apart itself (its rows were never partitioned); insertion sort by start keeps ties in node order
  let nl = 0;
  for (let i = 0; i < nNodes; i++) {
    const s = i32At(segStart, i);
    if (s < 0) continue;
    const f = i32At(tFeature, i);
    if (f >= 0 && i32At(segStart, i32At(tLeft, i)) >= 0) continue;
    let p = nl - 1;
    while (p >= 0 && i32At(segStart, i32At(leafOrder, p)) > s) {
      setI32(leafOrder, p + 1, i32At(leafOrder, p));
      p--;
    }
    setI32(leafOrder, p + 1, i);
    nl++;
  }
  for (let j = 0; j < nl; j++) {
    const i = i32At(leafOrder, j);
    setI32(pLeafStart, j, i32At(segStart, i));
    setI32(pLeafEnd, j, i32At(segEnd, i));
    const f = i32At(tFeature, i);
    if (f < 0) {
      setI32(pLeafFeature, j, -1);
      setF64(pLeafValue, j, <f64>load<f32>(tValue + ((<usize>i) << 2)));
    } else {
      const l = i32At(tLeft, i);
      setI32(pLeafFeature, j, f);
      setI32(pLeafBin, j, i32At(tBin, i));
      setI32(pLeafDefaultLeft, j, i32At(tDefaultLeft, i));
      setF64(pLeafValue, j, <f64>load<f32>(tValue + ((<usize>l) << 2)));
      setF64(pLeafValueR, j, <f64>load<f32>(tValue + ((<usize>(l + 1)) << 2)));
    }
  }
  atomic.store<i32>(pCtrl + ((<usize>CTRL_LEAVES) << 2), nl);
  r = publish(OP_LEAVES);
  if (r != OK) return r;
  return nNodes;
}
