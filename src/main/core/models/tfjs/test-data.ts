/** Small seeded data sets for the tfjs model tests. */
import { Rng } from '../../util/rng';
import type { DenseMatrix } from '../types';

export interface Dataset {
  X: DenseMatrix;
  y: Uint8Array;
}

function matrix(rows: number, cols: number, fill: (r: number, c: number) => number): DenseMatrix {
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[r * cols + c] = fill(r, c);
  return { rows, cols, data, columns: Array.from({ length: cols }, (_, c) => `f${c}`) };
}

/** y = [2·x0 − x1 + 0.5·x2 > 0] with a margin; x3 is pure noise. */
export function linearlySeparable(rows: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const y = new Uint8Array(rows);
  const X = matrix(rows, 4, () => rng.normal());
  for (let r = 0; r < rows; r++) {
    const d = X.data.subarray(r * 4, r * 4 + 4);
    let s = 2 * d[0] - d[1] + 0.5 * d[2];
    if (Math.abs(s) < 0.3) {
      d[0] += s >= 0 ? 0.3 : -0.3; // push points off the boundary so the classes separate cleanly
      s = 2 * d[0] - d[1] + 0.5 * d[2];
    }
    y[r] = s > 0 ? 1 : 0;
  }
  return { X, y };
}

/** y = [x0 · x1 > 0]: no linear model does better than chance. x2 is noise. */
export function xor(rows: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const X = matrix(rows, 3, () => rng.next() * 2 - 1);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) y[r] = X.data[r * 3] * X.data[r * 3 + 1] > 0 ? 1 : 0;
  return { X, y };
}
