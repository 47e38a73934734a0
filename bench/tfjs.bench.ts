/**
 * `npm run bench -- tfjs [--rows 100000] [--cols 30] [--epochs 10] [--repeats 3] [--no-peer]`
 *
 * Fits the tfjs LogisticRegression and MlpClassifier (wasm backend) on seeded synthetic data and the
 * scikit-learn peers on the very same arrays in the same run: LogisticRegression (lbfgs) and
 * MLPClassifier (adam, same layers, epochs, batch size and learning rate). Reports median fit time,
 * predict throughput (median of 5 warm calls per fit) and test AUC. Peers run single-threaded (OMP/OpenBLAS threads = 1) like our wasm.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Rng } from '../src/main/core/util/rng';
import type { DenseMatrix } from '../src/main/core/models/types';
import { LogisticRegression, MlpClassifier, ensureTfBackend } from '../src/main/core/models/tfjs';
import { rocAuc } from '../src/main/core/models/tfjs/metrics';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}
const rows = arg('rows', 100_000);
const cols = arg('cols', 30);
const epochs = arg('epochs', 10);
const repeats = arg('repeats', 3);
const runPeer = !process.argv.includes('--no-peer');
const batch = 512;
const lrLogistic = 0.01;
const lrMlp = 0.003;
const hidden = [32, 16];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Standard normal features; the label depends linearly on most of them plus an x0·x1 interaction. */
function makeData(n: number, seed: number): { X: DenseMatrix; y: Uint8Array } {
  const rng = new Rng(seed);
  const wRng = new Rng(12345);
  const w = Array.from({ length: cols }, (_, j) => (j < cols / 2 ? wRng.normal() * 0.6 : 0));
  const data = new Float32Array(n * cols);
  const y = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    let z = -1.5;
    for (let c = 0; c < cols; c++) {
      const v = rng.normal();
      data[r * cols + c] = v;
      z += w[c] * v;
    }
    z += 1.5 * data[r * cols] * data[r * cols + 1];
    y[r] = rng.next() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  return { X: { rows: n, cols, data, columns: Array.from({ length: cols }, (_, c) => `x${c}`) }, y };
}

const PEER = `
import json, sys, time
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.metrics import roc_auc_score
import warnings; warnings.filterwarnings('ignore')
d, rows, test_rows, cols, epochs, batch, lr_l, lr_m, repeats = sys.argv[1], *map(int, sys.argv[2:5]), int(sys.argv[5]), int(sys.argv[6]), float(sys.argv[7]), float(sys.argv[8]), int(sys.argv[9])
Xtr = np.fromfile(d + '/Xtr.f32', dtype=np.float32).reshape(rows, cols); ytr = np.fromfile(d + '/ytr.u8', dtype=np.uint8)
Xte = np.fromfile(d + '/Xte.f32', dtype=np.float32).reshape(test_rows, cols); yte = np.fromfile(d + '/yte.u8', dtype=np.uint8)
out = {}
for name, make in [
  ('logistic', lambda s: LogisticRegression(C=1e6, max_iter=1000)),
  ('mlp', lambda s: MLPClassifier(hidden_layer_sizes=(32, 16), solver='adam', batch_size=batch, learning_rate_init=lr_m,
                                  max_iter=epochs, alpha=0.0, tol=0.0, n_iter_no_change=epochs + 1, shuffle=True, random_state=s)),
]:
  fits, preds, aucs = [], [], []
  for rep in range(repeats):
    m = make(rep); t = time.perf_counter(); m.fit(Xtr, ytr); fits.append(time.perf_counter() - t)
    p = m.predict_proba(Xte)[:, 1]
    for k in range(5):
      t = time.perf_counter(); m.predict_proba(Xte); preds.append(time.perf_counter() - t)
    aucs.append(roc_auc_score(yte, p))
  out[name] = {'fit_s': sorted(fits)[len(fits) // 2], 'predict_s': sorted(preds)[len(preds) // 2], 'auc': float(np.median(aucs))}
print(json.dumps(out))
`;

