import { describe, expect, it } from 'vitest';
import { CancelledError, type DenseMatrix, type IterationEvent } from '../types';
import { GbdtClassifier } from './classifier';
import { auc } from './metrics';
import { decodeFloat32, type EncodedFloat32 } from './serialize';
import { prestartedGbdtWorkers, prestartGbdtWorkers } from './spawn';
import { sliceRows, syntheticData } from './synthetic';
import { setGbdtKernels } from './wasm-kernels';

const data = syntheticData(3000, 10, 7);
const train = sliceRows(data, 0, 2000);
const valid = sliceRows(data, 2000, 3000);

describe('GbdtClassifier', () => {
  it('learns the synthetic signal and its training loss decreases every round', async () => {
    const m = new GbdtClassifier({ n_estimators: 40, max_depth: 4 });
    const events: IterationEvent[] = [];
    await m.fit(train.X, train.y, { valid, onIteration: (e) => events.push(e) });
    expect(events.map((e) => e.iteration)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let i = 1; i < events.length; i++)
      expect(events[i].train_loss).toBeLessThan(events[i - 1].train_loss);
    expect(events[0].valid_auc).toBeGreaterThan(0.6);
    expect(auc(m.predictProba(valid.X), valid.y)).toBeGreaterThan(0.8);
    expect(m.history()).toEqual(events);
    const imp = m.featureImportance();
    expect(Object.values(imp).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(imp.x0).toBeGreaterThan(imp.x9); // x0 carries signal, x9 none
    const cover = m.featureImportance('cover');
    expect(Object.values(cover).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('routes missing values by the learned default direction', async () => {
    for (const missingLabel of [0, 1]) {
      const rows = 600;
      const X: DenseMatrix = { rows, cols: 1, data: new Float32Array(rows), columns: ['x'] };
      const y = new Uint8Array(rows);
      for (let r = 0; r < rows; r++) {
        const kind = r % 3; // 0: missing, 1: negative value, 2: positive value
        X.data[r] = kind === 0 ? NaN : kind === 1 ? -1 - (r % 7) : 1 + (r % 5);
        y[r] = kind === 0 ? missingLabel : kind === 1 ? 0 : 1;
      }
      const m = new GbdtClassifier({ n_estimators: 5, max_depth: 1 });
      await m.fit(X, y);
      const t = m.toJSON().trees;
      expect(t.feature[0]).toBe(0);
      // label 0 for missing: missing joins the negative values on the left
      expect(t.missing[0] === t.left[0]).toBe(missingLabel === 0);
      const pNaN = m.predictRow([NaN]);
      expect(pNaN).toBeCloseTo(m.predictRow([missingLabel === 0 ? -3 : 3]), 12);
    }
  });

  it('builds identical models with 1 and 2 threads (also with row and column sampling)', async () => {
    const params = { n_estimators: 12, max_depth: 5, subsample: 0.8, colsample_bytree: 0.7, seed: 3 };
    const a = new GbdtClassifier({ ...params, n_threads: 1 });
    const b = new GbdtClassifier({ ...params, n_threads: 2 });
    await a.fit(train.X, train.y, { valid });
    await b.fit(train.X, train.y, { valid });
    expect(b.toJSON().trees).toEqual(a.toJSON().trees);
    expect(b.history()).toEqual(a.history());
  });

  it('children large enough to be built by all threads together give the same model (wasm and TS kernels)', async () => {
    // rows ordered by label, like the HubSpot loader's (customers first): a thread's share of a node
    // may hold all its positives
    const big = syntheticData(24000, 6, 11);
    const order = Array.from({ length: big.y.length }, (_, i) => i).sort((p, q) => big.y[q] - big.y[p]);
    const data = new Float32Array(big.X.data.length);
    const y = new Uint8Array(big.y.length);
    order.forEach((r, i) => {
      data.set(big.X.data.subarray(r * 6, r * 6 + 6), i * 6);
      y[i] = big.y[r];
    });
    const X = { ...big.X, data };
    const params = { n_estimators: 4, max_depth: 4, subsample: 0.9 };
    const one = new GbdtClassifier({ ...params, n_threads: 1 });
    await one.fit(X, y);
    for (const n_threads of [2, 3]) {
      const m = new GbdtClassifier({ ...params, n_threads });
      await m.fit(X, y);
      expect(m.toJSON().trees).toEqual(one.toJSON().trees);
    }
    setGbdtKernels('ts');
    try {
      const ts = new GbdtClassifier({ ...params, n_threads: 2 });
      await ts.fit(X, y);
      expect(ts.toJSON().trees).toEqual(one.toJSON().trees);
    } finally {
      setGbdtKernels('auto');
    }
  });

  it('a matrix over shared memory is binned by all threads into the same model', async () => {
    const shared = new Float32Array(new SharedArrayBuffer(train.X.data.byteLength));
    shared.set(train.X.data);
    const params = { n_estimators: 8, max_depth: 6, n_threads: 3 };
    const a = new GbdtClassifier({ ...params, n_threads: 1 });
    const b = new GbdtClassifier(params);
    await a.fit(train.X, train.y);
    await b.fit({ ...train.X, data: shared }, train.y);
    expect(b.toJSON().trees).toEqual(a.toJSON().trees);
  });

  it('runs on prestarted threads and hands them back for the next fit (same models)', async () => {
    const shared = new Float32Array(new SharedArrayBuffer(train.X.data.byteLength));
    shared.set(train.X.data);
    const params = { n_estimators: 8, max_depth: 5, subsample: 0.8 };
    const a = new GbdtClassifier({ ...params, n_threads: 1 });
    await a.fit(train.X, train.y);
    prestartGbdtWorkers(2);
    const idle = prestartedGbdtWorkers();
    expect(idle).toBeGreaterThanOrEqual(2);
    const b = new GbdtClassifier({ ...params, n_threads: 3 });
    await b.fit({ ...train.X, data: shared }, train.y);
    // its two threads are idle again, ready for the next fit or a parallel prediction
    expect(prestartedGbdtWorkers()).toBe(idle);
    expect(b.toJSON().trees).toEqual(a.toJSON().trees);
    const c = new GbdtClassifier({ ...params, n_threads: 3 });
    await c.fit(train.X, train.y);
    expect(prestartedGbdtWorkers()).toBe(idle);
    expect(c.toJSON().trees).toEqual(a.toJSON().trees);
    // more threads than are idle: the missing ones start on demand, and all come back
    const d = new GbdtClassifier({ ...params, n_threads: idle + 3 });
    await d.fit(train.X, train.y);
    expect(prestartedGbdtWorkers()).toBe(idle + 2);
    expect(d.toJSON().trees).toEqual(a.toJSON().trees);
  });

  it('builds identical leaf-wise models with 1 and 3 threads', async () => {
    const params = { n_estimators: 6, max_depth: 0, max_leaves: 12 };
    const a = new GbdtClassifier({ ...params, n_threads: 1 });
    const b = new GbdtClassifier({ ...params, n_threads: 3 });
    await a.fit(train.X, train.y);
    await b.fit(train.X, train.y);
    expect(b.toJSON().trees).toEqual(a.toJSON().trees);
  });

  it('is deterministic for a seed with subsample and colsample < 1, and the seed matters', async () => {
    const params = { n_estimators: 8, subsample: 0.6, colsample_bytree: 0.5 };
    const a = new GbdtClassifier({ ...params, seed: 11 });
    const b = new GbdtClassifier({ ...params, seed: 11 });
    const c = new GbdtClassifier({ ...params, seed: 12 });
    await a.fit(train.X, train.y);
    await b.fit(train.X, train.y);
    await c.fit(train.X, train.y);
    expect(b.toJSON().trees).toEqual(a.toJSON().trees);
    expect(c.toJSON().trees).not.toEqual(a.toJSON().trees);
  });

  it('round-trips through JSON with identical predictions and checks kind and version', async () => {
    const m = new GbdtClassifier({ n_estimators: 15, max_depth: 4, learning_rate: 0.2 });
    await m.fit(train.X, train.y);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    const back = GbdtClassifier.fromJSON(json);
    const p = m.predictProba(valid.X);
    expect(back.predictProba(valid.X)).toEqual(p);
    expect(back.params).toEqual(m.params);
    expect(back.featureImportance()).toEqual(m.featureImportance());
    const row = new Float64Array(valid.X.cols);
    for (let r = 0; r < 50; r++) {
      for (let c = 0; c < row.length; c++) row[c] = valid.X.data[r * valid.X.cols + c];
      expect(back.predictRow(row)).toBe(p[r]);
    }
    expect(() => GbdtClassifier.fromJSON({ ...json, kind: 'logistic' })).toThrow(/kind is 'logistic'/);
    expect(() => GbdtClassifier.fromJSON({ ...json, format_version: 99 })).toThrow(/format_version 99/);
  });

  it('stores float32 node arrays exactly as base64 and still loads format 1 (plain numbers)', async () => {
    const m = new GbdtClassifier({ n_estimators: 10, max_depth: 4, learning_rate: 0.3 });
    await m.fit(train.X, train.y);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(json.format_version).toBe(2);
    expect(json.trees.weight).toMatchObject({ dtype: 'float32' });
    const nodes = json.trees.feature.length;
    const v1 = {
      ...json,
      format_version: 1,
      trees: Object.fromEntries(
        Object.entries(json.trees).map(([k, v]) => [
          k,
          Array.isArray(v) ? v : Array.from(decodeFloat32(v as EncodedFloat32)!),
        ]),
      ),
    };
    expect(v1.trees.threshold).toHaveLength(nodes);
    const p = m.predictProba(valid.X);
    expect(GbdtClassifier.fromJSON(v1).predictProba(valid.X)).toEqual(p);
    expect(GbdtClassifier.fromJSON(v1).featureImportance()).toEqual(m.featureImportance());
    const cut = {
      ...json,
      trees: { ...json.trees, gain: { dtype: 'float32', base64: json.trees.gain.base64.slice(16) } },
    };
    expect(() => GbdtClassifier.fromJSON(cut)).toThrow(/trees\.gain has \d+ entries, expected \d+/);
    const odd = {
      ...json,
      trees: { ...json.trees, gain: { dtype: 'float32', base64: json.trees.gain.base64.slice(4) } },
    };
    expect(() => GbdtClassifier.fromJSON(odd)).toThrow(/trees\.gain is not whole float32 values/);
    const wrong = { ...json, trees: { ...json.trees, cover: 'AAAA' } };
    expect(() => GbdtClassifier.fromJSON(wrong)).toThrow(/trees\.cover must be/);
  });

  it('stops early and keeps the best iteration', async () => {
    const m = new GbdtClassifier({
      n_estimators: 200,
      learning_rate: 1,
      max_depth: 6,
      early_stopping_rounds: 5,
    });
    await m.fit(train.X, train.y, { valid });
    const h = m.history();
    const losses = h.map((e) => e.valid_loss as number);
    const argmin = losses.indexOf(Math.min(...losses)) + 1;
    expect(m.bestIteration).toBe(argmin);
    expect(h.length).toBe(argmin + 5);
    expect(h.length).toBeLessThan(200);
    expect(m.treeCount).toBe(argmin);
  });

  it('grows leaf-wise with at most max_leaves leaves', async () => {
    const m = new GbdtClassifier({ n_estimators: 5, max_depth: 0, max_leaves: 7 });
    await m.fit(train.X, train.y);
    const t = m.toJSON().trees;
    for (let k = 0; k < 5; k++) {
      let leaves = 0;
      for (let i = t.tree_start[k]; i < t.tree_start[k + 1]; i++) if (t.feature[i] < 0) leaves++;
      expect(leaves).toBe(7);
    }
  });

  it('honours gamma, min_child_weight and scale_pos_weight', async () => {
    const plain = new GbdtClassifier({ n_estimators: 3 });
    const pruned = new GbdtClassifier({ n_estimators: 3, gamma: 5, min_child_weight: 20 });
    const weighted = new GbdtClassifier({ n_estimators: 3, scale_pos_weight: 4 });
    await plain.fit(train.X, train.y);
    await pruned.fit(train.X, train.y);
    await weighted.fit(train.X, train.y);
    const pj = pruned.toJSON().trees;
    expect(pj.feature.length).toBeLessThan(plain.toJSON().trees.feature.length);
    const gain = decodeFloat32(pj.gain as EncodedFloat32)!;
    const cover = decodeFloat32(pj.cover as EncodedFloat32)!;
    for (let i = 0; i < pj.feature.length; i++) {
      if (pj.feature[i] >= 0) expect(gain[i]).toBeGreaterThan(5);
      expect(cover[i]).toBeGreaterThanOrEqual(20);
    }
    const mean = (p: Float64Array): number => p.reduce((a, b) => a + b, 0) / p.length;
    expect(mean(weighted.predictProba(valid.X))).toBeGreaterThan(mean(plain.predictProba(valid.X)) + 0.05);
  });

  it('stops with a CancelledError when the signal is aborted', async () => {
    const signal = { aborted: false };
    const m = new GbdtClassifier({ n_estimators: 50, n_threads: 2 });
    const seen: number[] = [];
    const run = m.fit(train.X, train.y, {
      signal,
      onIteration: (e) => {
        seen.push(e.iteration);
        if (e.iteration === 3) signal.aborted = true;
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('rejects bad parameters and bad input', async () => {
    expect(() => new GbdtClassifier({ max_bin: 300 })).toThrow(/max_bin/);
    expect(() => new GbdtClassifier({ subsample: 0 })).toThrow(/subsample/);
    expect(() => new GbdtClassifier({ nope: 1 } as never)).toThrow(/unknown parameter/);
    const m = new GbdtClassifier({ n_estimators: 2 });
    await expect(m.fit(train.X, train.y.subarray(0, 10))).rejects.toThrow(/labels/);
    await m.fit(train.X, train.y);
    expect(() => m.predictProba({ rows: 1, cols: 3, data: new Float32Array(3), columns: [] })).toThrow(
      /features/,
    );
  });
});
