/**
 * Seeded synthetic binary-classification data (tests and the benchmark): float features with about
 * 5 % missing and a non-linear signal (thresholds, an interaction, a sine).
 */
import { Rng } from '../../util/rng';
import type { DenseMatrix, Labels } from '../types';

export interface SyntheticData {
  X: DenseMatrix;
  y: Labels;
}

export function syntheticData(rows: number, cols: number, seed: number, missingRate = 0.05): SyntheticData {
  const rng = new Rng(seed);
  const data = new Float32Array(rows * cols);
  const y = new Uint8Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const v = rng.normal();
      data[base + c] = c % 3 === 1 ? Math.exp(0.5 * v) : c % 3 === 2 ? Math.round(v * 4) / 4 : v;
    }
    const x = (c: number): number => (c < cols ? data[base + c] : 0);
    let z =
      0.9 * x(0) -
      0.6 * (x(1) > 1.2 ? 1 : 0) +
      0.8 * x(2) * x(3) +
      0.7 * Math.sin(2 * x(4)) +
      0.4 * x(5) -
      0.5 * Math.abs(x(6)) +
      0.3 * x(7);
    z += 0.5 * rng.normal() - 0.5;
    y[r] = rng.next() < 1 / (1 + Math.exp(-2 * z)) ? 1 : 0;
    for (let c = 0; c < cols; c++) if (rng.next() < missingRate) data[base + c] = NaN;
  }
  return { X: { rows, cols, data, columns: Array.from({ length: cols }, (_, c) => `x${c}`) }, y };
}

/** Rows [from, to) of a matrix and its labels. */
export function sliceRows(d: SyntheticData, from: number, to: number): SyntheticData {
  const { cols } = d.X;
  return {
    X: { rows: to - from, cols, data: d.X.data.slice(from * cols, to * cols), columns: d.X.columns },
    y: d.y.slice(from, to),
  };
}
