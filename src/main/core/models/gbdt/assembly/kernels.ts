// AssemblyScript kernels (compiled by scripts/build-wasm.mjs to build/kernels.wasm). They work on the
// board's shared memory through byte offsets and must give exactly what kernels.ts gives in TS.

/** Adds rows idx[a..z) into the histogram at `hist`: bin (offsets[f] + bins[row*F + f]) += gpair[row]. */
export function histogram(
  hist: usize,
  idx: usize,
  a: i32,
  z: i32,
  bins: usize,
  F: i32,
  offsets: usize,
  gpair: usize,
): void {
  const F4 = F & ~3;
  for (let p = a; p < z; p++) {
    const row = <usize>load<u32>(idx + ((<usize>p) << 2));
    const gh = v128.load(gpair + (row << 4));
    const base = bins + row * <usize>F;
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

// Gradient update: a copy of exp.ts and kernels.ts' updateRowsNoLoss with the same operations in the
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

/** Adds delta to the margins of rows s..e and recomputes their quantised gradient pairs. */
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
  for (let row = <usize>s; row < <usize>e; row++) {
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
