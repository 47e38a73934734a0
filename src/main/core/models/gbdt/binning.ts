import { Rng } from '../../util/rng';
import type { DenseMatrix } from '../types';
import { WASM_RESERVED, wasmApi } from './wasm-api';
import { loadWasmKernels, wasmKernelsAvailable } from './wasm-kernels';

/** Rows used to find quantile cut points; larger inputs are sampled (seeded). */
export const BINNING_SAMPLE_ROWS = 1 << 17;

/**
 * Per-feature cut points. Bin 0 holds missing values; a value v falls in bin 1 + #{cuts <= v}, so
 * value bins are 1..cuts.length + 1 and "bin <= s" is exactly "v < cuts[s - 1]" (XGBoost's `<` rule).
 */
export interface BinCuts {
  cuts: Float32Array[];
  /** Bins per feature including the missing bin (cuts.length + 2). */
  binCount: Int32Array;
  /** Offset of each feature's first bin in a flattened histogram; offsets[F] = total bins. */
  offsets: Int32Array;
}

export function computeCuts(X: DenseMatrix, maxBin: number, seed: number): BinCuts {
  return assembleCuts([featureCuts(X.data, X.rows, X.cols, maxBin, seed, 0, 1)], X.cols);
}

/**
 * Cut points of features t, t + stride, t + 2·stride, … (`stride` threads share the work; the
 * features alternate so that each thread gets some with many distinct values, the costly ones).
 */
export function featureCuts(
  data: Float32Array,
  rows: number,
  cols: number,
  maxBin: number,
  seed: number,
  t: number,
  stride: number,
): Float32Array[] {
  const valueBins = maxBin - 1;
  let sample: Uint32Array | null = null;
  if (rows > BINNING_SAMPLE_ROWS) {
    const rng = new Rng(seed ^ 0x5bd1e995);
    sample = new Uint32Array(BINNING_SAMPLE_ROWS);
    for (let i = 0; i < sample.length; i++) sample[i] = rng.int(rows);
    sample.sort();
  }
  const m = sample ? sample.length : rows;
  const mine: number[] = [];
  for (let f = t; f < cols; f += stride) mine.push(f);
  const wasm = cutsWorkspace(m, mine.length);
  // one pass over the sampled rows into a column-major copy (a pass per feature would miss cache)
  const colbuf = wasm ? wasm.cols : new Float32Array(m * mine.length);
  for (let i = 0; i < m; i++) {
    const base = (sample ? sample[i] : i) * cols;
    for (let j = 0; j < mine.length; j++) colbuf[j * m + i] = data[base + mine[j]];
  }
  if (wasm) {
    return mine.map((_, j) => {
      const count = wasm.kernels.cutPoints(wasm.colsAt + 4 * j * m, m, valueBins, wasm.tmpAt, wasm.outAt);
      return Float32Array.from(wasm.out.subarray(0, count));
    });
  }
  const buf = new Float32Array(m);
  const table = new Uint32Array(DISTINCT_TABLE);
  const cuts: Float32Array[] = [];
  for (let j = 0; j < mine.length; j++) {
    let k = 0;
    const cb = j * m;
    for (let i = 0; i < m; i++) {
      const v = colbuf[cb + i];
      if (v === v) buf[k++] = v;
    }
    const values = buf.subarray(0, k);
    cuts.push(
      fewDistinctCuts(values, valueBins, table) ?? cutsFromSorted(radixSortFloat32(values), valueBins),
    );
  }
  return cuts;
}

/**
 * Memory for the wasm cut-point kernel: `features` sampled columns of m values, its scratch and its
 * output; null when the wasm kernels are off or unavailable (the TS loops then run: same cuts).
 */
function cutsWorkspace(m: number, features: number) {
  if (!wasmKernelsAvailable()) return null;
  const colsAt = WASM_RESERVED;
  const tmpAt = colsAt + 4 * m * features;
  const outAt = tmpAt + 4 * (m + 2048 + 1024);
  const bytes = outAt + 4 * 256;
  const pages = Math.ceil(bytes / 65536);
  const memory = new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
  const kernels = loadWasmKernels(memory);
  if (!kernels) return null;
  return {
    kernels,
    colsAt,
    tmpAt,
    outAt,
    cols: new Float32Array(memory.buffer, colsAt, m * features),
    out: new Float32Array(memory.buffer, outAt, 256),
  };
}

/** BinCuts from the featureCuts of threads 0..parts.length - 1 (stride parts.length). */
export function assembleCuts(parts: Float32Array[][], cols: number): BinCuts {
  const stride = parts.length;
  const cuts: Float32Array[] = [];
  for (let f = 0; f < cols; f++) cuts.push(parts[f % stride][Math.floor(f / stride)]);
  const binCount = new Int32Array(cols);
  const offsets = new Int32Array(cols + 1);
  for (let f = 0; f < cols; f++) {
    binCount[f] = cuts[f].length + 2;
    offsets[f + 1] = offsets[f] + binCount[f];
  }
  return { cuts, binCount, offsets };
}

/**
 * Sorts non-NaN float32 values ascending (LSD radix, 3 passes of 11 bits over order-preserving
 * integer keys): about 8x faster than TypedArray#sort, which dominated binning.
 */
export function radixSortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  let keys = new Uint32Array(n);
  let tmp = new Uint32Array(n);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  for (let i = 0; i < n; i++) {
    const k = bits[i];
    keys[i] = k & 0x80000000 ? ~k >>> 0 : (k | 0x80000000) >>> 0;
  }
  const counts = new Uint32Array(2048);
  for (let shift = 0; shift < 33; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i] >>> shift) & 2047]++;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) tmp[counts[(keys[i] >>> shift) & 2047]++] = keys[i];
    const t = keys;
    keys = tmp;
    tmp = t;
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    bits[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
  return values;
}

