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
