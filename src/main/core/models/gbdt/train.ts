/**
 * The boosting loop: bins the data onto a board, starts the executor (threads), grows one tree per
 * round, tracks train/valid metrics, early stopping and cancellation.
 */
import { Rng } from '../../util/rng';
import {
  CancelledError,
  type DenseMatrix,
  type FitOptions,
  type IterationEvent,
  type Labels,
} from '../types';
import type { Worker } from 'node:worker_threads';
import { assembleCuts, type BinCuts, computeCuts, featureCuts, padCuts } from './binning';
import { allocateMemory, Board, type BoardSpec, OP_BIN, OP_SAMPLE, OP_UPDATE } from './board';
import { type Executor, LocalExecutor, ThreadPoolExecutor } from './executor';
import { addMargins, buildForest, type Forest, packForest, truncateForest } from './forest';
import { TreeGrower, type TreeNodes } from './grow';
import { gradientScale } from './kernels';
import { acquireGbdtWorker } from './spawn';
import type { CutsRequest } from './worker';
import { auc, loglossFromMargins } from './metrics';
import type { GbdtParams } from './params';
import { wasmKernelsAvailable } from './wasm-kernels';

export interface TrainResult {
  forest: Forest;
  history: IterationEvent[];
  /** 1-based iteration with the lowest validation loss (the kept model with early stopping); 0 without validation data. */
  bestIteration: number;
}

/**
 * Histogram memory above which frontier nodes stop keeping their histogram (they are rebuilt). An
 * object, not a constant, so that a test can make histogram slots scarce: the model does not depend
 * on it (sums are exact).
 */
export const histogramMemory = { capBytes: 512 * 1024 * 1024 };
const DEPTHWISE_BATCH = 32;

export function validateData(X: DenseMatrix, y?: Labels): void {
  if (!Number.isInteger(X.rows) || !Number.isInteger(X.cols) || X.rows < 0 || X.cols < 1) {
    throw new RangeError(`GBDT: bad matrix shape ${X.rows} x ${X.cols}`);
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new RangeError(`GBDT: data has ${X.data.length} values, expected ${X.rows} x ${X.cols}`);
  }
  if (y) {
    if (y.length !== X.rows) throw new RangeError(`GBDT: ${y.length} labels for ${X.rows} rows`);
    for (let i = 0; i < y.length; i++)
      if (y[i] > 1) throw new RangeError(`GBDT: label ${y[i]} at row ${i} is not 0/1`);
  }
}

function boardSpec(p: GbdtParams, rows: number, cols: number, cuts: BinCuts): BoardSpec {
  const leafWise = p.max_leaves > 0;
  const maxBatch = leafWise ? 1 : DEPTHWISE_BATCH;
  const depthCap = p.max_depth > 0 ? Math.min(p.max_depth, 30) : 30;
  const maxLeaves = Math.max(1, Math.min(rows, leafWise ? p.max_leaves : 2 ** depthCap));
  const frontier = leafWise ? p.max_leaves : Math.min(2 ** Math.max(0, depthCap - 1), Math.ceil(rows / 2));
  const histLen = 2 * cuts.offsets[cols];
  const reserve = 2 * maxBatch;
  const cap = Math.floor(histogramMemory.capBytes / (8 * histLen));
  const slots = Math.max(reserve + 1, Math.min(frontier + reserve + 1, cap));
  return {
    rows,
    cols,
    threads: p.n_threads,
    histLen,
    slots,
    maxBatch,
    maxLeaves,
    subsampled: p.subsample < 1,
    wasm: wasmKernelsAvailable(),
  };
}

function sampleFeatures(cols: number, rate: number, rng: Rng): Int32Array {
  const all = new Int32Array(cols);
  for (let f = 0; f < cols; f++) all[f] = f;
  if (rate >= 1) return all;
  const k = Math.max(1, Math.floor(rate * cols));
  return rng.shuffle(all).slice(0, k).sort();
}

/**
 * Training rows the progress metrics look at, at most (an evenly spaced sample beyond). 8k rows
 * give the curves' shape; the exact loss and AUC over all rows cost 3 ms per report on 72k rows
 * and 35 ms on 720k, while the other threads wait.
 */
export const PROGRESS_METRIC_ROWS = 1 << 13;

/**
 * The training loss and AUC of the progress events: over all rows up to PROGRESS_METRIC_ROWS, else
 * over every k-th row (a fixed sample, so the curves are smooth).
 */
function progressMetrics(y: Uint8Array): (margin: Float64Array) => { loss: number; auc: number } {
  const n = y.length;
  const stride = Math.max(1, Math.ceil(n / PROGRESS_METRIC_ROWS));
  const m = Math.ceil(n / stride);
  const ys = stride === 1 ? y : new Uint8Array(m);
  if (stride > 1) for (let i = 0; i < m; i++) ys[i] = y[i * stride];
  const ms = new Float64Array(m);
  return (margin) => {
    for (let i = 0; i < m; i++) ms[i] = margin[i * stride];
    return { loss: loglossFromMargins(ms, ys), auc: auc(ms, ys) };
  };
}