/** Open-addressing table size for fewDistinctCuts: a power of two, well above 255 distinct values. */
const DISTINCT_TABLE = 1024;
const EMPTY = 0x7fc00001; // a NaN bit pattern: never a (non-NaN) value's bits

/**
 * The cuts of a feature with at most `valueBins` distinct values, found by hashing in one pass
 * instead of sorting (most features here are counts with few values); null when there are more.
 * Gives what cutsFromSorted gives on the sorted values: every distinct value but the smallest, where
 * -0 and 0 are one value, written as -0 when a -0 occurs (the radix sort puts it first).
 */
export function fewDistinctCuts(
  values: Float32Array,
  valueBins: number,
  table: Uint32Array,
): Float32Array | null {
  if (values.length === 0) return new Float32Array(0);
  table.fill(EMPTY);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const mask = table.length - 1;
  let distinct = 0;
  let negativeZero = false;
  for (let i = 0; i < bits.length; i++) {
    let k = bits[i];
    if (k === 0x80000000) {
      negativeZero = true;
      k = 0;
    }
    let h = Math.imul(k, 0x9e3779b1) >>> 22;
    for (;;) {
      const t = table[h & mask];
      if (t === k) break;
      if (t === EMPTY) {
        if (++distinct > valueBins) return null;
        table[h & mask] = k;
        break;
      }
      h++;
    }
  }
  const found = new Float32Array(distinct);
  const foundBits = new Uint32Array(found.buffer);
  let j = 0;
  for (let i = 0; i < table.length; i++) if (table[i] !== EMPTY) foundBits[j++] = table[i];
  found.sort();
  const out = found.subarray(1);
  if (negativeZero) for (let i = 0; i < out.length; i++) if (out[i] === 0) out[i] = -0;
  return Float32Array.from(out);
}

/** Cut points from sorted values: every distinct value when they fit, otherwise quantiles. */
function cutsFromSorted(sorted: Float32Array, valueBins: number): Float32Array {
  const n = sorted.length;
  const out: number[] = [];
  if (n === 0) return new Float32Array(0);
  let distinct = 1;
  for (let i = 1; i < n && distinct <= valueBins; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  if (distinct <= valueBins) {
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  } else {
    let last = sorted[0];
    for (let j = 1; j < valueBins; j++) {
      const q = sorted[Math.floor((j * n) / valueBins)];
      if (q > last) {
        out.push(q);
        last = q;
      }
    }
  }
  return Float32Array.from(out);
}

/** Bin of one value (see BinCuts). */
export function binOf(cuts: Float32Array, v: number): number {
  if (v !== v) return 0;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * Cut points padded to 255 entries with +Infinity per feature (`padded[f * 256 ..]`), so the search in
 * binRows is a fixed, branch-free 8-step descent, and the real cut count per feature.
 */
export function padCuts(cuts: BinCuts, padded: Float32Array, count: Int32Array): void {
  padded.fill(Infinity);
  for (let f = 0; f < cuts.cuts.length; f++) {
    padded.set(cuts.cuts[f], f * 256);
    count[f] = cuts.cuts[f].length;
  }
}

/**
 * Fills rows r0..r1 of the row-major and column-major bin matrices (`rows` × `cols` each), and of the
 * row-major global bin indexes (bin + the feature's histogram offset) when `wide` is given.
 */
export function binRows(
  data: Float32Array,
  rows: number,
  cols: number,
  padded: Float32Array,
  count: Int32Array,
  rowMajor: Uint8Array,
  colMajor: Uint8Array,
  r0: number,
  r1: number,
  wide?: { bins: Uint16Array; offsets: Int32Array },
): void {
  for (let r = r0; r < r1; r++) {
    const base = r * cols;
    for (let f = 0; f < cols; f++) {
      const v = data[base + f];
      const pb = f * 256 - 1;
      let pos = 0;
      pos += +(padded[pb + pos + 128] <= v) * 128;
      pos += +(padded[pb + pos + 64] <= v) * 64;
      pos += +(padded[pb + pos + 32] <= v) * 32;
      pos += +(padded[pb + pos + 16] <= v) * 16;
      pos += +(padded[pb + pos + 8] <= v) * 8;
      pos += +(padded[pb + pos + 4] <= v) * 4;
      pos += +(padded[pb + pos + 2] <= v) * 2;
      pos += +(padded[pb + pos + 1] <= v) * 1;
      // +Infinity values pass the padding: clamp to the real cut count
      const b = v !== v ? 0 : 1 + (pos < count[f] ? pos : count[f]);
      rowMajor[base + f] = b;
      colMajor[f * rows + r] = b;
    }
  }
  if (wide && wide.bins.length > 0) {
    const { bins, offsets } = wide;
    for (let i = r0 * cols; i < r1 * cols; i++) bins[i] = offsets[i % cols] + rowMajor[i];
  }
}

/** Fills the row-major and column-major bin matrices (rows × cols each) on this thread. */
export function binMatrix(X: DenseMatrix, cuts: BinCuts, rowMajor: Uint8Array, colMajor: Uint8Array): void {
  const padded = new Float32Array(X.cols * 256);
  const count = new Int32Array(X.cols);
  padCuts(cuts, padded, count);
  binRows(X.data, X.rows, X.cols, padded, count, rowMajor, colMajor, 0, X.rows);
}