interface Figures {
  fit_s: number;
  predict_s: number;
  auc: number;
}

async function ours(
  make: (seed: number) => LogisticRegression | MlpClassifier,
  train: { X: DenseMatrix; y: Uint8Array },
  test: { X: DenseMatrix; y: Uint8Array },
): Promise<Figures> {
  const fits: number[] = [];
  const preds: number[] = [];
  const aucs: number[] = [];
  for (let rep = 0; rep < repeats; rep++) {
    const m = make(rep);
    let t = performance.now();
    await m.fit(train.X, train.y);
    fits.push((performance.now() - t) / 1000);
    const p = m.predictProba(test.X); // warm-up
    for (let k = 0; k < 5; k++) {
      t = performance.now();
      m.predictProba(test.X);
      preds.push((performance.now() - t) / 1000);
    }
    aucs.push(rocAuc(test.y, p));
  }
  return { fit_s: median(fits), predict_s: median(preds), auc: median(aucs) };
}

async function main(): Promise<void> {
  const backend = await ensureTfBackend();
  const testRows = Math.round(rows / 4);
  const train = makeData(rows, 1);
  const test = makeData(testRows, 2);
  console.log(
    `tfjs bench: ${rows} train rows, ${testRows} test rows, ${cols} cols, ${epochs} epochs, batch ${batch}`,
  );
  console.log(`backend: ${backend}; repeats: ${repeats} (medians reported)`);

  const logistic = await ours(
    (seed) =>
      new LogisticRegression({
        epochs,
        batch_size: batch,
        learning_rate: lrLogistic,
        l2: 0,
        patience: 0,
        seed,
      }),
    train,
    test,
  );
  const mlp = await ours(
    (seed) =>
      new MlpClassifier({
        hidden_units: hidden,
        epochs,
        batch_size: batch,
        learning_rate: lrMlp,
        dropout: 0,
        l2: 0,
        patience: 0,
        seed,
      }),
    train,
    test,
  );

  let peer: Record<'logistic' | 'mlp', Figures> | undefined;
  if (runPeer) {
    const dir = mkdtempSync(path.join(tmpdir(), 'mlsys-tfjs-bench-'));
    try {
      writeFileSync(path.join(dir, 'Xtr.f32'), train.X.data);
      writeFileSync(path.join(dir, 'ytr.u8'), train.y);
      writeFileSync(path.join(dir, 'Xte.f32'), test.X.data);
      writeFileSync(path.join(dir, 'yte.u8'), test.y);
      const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
      const args = [rows, testRows, cols, epochs, batch, lrLogistic, lrMlp, repeats].map(String);
      const r = spawnSync('/usr/bin/python3', ['-c', PEER, dir, ...args], { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`peer failed: ${r.stderr}`);
      peer = JSON.parse(r.stdout.trim().split('\n').pop()!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const row = (name: string, f: Figures, p?: Figures): string =>
    `${name.padEnd(9)} fit ${f.fit_s.toFixed(2).padStart(7)} s   predict ${(testRows / f.predict_s / 1e6).toFixed(2)} M rows/s   AUC ${f.auc.toFixed(4)}` +
    (p
      ? `   | sklearn fit ${p.fit_s.toFixed(2)} s (ratio ${(f.fit_s / p.fit_s).toFixed(2)}x), predict ${(testRows / p.predict_s / 1e6).toFixed(2)} M rows/s, AUC ${p.auc.toFixed(4)}`
      : '');
  console.log(row('logistic', logistic, peer?.logistic));
  console.log(row('mlp', mlp, peer?.mlp));
  console.log(
    JSON.stringify({
      bench: 'tfjs',
      rows,
      cols,
      epochs,
      batch,
      repeats,
      backend,
      logistic,
      mlp,
      peer: peer ?? null,
      fit_ratio_logistic: peer ? logistic.fit_s / peer.logistic.fit_s : null,
      fit_ratio_mlp: peer ? mlp.fit_s / peer.mlp.fit_s : null,
    }),
  );
}

await main();
