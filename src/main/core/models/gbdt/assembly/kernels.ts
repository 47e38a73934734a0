// AssemblyScript kernels (compiled by scripts/build-wasm.mjs to build/kernels.wasm). They work on the
// board's shared memory through byte offsets and must give exactly what kernels.ts gives in TS.

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
      if (hl >= mcw && hr >= mcw) {
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

// Prediction nodes: 32 bytes each, [feature, left, right, missing (absolute byte addresses), threshold
// f32, leaf value f32, pad, pad]. A leaf points to itself on all three sides (feature 0), so every row
// walks exactly `depth` steps without branches and four rows advance together.

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

// Gradient update: a copy of exp.ts and kernels.ts' updateRows with the same operations in the
// same order, so results are bit-identical to the TS kernels.
const ROUND: f64 = 1.5 * 4503599627370496.0;
const INV_LN2: f64 = 1.4426950408889634;
const LN2_HI: f64 = 6.9314718036912382e-1;
const LN2_LO: f64 = 1.9082149292705877e-10;
const C3: f64 = 1.0 / 6.0;
const C4: f64 = 1.0 / 24.0;
const C5: f64 = 1.0 / 120.0;
const C6: f64 = 1.0 / 720.0;
const C7: f64 = 1.0 / 5040.0;
const C8: f64 = 1.0 / 40320.0;
const C9: f64 = 1.0 / 362880.0;
const C10: f64 = 1.0 / 3628800.0;
const C11: f64 = 1.0 / 39916800.0;
const C12: f64 = 1.0 / 479001600.0;

function expNonPositive(x: f64): f64 {
  if (!(x >= -708.0)) return 0.0;
  const k = x * INV_LN2 + ROUND - ROUND;
  const r = x - k * LN2_HI - k * LN2_LO;
  const p =
    1.0 +
    r *
      (1.0 +
        r *
          (0.5 +
            r *
              (C3 +
                r *
                  (C4 +
                    r *
                      (C5 + r * (C6 + r * (C7 + r * (C8 + r * (C9 + r * (C10 + r * (C11 + r * C12)))))))))));
  return p * reinterpret<f64>((<u64>(1023 + <i64>k)) << 52);
}

/** expNonPositive on both lanes, with the same operations in the same order (0 where x < -708 or NaN). */
function expNonPositive2(x: v128): v128 {
  const round = f64x2.splat(ROUND);
  const k = f64x2.sub(f64x2.add(f64x2.mul(x, f64x2.splat(INV_LN2)), round), round);
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(k, f64x2.splat(LN2_HI))), f64x2.mul(k, f64x2.splat(LN2_LO)));
  let p = f64x2.add(f64x2.splat(C11), f64x2.mul(r, f64x2.splat(C12)));
  p = f64x2.add(f64x2.splat(C10), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C9), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C8), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C7), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C6), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C5), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C4), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(C3), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(0.5), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
  p = f64x2.add(f64x2.splat(1.0), f64x2.mul(r, p));
  const e = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(k));
  const pow = i64x2.shl(i64x2.add(e, i64x2.splat(1023)), 52);
  return v128.and(f64x2.mul(p, pow), f64x2.ge(x, f64x2.splat(-708.0)));
}

/**
 * Adds delta to the margins of rows s..e and recomputes their quantised gradient pairs: two rows per
 * step in f64x2 lanes (each lane the scalar operations in the same order), an odd last row in scalar.
 */
