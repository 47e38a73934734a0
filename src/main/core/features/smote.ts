/**
 * SMOTE and SMOTENC (Chawla et al. 2002), seeded, for the training split only.
 *
 * New minority rows are drawn like imbalanced-learn does: pick a minority row and one of its k
 * nearest minority neighbours at random, and place the new row at a uniform random point on the
 * segment between them. SMOTENC measures squared distance on the continuous columns plus, for every
 * categorical column that differs, m²/2 where m is the median standard deviation of the continuous
 * minority columns (what imbalanced-learn's one-hot columns scaled to m/2 add), and gives the new
 * row, per categorical column, the most frequent category among the k neighbours (ties: the nearest
 * such neighbour's category).
 * The result is the original rows followed by the synthetic ones.
 */
import type { DenseMatrix } from '../models/types';
import { Rng } from '../util/rng';

export interface SmoteOptions {
  kind: 'smote' | 'smotenc';
  kNeighbors: number;
  /** Minority / majority ratio wanted after resampling (imbalanced-learn's float sampling_strategy). */
  samplingStrategy: number;
  /** Matrix columns holding category codes (SMOTENC). */
  categorical: number[];
  seed: number;
}

export interface SmoteResult {
  X: DenseMatrix;
  y: Uint8Array;
  /** Number of synthetic rows appended. */
  synthetic: number;
}

/** k nearest neighbours (excluding itself) of every row of `P` (n × d, row-major), by squared distance. */
function nearestNeighbours(
  P: Float64Array,
  n: number,
  d: number,
  k: number,
  catPenalty: number,
  isCat: Uint8Array,
): Int32Array {
  const nn = new Int32Array(n * k);
  const bestD = new Float64Array(k);
  const bestI = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    bestD.fill(Infinity);
    bestI.fill(-1);
    const oi = i * d;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const oj = j * d;
      const limit = bestD[k - 1];
      let s = 0;
      for (let c = 0; c < d && s < limit; c++) {
        if (isCat[c]) {
          if (P[oi + c] !== P[oj + c]) s += catPenalty;
        } else {
          const t = P[oi + c] - P[oj + c];
          s += t * t;
        }
      }
      if (s >= limit) continue;
      // insert into the sorted top-k (ties keep the earlier row)
      let p = k - 1;
      while (p > 0 && bestD[p - 1] > s) {
        bestD[p] = bestD[p - 1];
        bestI[p] = bestI[p - 1];
        p--;
      }
      bestD[p] = s;
      bestI[p] = j;
    }
    nn.set(bestI, i * k);
  }
  return nn;
}

function medianOf(a: number[]): number {
  if (a.length === 0) return 0;
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function smote(X: DenseMatrix, y: Uint8Array, options: SmoteOptions): SmoteResult {
  const { rows, cols, data } = X;
  if (y.length !== rows) throw new Error(`smote: ${rows} rows but ${y.length} labels`);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(
        `smote: missing or infinite value in column ${X.columns[i % cols]} (row ${Math.floor(i / cols)}); impute before SMOTE`,
      );
    }
  }
  let n1 = 0;
  for (let i = 0; i < rows; i++) if (y[i]) n1++;
  const minority = n1 <= rows - n1 ? 1 : 0;
  const nMin = minority ? n1 : rows - n1;
  const nMaj = rows - nMin;
  const want = Math.floor(options.samplingStrategy * nMaj - nMin);
  if (want <= 0 || nMin === 0) return { X, y, synthetic: 0 };
  if (nMin < 2) throw new Error(`smote: needs at least 2 minority rows, found ${nMin}`);
  const k = Math.min(options.kNeighbors, nMin - 1);

  const idx = new Int32Array(nMin);
  for (let i = 0, m = 0; i < rows; i++) if (y[i] === minority) idx[m++] = i;
  const P = new Float64Array(nMin * cols);
  for (let m = 0; m < nMin; m++) for (let c = 0; c < cols; c++) P[m * cols + c] = data[idx[m] * cols + c];

  const isCat = new Uint8Array(cols);
  if (options.kind === 'smotenc') for (const c of options.categorical) if (c >= 0 && c < cols) isCat[c] = 1;
  let catPenalty = 0;
  if (options.kind === 'smotenc') {
    const stds: number[] = [];
    for (let c = 0; c < cols; c++) {
      if (isCat[c]) continue;
      let s = 0;
      let s2 = 0;
      for (let m = 0; m < nMin; m++) {
        const v = P[m * cols + c];
        s += v;
        s2 += v * v;
      }
      const mu = s / nMin;
      stds.push(Math.sqrt(Math.max(0, s2 / nMin - mu * mu)));
    }
    const med = medianOf(stds);
    catPenalty = (med * med) / 2;
  }
  const nn = nearestNeighbours(P, nMin, cols, k, catPenalty, isCat);

  const rng = new Rng(options.seed);
  const out = new Float32Array((rows + want) * cols);
  out.set(data);
  const votes = new Map<number, number>();
  for (let s = 0; s < want; s++) {
    const pick = rng.int(nMin * k);
    const i = Math.floor(pick / k);
    const j = nn[i * k + (pick % k)];
    const step = rng.next();
    const o = (rows + s) * cols;
    for (let c = 0; c < cols; c++) {
      if (isCat[c]) {
        votes.clear();
        let bestN = 0;
        for (let q = 0; q < k; q++) {
          const v = P[nn[i * k + q] * cols + c];
          const cnt = (votes.get(v) ?? 0) + 1;
          votes.set(v, cnt);
          if (cnt > bestN) bestN = cnt;
        }
        // neighbours are nearest first, so the first with the top count breaks ties by distance
        let best = P[i * cols + c];
        for (let q = 0; q < k; q++) {
          const v = P[nn[i * k + q] * cols + c];
          if (votes.get(v) === bestN) {
            best = v;
            break;
          }
        }
        out[o + c] = best;
      } else {
        const a = P[i * cols + c];
        out[o + c] = a + step * (P[j * cols + c] - a);
      }
    }
  }
  const yOut = new Uint8Array(rows + want);
  yOut.set(y);
  yOut.fill(minority, rows);
  return { X: { rows: rows + want, cols, data: out, columns: [...X.columns] }, y: yOut, synthetic: want };
}