/** Cut points found by this thread and `workers` together, features split between them (featureCuts). */
async function parallelCuts(
  X: DenseMatrix,
  data: Float32Array,
  p: GbdtParams,
  workers: Worker[],
): Promise<BinCuts> {
  const stride = workers.length + 1;
  const replies = workers.map(
    (w, i) =>
      new Promise<Float32Array[]>((resolve, reject) => {
        const onMessage = (m: { cuts?: Float32Array[] }): void => {
          if (!m.cuts) return;
          done();
          resolve(m.cuts);
        };
        const onError = (e: Error): void => {
          done();
          reject(e);
        };
        const onExit = (code: number): void => {
          done();
          reject(new Error(`GBDT worker exited early with code ${code}`));
        };
        const done = (): void => {
          w.off('message', onMessage);
          w.off('error', onError);
          w.off('exit', onExit);
        };
        w.on('message', onMessage);
        w.on('error', onError);
        w.on('exit', onExit);
        const request: CutsRequest = {
          cuts: { data, rows: X.rows, cols: X.cols, maxBin: p.max_bin, seed: p.seed, t: i + 1, stride },
        };
        w.postMessage(request);
      }),
  );
  const own = featureCuts(data, X.rows, X.cols, p.max_bin, p.seed, 0, stride);
  return assembleCuts([own, ...(await Promise.all(replies))], X.cols);
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The boosting loop lets the event loop run at least this often (ms), not after every tree: a small
 * tree takes ~2 ms, and the other threads wait for the next one while this thread yields.
 */
export const YIELD_EVERY_MS = 10;

export async function trainGbdt(
  X: DenseMatrix,
  y: Labels,
  p: GbdtParams,
  options: FitOptions = {},
): Promise<TrainResult> {
  validateData(X, y);
  if (X.rows < 1) throw new RangeError('GBDT: no training rows');
  if (options.valid) validateData(options.valid.X, options.valid.y);
  if (options.valid && options.valid.X.cols !== X.cols)
    throw new RangeError('GBDT: valid set has other columns');
  // a matrix over shared memory is binned (and its cut points found) by all threads, else by this one
  const shared = p.n_threads > 1 && X.data.buffer instanceof SharedArrayBuffer ? X.data : undefined;
  const workers = shared ? Array.from({ length: p.n_threads - 1 }, () => acquireGbdtWorker()) : [];
  let cuts: BinCuts;
  try {
    cuts = shared ? await parallelCuts(X, shared, p, workers) : computeCuts(X, p.max_bin, p.seed);
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  const spec = boardSpec(p, X.rows, X.cols, cuts);
  const board = new Board(spec, allocateMemory(spec));
  padCuts(cuts, board.cutsPadded, board.cutCount);
  board.offsets.set(cuts.offsets);
  if (!shared) board.binRows(X.data, 0, X.rows, 0);
  board.y.set(y);
  board.fparams[0] = p.scale_pos_weight;
  board.fparams[1] = gradientScale(X.rows, Math.max(1, p.scale_pos_weight));
  board.fparams.set([p.lambda, p.alpha, p.gamma, p.min_child_weight], 2);
  const exec: Executor =
    spec.threads > 1 ? await ThreadPoolExecutor.start(board, shared, workers) : new LocalExecutor(board);
  try {
    if (shared) {
      board.X = shared;
      exec.run(OP_BIN);
      board.X = null;
    }
    return await boost(exec, cuts, X, p, options);
  } finally {
    await exec.close();
  }
}

async function boost(
  exec: Executor,
  cuts: BinCuts,
  X: DenseMatrix,
  p: GbdtParams,
  options: FitOptions,
): Promise<TrainResult> {
  const b = exec.board;
  const n = X.rows;
  // margins start at 0 (base_score 0.5); delta is 0 in fresh memory: this computes the first gradients
  exec.run(OP_UPDATE);

  const grower = new TreeGrower(exec, cuts, {
    maxDepth: p.max_depth,
    maxLeaves: p.max_leaves,
    learningRate: p.learning_rate,
    split: { lambda: p.lambda, alpha: p.alpha, gamma: p.gamma, minChildWeight: p.min_child_weight },
  });
  const trainMetrics = progressMetrics(b.y);
  const master = new Rng(p.seed);
  const rowRng = master.fork(1);
  const colRng = master.fork(2);
  const valid = options.valid;
  const validMargin = valid ? new Float64Array(valid.X.rows) : null;
  const trees: TreeNodes[] = [];
  const history: IterationEvent[] = [];
  let bestLoss = Infinity;
  let bestIteration = 0;
  const total = p.n_estimators;
  let yielded = performance.now();
  for (let it = 1; it <= total; it++) {
    if (options.signal?.aborted) throw new CancelledError('GBDT training cancelled');
    if (p.subsample < 1) {
      const mask = b.mask;
      for (let i = 0; i < n; i++) mask[i] = rowRng.next() < p.subsample ? 1 : 0;
      exec.run(OP_SAMPLE);
    }
    const tree = grower.grow(sampleFeatures(X.cols, p.colsample_bytree, colRng));
    trees.push(tree);
    const measured = p.eval_every > 0 && (it % p.eval_every === 0 || it === total);
    const event: IterationEvent = { iteration: it, total, train_loss: NaN };
    if (measured) {
      const { loss, auc } = trainMetrics(b.margin);
      event.train_loss = loss;
      event.train_auc = auc;
    }
    if (valid && validMargin) {
      addMargins(packForest(buildForest([tree], 0)), valid.X.data, valid.X.rows, valid.X.cols, validMargin);
      event.valid_loss = loglossFromMargins(validMargin, valid.y);
      if (measured) event.valid_auc = auc(validMargin, valid.y);
      if (event.valid_loss < bestLoss) {
        bestLoss = event.valid_loss;
        bestIteration = it;
      }
    }
    history.push(event);
    options.onIteration?.(event);
    if (valid && p.early_stopping_rounds > 0 && it - bestIteration >= p.early_stopping_rounds) break;
    if (performance.now() - yielded >= YIELD_EVERY_MS) {
      await yieldToEventLoop();
      yielded = performance.now();
    }
  }
  let forest = buildForest(trees, 0);
  if (valid && p.early_stopping_rounds > 0 && bestIteration > 0)
    forest = truncateForest(forest, bestIteration);
  return { forest, history, bestIteration };
}
