import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GbdtClassifier } from './classifier';
import { sliceRows, syntheticData } from './synthetic';
import { setGbdtKernels, wasmKernelsAvailable } from './wasm-kernels';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../../../..');
const data = syntheticData(4000, 12, 3);
const train = sliceRows(data, 0, 3000);
const valid = sliceRows(data, 3000, 4000);

describe('wasm kernels', () => {
  afterEach(() => setGbdtKernels('auto'));

  it('the committed kernels.wasm is what scripts/build-wasm.mjs builds from assembly/kernels.ts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gbdt-wasm-'));
    try {
      const out = path.join(dir, 'kernels.wasm');
      const r = spawnSync(process.execPath, [path.join(root, 'scripts/build-wasm.mjs'), out], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const committed = readFileSync(path.join(here, 'assembly/build/kernels.wasm'));
      expect(Buffer.compare(readFileSync(out), committed)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('wasm and pure-TS kernels build identical models (1 and 2 threads, sampling, leaf-wise)', async () => {
    expect(wasmKernelsAvailable()).toBe(true);
    const configs = [
      { n_estimators: 10, max_depth: 6, subsample: 0.7, colsample_bytree: 0.8, n_threads: 1 },
      { n_estimators: 10, max_depth: 5, n_threads: 2 },
      { n_estimators: 6, max_depth: 0, max_leaves: 20, n_threads: 2 },
      { n_estimators: 10, max_depth: 6, eval_every: 0, scale_pos_weight: 2.5 },
      { n_estimators: 10, max_depth: 4, eval_every: 0, subsample: 0.8, n_threads: 2 },
    ];
    for (const params of configs) {
      setGbdtKernels('ts');
      const ts = new GbdtClassifier(params);
      await ts.fit(train.X, train.y, { valid });
      setGbdtKernels('auto');
      const wasm = new GbdtClassifier(params);
      await wasm.fit(train.X, train.y, { valid });
      expect(wasm.toJSON().trees).toEqual(ts.toJSON().trees);
    }
  });

  it('wasm batch prediction equals the TS traversal exactly (missing values, leaf-wise trees)', async () => {
    const big = syntheticData(3000, 12, 8, 0.2);
    for (const params of [
      { n_estimators: 20, max_depth: 6 },
      { n_estimators: 8, max_depth: 0, max_leaves: 40 },
    ]) {
      const m = new GbdtClassifier(params);
      await m.fit(train.X, train.y);
      const json = m.toJSON();
      setGbdtKernels('ts');
      const ts = GbdtClassifier.fromJSON(json).predictRaw(big.X);
      setGbdtKernels('auto');
      const wasm = GbdtClassifier.fromJSON(json).predictRaw(big.X);
      expect(wasm).toEqual(ts);
      const row = Array.from(big.X.data.subarray(0, big.X.cols));
      expect(m.predictRow(row)).toBe(1 / (1 + Math.exp(-wasm[0])));
    }
  });

  it('the wasm gradient update (used without training metrics) matches the TS update with metrics', async () => {
    const withMetrics = new GbdtClassifier({ n_estimators: 25, max_depth: 6, learning_rate: 0.5 });
    const without = new GbdtClassifier({ n_estimators: 25, max_depth: 6, learning_rate: 0.5, eval_every: 0 });
    await withMetrics.fit(train.X, train.y);
    await without.fit(train.X, train.y);
    expect(without.toJSON().trees).toEqual(withMetrics.toJSON().trees);
    expect(Number.isNaN(without.history()[0].train_loss)).toBe(true);
  });
});
