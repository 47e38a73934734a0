/**
 * A small fully connected binary classifier shared by LogisticRegression (no hidden layer) and
 * MlpClassifier (ReLU hidden layers): seeded initialisation, Adam on shuffled mini-batches in
 * TensorFlow.js, early stopping on the validation log loss, and a plain TypeScript forward pass for
 * prediction (synchronous, no tensors, matches tfjs up to float32 rounding).
 */
import {
  CancelledError,
  type DenseMatrix,
  type FitOptions,
  type IterationEvent,
  type Labels,
} from '../types';
import { Rng } from '../../util/rng';
import type * as tfx from '@tensorflow/tfjs';
import { ensureTfBackend, loadTf, type Tf } from './backend';
import { logLoss, rocAuc } from './metrics';

/** One dense layer; `weights` is row-major [inputs][outputs]. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainSpec {
  /** Sizes of the hidden layers; empty for logistic regression. */
  hidden: number[];
  dropout: number;
  learningRate: number;
  epochs: number;
  batchSize: number;
  l2: number;
  patience: number;
  seed: number;
}

export interface TrainResult {
  layers: DenseLayer[];
  history: IterationEvent[];
  /** 1-based epoch whose weights were kept. */
  bestEpoch: number;
}

/** Rows used for the per-epoch training metrics; larger training sets are subsampled (seeded). */
const TRAIN_METRIC_ROWS = 50_000;
/** Yield to the event loop this often so a worker can receive a cancel message mid-epoch. */
const YIELD_EVERY_BATCHES = 32;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Rejects NaN/±Infinity: these models need imputed, scaled inputs. */
export function assertFinite(X: DenseMatrix, who: string): void {
  if (X.data.length !== X.rows * X.cols) {
    throw new Error(`${who}: matrix data has ${X.data.length} values, expected ${X.rows}×${X.cols}`);
  }
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    if (!Number.isFinite(d[i])) {
      const r = Math.floor(i / X.cols);
      const c = i % X.cols;
      throw new Error(
        `${who}: non-finite value (${d[i]}) at row ${r}, column ${c} ('${X.columns[c] ?? c}'); ` +
          'impute missing values and scale features before this model',
      );
    }
  }
}

export function assertLabels(y: Labels, rows: number, who: string): void {
  if (y.length !== rows) throw new Error(`${who}: ${y.length} labels for ${rows} rows`);
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`${who}: label ${y[i]} at row ${i} is not 0 or 1`);
  }
}

/**
 * Probability of class 1 for each row (ReLU hidden layers, sigmoid output), computed in float64.
 * Rows go through four at a time so each weight load feeds four independent accumulators; every row
 * still sums in the same order, so the result does not depend on the batch it arrives in.
 */
export function forwardProba(layers: DenseLayer[], X: DenseMatrix): Float64Array {
  // weights transposed to [outputs][inputs] so each unit is a contiguous dot product
  const prepared = layers.map((l) => {
    const wt = new Float64Array(l.inputs * l.outputs);
    for (let i = 0; i < l.inputs; i++) {
      for (let o = 0; o < l.outputs; o++) wt[o * l.inputs + i] = l.weights[i * l.outputs + o];
    }
    return { inputs: l.inputs, outputs: l.outputs, wt, bias: Float64Array.from(l.bias) };
  });
  const out = new Float64Array(X.rows);
  let w = X.cols;
  for (const l of layers) w = Math.max(w, l.outputs);
  // activations of four rows, row k at offset k·w
  let a = new Float64Array(4 * w);
  let z = new Float64Array(4 * w);
  const w2 = 2 * w;
  const w3 = 3 * w;
  const last = prepared.length - 1;
  const data = X.data;
  const cols = X.cols;
  for (let r0 = 0; r0 < X.rows; r0 += 4) {
    const m = Math.min(4, X.rows - r0);
    for (let k = 0; k < 4; k++) {
      const src = (r0 + Math.min(k, m - 1)) * cols; // a short last group repeats its final row
      for (let c = 0; c < cols; c++) a[k * w + c] = data[src + c];
    }
    for (let li = 0; li <= last; li++) {
      const { inputs, outputs, wt, bias } = prepared[li];
      const relu = li < last;
      for (let o = 0; o < outputs; o++) {
        let s0 = bias[o];
        let s1 = s0;
        let s2 = s0;
        let s3 = s0;
        const row = o * inputs;
        for (let i = 0; i < inputs; i++) {
          const wi = wt[row + i];
          s0 += a[i] * wi;
          s1 += a[w + i] * wi;
          s2 += a[w2 + i] * wi;
          s3 += a[w3 + i] * wi;
        }
        if (relu) {
          if (s0 < 0) s0 = 0;
          if (s1 < 0) s1 = 0;
          if (s2 < 0) s2 = 0;
          if (s3 < 0) s3 = 0;
        }
        z[o] = s0;
        z[w + o] = s1;
        z[w2 + o] = s2;
        z[w3 + o] = s3;
      }
      const t = a;
      a = z;
      z = t;
    }
    for (let k = 0; k < m; k++) out[r0 + k] = 1 / (1 + Math.exp(-a[k * w]));
  }
  return out;
}