export function update(
  s: i32,
  e: i32,
  margin: usize,
  delta: usize,
  y: usize,
  gpair: usize,
  posWeight: f64,
  scale: f64,
  inv: f64,
): void {
  const zero = f64x2.splat(0.0);
  const one = f64x2.splat(1.0);
  const round = f64x2.splat(ROUND);
  const wPos = f64x2.splat(posWeight);
  const vScale = f64x2.splat(scale);
  const vInv = f64x2.splat(inv);
  const tiny = f64x2.splat(1e-16);
  let row = <usize>s;
  // four rows per step: rows row, row + 1 in lanes A and row + 2, row + 3 in lanes B, their operations
  // interleaved so the two exp polynomials' dependency chains overlap (about 15 % faster)
  for (; row + 3 < <usize>e; row += 4) {
    const rowA = row;
    const rowB = row + 2;
    const mpA = margin + (rowA << 3);
    const mpB = margin + (rowB << 3);
    const mA = f64x2.add(v128.load(mpA), v128.load(delta + (rowA << 3)));
    const mB = f64x2.add(v128.load(mpB), v128.load(delta + (rowB << 3)));
    v128.store(mpA, mA);
    v128.store(mpB, mB);
    const xA = f64x2.neg(f64x2.abs(mA));
    const xB = f64x2.neg(f64x2.abs(mB));
    const kA = f64x2.sub(f64x2.add(f64x2.mul(xA, f64x2.splat(INV_LN2)), round), round);
    const kB = f64x2.sub(f64x2.add(f64x2.mul(xB, f64x2.splat(INV_LN2)), round), round);
    const rA = f64x2.sub(
      f64x2.sub(xA, f64x2.mul(kA, f64x2.splat(LN2_HI))),
      f64x2.mul(kA, f64x2.splat(LN2_LO)),
    );
    const rB = f64x2.sub(
      f64x2.sub(xB, f64x2.mul(kB, f64x2.splat(LN2_HI))),
      f64x2.mul(kB, f64x2.splat(LN2_LO)),
    );
    let pA = f64x2.add(f64x2.splat(C11), f64x2.mul(rA, f64x2.splat(C12)));
    let pB = f64x2.add(f64x2.splat(C11), f64x2.mul(rB, f64x2.splat(C12)));
    pA = f64x2.add(f64x2.splat(C10), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(C10), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(C9), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(C9), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(C8), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(C8), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(C7), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(C7), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(C6), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(C6), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(C5), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(C5), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(C4), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(C4), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(C3), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(C3), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(0.5), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(0.5), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(1.0), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(1.0), f64x2.mul(rB, pB));
    pA = f64x2.add(f64x2.splat(1.0), f64x2.mul(rA, pA));
    pB = f64x2.add(f64x2.splat(1.0), f64x2.mul(rB, pB));
    const eA = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kA));
    const eB = i64x2.extend_low_i32x4_s(i32x4.trunc_sat_f64x2_s_zero(kB));
    const powA = i64x2.shl(i64x2.add(eA, i64x2.splat(1023)), 52);
    const powB = i64x2.shl(i64x2.add(eB, i64x2.splat(1023)), 52);
    const exA = v128.and(f64x2.mul(pA, powA), f64x2.ge(xA, f64x2.splat(-708.0)));
    const exB = v128.and(f64x2.mul(pB, powB), f64x2.ge(xB, f64x2.splat(-708.0)));
    const qA = f64x2.div(one, f64x2.add(one, exA));
    const qB = f64x2.div(one, f64x2.add(one, exB));
    const probA = v128.bitselect(qA, f64x2.mul(exA, qA), f64x2.ge(mA, zero));
    const probB = v128.bitselect(qB, f64x2.mul(exB, qB), f64x2.ge(mB, zero));
    const lblA = f64x2.replace_lane(f64x2.splat(<f64>load<u8>(y + rowA)), 1, <f64>load<u8>(y + rowA, 1));
    const lblB = f64x2.replace_lane(f64x2.splat(<f64>load<u8>(y + rowB)), 1, <f64>load<u8>(y + rowB, 1));
    const wA = v128.bitselect(wPos, one, f64x2.eq(lblA, one));
    const wB = v128.bitselect(wPos, one, f64x2.eq(lblB, one));
    const hhA = f64x2.mul(probA, f64x2.sub(one, probA));
    const hhB = f64x2.mul(probB, f64x2.sub(one, probB));
    const hcA = v128.bitselect(hhA, tiny, f64x2.gt(hhA, tiny));
    const hcB = v128.bitselect(hhB, tiny, f64x2.gt(hhB, tiny));
    const gA = f64x2.mul(
      f64x2.sub(f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(probA, lblA), wA), vScale), round), round),
      vInv,
    );
    const gB = f64x2.mul(
      f64x2.sub(f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(probB, lblB), wB), vScale), round), round),
      vInv,
    );
    const hA = f64x2.mul(f64x2.sub(f64x2.add(f64x2.mul(f64x2.mul(hcA, wA), vScale), round), round), vInv);
    const hB = f64x2.mul(f64x2.sub(f64x2.add(f64x2.mul(f64x2.mul(hcB, wB), vScale), round), round), vInv);
    const gpA = gpair + (rowA << 4);
    const gpB = gpair + (rowB << 4);
    v128.store(gpA, v128.shuffle<f64>(gA, hA, 0, 2));
    v128.store(gpB, v128.shuffle<f64>(gB, hB, 0, 2));
    v128.store(gpA, v128.shuffle<f64>(gA, hA, 1, 3), 16);
    v128.store(gpB, v128.shuffle<f64>(gB, hB, 1, 3), 16);
  }
  for (; row + 1 < <usize>e; row += 2) {
    const mp = margin + (row << 3);
    const m = f64x2.add(v128.load(mp), v128.load(delta + (row << 3)));
    v128.store(mp, m);
    const ex = expNonPositive2(f64x2.neg(f64x2.abs(m)));
    const q = f64x2.div(one, f64x2.add(one, ex));
    const prob = v128.bitselect(q, f64x2.mul(ex, q), f64x2.ge(m, zero));
    const lbl = f64x2.replace_lane(f64x2.splat(<f64>load<u8>(y + row)), 1, <f64>load<u8>(y + row, 1));
    const w = v128.bitselect(wPos, one, f64x2.eq(lbl, one));
    const hh = f64x2.mul(prob, f64x2.sub(one, prob));
    const hc = v128.bitselect(hh, tiny, f64x2.gt(hh, tiny));
    const g = f64x2.mul(
      f64x2.sub(f64x2.add(f64x2.mul(f64x2.mul(f64x2.sub(prob, lbl), w), vScale), round), round),
      vInv,
    );
    const h = f64x2.mul(f64x2.sub(f64x2.add(f64x2.mul(f64x2.mul(hc, w), vScale), round), round), vInv);
    const gp = gpair + (row << 4);
    v128.store(gp, v128.shuffle<f64>(g, h, 0, 2));
    v128.store(gp, v128.shuffle<f64>(g, h, 1, 3), 16);
  }
  for (; row < <usize>e; row++) {
    const mp = margin + (row << 3);
    const m = load<f64>(mp) + load<f64>(delta + (row << 3));
    store<f64>(mp, m);
    const ex = expNonPositive(-abs<f64>(m));
    const q = 1.0 / (1.0 + ex);
    const prob = m >= 0 ? q : ex * q;
    const lbl = <f64>load<u8>(y + row);
    const w = lbl == 1.0 ? posWeight : 1.0;
    const hh = prob * (1.0 - prob);
    const gp = gpair + (row << 4);
    store<f64>(gp, ((prob - lbl) * w * scale + ROUND - ROUND) * inv);
    store<f64>(gp, ((hh > 1e-16 ? hh : 1e-16) * w * scale + ROUND - ROUND) * inv, 8);
  }
}
