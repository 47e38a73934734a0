import { Rng } from '../../util/rng';
import type { DenseMatrix } from '../types';

/** Rows used to find quantile cut points; larger inputs are sampled (seeded). */
export const BINNING_SAMPLE_ROWS = 1 << 18;

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
  const { rows, cols, data } = X;
  const valueBins = maxBin - 1;
  let sample: Uint32Array | null = null;
  if (rows > BINNING_SAMPLE_ROWS) {
    const rng = new Rng(seed ^ 0x5bd1e995);
    sample = new Uint32Array(BINNING_SAMPLE_ROWS);
    for (let i = 0; i < sample.length; i++) sample[i] = rng.int(rows);
    sample.sort();
  }
  const m = sample ? sample.length : rows;
  const buf = new Float32Array(m);
  const cuts: Float32Array[] = [];
  for (let f = 0; f < cols; f++) {
    let k = 0;
    for (let i = 0; i < m; i++) {
      const v = data[(sample ? sample[i] : i) * cols + f];
      if (v === v) buf[k++] = v;
    }
    cuts.push(cutsFromSorted(buf.subarray(0, k).sort(), valueBins));
  }
  const binCount = new Int32Array(cols);
  const offsets = new Int32Array(cols + 1);
  for (let f = 0; f < cols; f++) {
    binCount[f] = cuts[f].length + 2;
    offsets[f + 1] = offsets[f] + binCount[f];
  }
  return { cuts, binCount, offsets };
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

/** Fills the row-major and column-major bin matrices (rows × cols each). */
export function binMatrix(X: DenseMatrix, cuts: BinCuts, rowMajor: Uint8Array, colMajor: Uint8Array): void {
  const { rows, cols, data } = X;
  for (let f = 0; f < cols; f++) {
    const c = cuts.cuts[f];
    const colBase = f * rows;
    for (let r = 0; r < rows; r++) {
      const b = binOf(c, data[r * cols + f]);
      rowMajor[r * cols + f] = b;
      colMajor[colBase + r] = b;
    }
  }
}