function cloneLayers(layers: DenseLayer[]): DenseLayer[] {
  return layers.map((l) => ({ ...l, weights: l.weights.slice(), bias: l.bias.slice() }));
}

/** Glorot-uniform kernels from tfjs initialisers with seeds derived from `rng`; zero biases, output bias at the prior log-odds. */
function initLayers(tf: Tf, sizes: number[], rng: Rng, prior: number): DenseLayer[] {
  const layers: DenseLayer[] = [];
  for (let li = 0; li + 1 < sizes.length; li++) {
    const inputs = sizes[li];
    const outputs = sizes[li + 1];
    const init = tf.initializers.glorotUniform({ seed: rng.nextU32() });
    const t = init.apply([inputs, outputs]);
    const weights = Float32Array.from(t.dataSync());
    t.dispose();
    layers.push({ inputs, outputs, weights, bias: new Float32Array(outputs) });
  }
  const p = Math.min(1 - 1e-6, Math.max(1e-6, prior));
  layers[layers.length - 1].bias[0] = Math.log(p / (1 - p));
  return layers;
}

function subsampleRows(X: DenseMatrix, y: Labels, max: number, rng: Rng): { X: DenseMatrix; y: Labels } {
  if (X.rows <= max) return { X, y };
  const idx = new Uint32Array(X.rows);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  rng.shuffle(idx);
  const data = new Float32Array(max * X.cols);
  const ys = new Uint8Array(max);
  for (let k = 0; k < max; k++) {
    const r = idx[k];
    data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), k * X.cols);
    ys[k] = y[r];
  }
  return { X: { rows: max, cols: X.cols, data, columns: X.columns }, y: ys };
}

export async function trainNetwork(
  who: string,
  spec: TrainSpec,
  X: DenseMatrix,
  y: Labels,
  options: FitOptions = {},
): Promise<TrainResult> {
  assertFinite(X, who);
  assertLabels(y, X.rows, who);
  if (X.rows === 0) throw new Error(`${who}: no training rows`);
  const valid = options.valid;
  if (valid) {
    if (valid.X.cols !== X.cols)
      throw new Error(`${who}: valid has ${valid.X.cols} columns, train ${X.cols}`);
    assertFinite(valid.X, `${who} (valid)`);
    assertLabels(valid.y, valid.X.rows, `${who} (valid)`);
  }
  const signal = options.signal;
  const checkCancel = (): void => {
    if (signal?.aborted) throw new CancelledError(`${who}: training cancelled`);
  };
  checkCancel();
  await ensureTfBackend();
  const tf = await loadTf();

  const rng = new Rng(spec.seed);
  const initRng = rng.fork(1);
  const shuffleRng = rng.fork(2);
  const dropoutRng = rng.fork(3);
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i];
  let layers = initLayers(tf, [X.cols, ...spec.hidden, 1], initRng, positives / y.length);
  const trainMetric = subsampleRows(X, y, TRAIN_METRIC_ROWS, rng.fork(4));

  // tidy frees the initial-value tensors; variables survive it (and get auto-generated unique names,
  // so concurrent fits in one process do not clash)
  const vars = tf.tidy(() =>
    layers.map((l) => ({
      W: tf.variable(tf.tensor2d(l.weights, [l.inputs, l.outputs]), true),
      b: tf.variable(tf.tensor1d(l.bias), true),
    })),
  );
  const varList = vars.flatMap((v) => [v.W, v.b]);
  const optimizer = tf.train.adam(spec.learningRate);
  const history: IterationEvent[] = [];
  let best = { loss: Infinity, epoch: 0, layers: cloneLayers(layers) };
  const n = X.rows;
  const cols = X.cols;
  const batch = Math.min(spec.batchSize, n);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const xb = new Float32Array(batch * cols);
  const yb = new Float32Array(batch);

  // evaluation sets live on the backend for the whole fit; XNNPACK scores them much faster than JS
  const trainX = tf.tensor2d(trainMetric.X.data, [trainMetric.X.rows, cols]);
  const validX = valid ? tf.tensor2d(valid.X.data, [valid.X.rows, cols]) : undefined;
  const predictTensor = (xs: tfx.Tensor2D): Float32Array =>
    tf.tidy(() => {
      let a: tfx.Tensor2D = xs;
      for (let li = 0; li < vars.length; li++) {
        a = tf.add(tf.matMul(a, vars[li].W), vars[li].b);
        if (li < vars.length - 1) a = tf.relu(a);
      }
      return tf.sigmoid(a).dataSync() as Float32Array;
    });

  const readLayers = (): DenseLayer[] =>
    layers.map((l, i) => ({
      ...l,
      weights: Float32Array.from(vars[i].W.dataSync()),
      bias: Float32Array.from(vars[i].b.dataSync()),
    }));

  try {
    for (let epoch = 1; epoch <= spec.epochs; epoch++) {
      shuffleRng.shuffle(order);
      let step = 0;
      for (let start = 0; start < n; start += batch) {
        checkCancel();
        const m = Math.min(batch, n - start);
        for (let k = 0; k < m; k++) {
          const r = order[start + k];
          xb.set(X.data.subarray(r * cols, (r + 1) * cols), k * cols);
          yb[k] = y[r];
        }
        const dropSeed = dropoutRng.nextU32();
        tf.tidy(() => {
          const xs = tf.tensor2d(xb.subarray(0, m * cols), [m, cols]);
          const ys = tf.tensor2d(yb.subarray(0, m), [m, 1]);
          optimizer.minimize(
            () => {
              let a: tfx.Tensor2D = xs;
              for (let li = 0; li < vars.length; li++) {
                a = tf.add(tf.matMul(a, vars[li].W), vars[li].b);
                if (li < vars.length - 1) {
                  a = tf.relu(a);
                  if (spec.dropout > 0)
                    a = tf.dropout(a, spec.dropout, undefined, dropSeed + li) as tfx.Tensor2D;
                }
              }
              let loss = tf.losses.sigmoidCrossEntropy(ys, a) as tfx.Scalar;
              if (spec.l2 > 0) {
                for (const v of vars) loss = tf.add(loss, tf.mul(spec.l2, tf.sum(tf.square(v.W))));
              }
              return loss;
            },
            false,
            varList,
          );
        });
        if (++step % YIELD_EVERY_BATCHES === 0) await yieldToEventLoop();
      }

      layers = readLayers();
      const pTrain = predictTensor(trainX);
      const event: IterationEvent = {
        iteration: epoch,
        total: spec.epochs,
        train_loss: logLoss(trainMetric.y, pTrain),
        train_auc: rocAuc(trainMetric.y, pTrain),
      };
      if (!Number.isFinite(event.train_loss)) {
        throw new Error(
          `${who}: training diverged at epoch ${epoch} (loss is not finite); scale the features or lower learning_rate`,
        );
      }
      let monitored = event.train_loss;
      if (valid) {
        const pValid = predictTensor(validX!);
        event.valid_loss = logLoss(valid.y, pValid);
        event.valid_auc = rocAuc(valid.y, pValid);
        monitored = event.valid_loss;
      }
      history.push(event);
      options.onIteration?.(event);
      if (!valid) {
        best = { loss: monitored, epoch, layers };
      } else if (monitored < best.loss) {
        best = { loss: monitored, epoch, layers: cloneLayers(layers) };
      } else if (spec.patience > 0 && epoch - best.epoch >= spec.patience) {
        break;
      }
      await yieldToEventLoop();
      checkCancel();
    }
  } finally {
    optimizer.dispose();
    for (const v of varList) v.dispose();
    trainX.dispose();
    validX?.dispose();
  }
  return { layers: best.layers, history, bestEpoch: best.epoch };
}
