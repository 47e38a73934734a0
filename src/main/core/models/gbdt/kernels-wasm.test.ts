import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GbdtClassifier } from './classifier';
import { sliceRows, syntheticData } from './synthetic';
import { setGbdtKernels, wasmKernelsAvailable } from './wasm-kernels';
import {
  allocateMemory,
  Board,
  type BoardSpec,
  CTRL_BAR,
  CTRL_LEAVES,
  OP_LEAVES,
  reportFailure,
} from './board';
import { BINNING_SAMPLE_ROWS, binOf, computeCuts, featureCuts, padCuts } from './binning';
import { buildHistogram, runOp } from './kernels';
import { histogramMemory } from './train';
import { TreeGrower } from './grow';
import { packForest } from './forest';
import { deserializeGbdt } from './serialize';
import { wasmAddMargins, wasmAddMarginsParallel } from './wasm-predict';
import { Rng } from '../../util/rng';
import { startWorker } from '../../util/worker-url';

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

  it('wasm and pure-TS kernels build identical models (1 and 2 threads, sampling, leaf-wise, L1, gamma, min_child_weight)', async () => {
    expect(wasmKernelsAvailable()).toBe(true);
    const configs = [
      { n_estimators: 10, max_depth: 6, subsample: 0.7, colsample_bytree: 0.8, n_threads: 1 },
      { n_estimators: 10, max_depth: 5, n_threads: 2 },
      { n_estimators: 6, max_depth: 0, max_leaves: 20, n_threads: 2 },
      { n_estimators: 10, max_depth: 6, eval_every: 0, scale_pos_weight: 2.5 },
      { n_estimators: 10, max_depth: 4, eval_every: 0, subsample: 0.8, n_threads: 2 },
      { n_estimators: 8, max_depth: 6, alpha: 0.5, lambda: 3, gamma: 0.2, min_child_weight: 4, n_threads: 2 },
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

  it('scarce histogram slots (released and rebuilt) change no model, grown in wasm or in TS', async () => {
    const configs = [
      { n_estimators: 4, max_depth: 8, n_threads: 2 },
      { n_estimators: 4, max_depth: 0, max_leaves: 24, n_threads: 2 },
    ];
    for (const params of configs) {
      const ample = new GbdtClassifier(params);
      await ample.fit(train.X, train.y);
      const capBytes = histogramMemory.capBytes;
      histogramMemory.capBytes = 1; // the fewest slots a fit can run with
      try {
        setGbdtKernels('ts');
        const ts = new GbdtClassifier(params);
        await ts.fit(train.X, train.y);
        setGbdtKernels('auto');
        const wasm = new GbdtClassifier(params);
        await wasm.fit(train.X, train.y);
        expect(wasm.toJSON().trees).toEqual(ample.toJSON().trees);
        expect(ts.toJSON().trees).toEqual(ample.toJSON().trees);
      } finally {
        histogramMemory.capBytes = capBytes;
      }
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

  it('more features than u16 bin indexes can address: wasm (without them) and TS agree', async () => {
    const wide = syntheticData(600, 300, 5);
    const params = { n_estimators: 3, max_depth: 4, n_threads: 2 };
    setGbdtKernels('ts');
    const ts = new GbdtClassifier(params);
    await ts.fit(wide.X, wide.y);
    setGbdtKernels('auto');
    const wasm = new GbdtClassifier(params);
    await wasm.fit(wide.X, wide.y);
    expect(wasm.toJSON().trees).toEqual(ts.toJSON().trees);
  });

  it('batch prediction on several threads gives exactly the one-thread margins', async () => {
    const big = syntheticData(40_000, 12, 9, 0.1);
    const m = new GbdtClassifier({ n_estimators: 15, max_depth: 6, n_threads: 3 });
    await m.fit(train.X, train.y);
    const packed = packForest(buildForestOf(m));
    const serial = new Float64Array(big.X.rows);
    expect(wasmAddMargins(packed, big.X.data, big.X.rows, big.X.cols, serial)).toBe(true);
    for (const threads of [2, 3]) {
      const parallel = new Float64Array(big.X.rows);
      expect(
        await wasmAddMarginsParallel(packed, big.X.data, big.X.rows, big.X.cols, parallel, threads, 0),
      ).toBe(true);
      expect(parallel).toEqual(serial);
    }
    expect(await m.predictProbaAsync(big.X)).toEqual(m.predictProba(big.X));
  });

  it('training metrics change nothing in the model; loss and AUC come every eval_every rounds and at the last', async () => {
    const every = new GbdtClassifier({ n_estimators: 23, max_depth: 6, learning_rate: 0.5 });
    const some = new GbdtClassifier({ n_estimators: 23, max_depth: 6, learning_rate: 0.5, eval_every: 5 });
    const none = new GbdtClassifier({ n_estimators: 23, max_depth: 6, learning_rate: 0.5, eval_every: 0 });
    for (const m of [every, some, none]) await m.fit(train.X, train.y);
    expect(some.toJSON().trees).toEqual(every.toJSON().trees);
    expect(none.toJSON().trees).toEqual(every.toJSON().trees);
    const measured = some.history().filter((e) => Number.isFinite(e.train_loss));
    expect(measured.map((e) => e.iteration)).toEqual([5, 10, 15, 20, 23]);
    for (const e of measured) {
      const ref = every.history()[e.iteration - 1];
      expect(e.train_loss).toBe(ref.train_loss);
      expect(e.train_auc).toBe(ref.train_auc);
    }
    expect(some.history()[0].train_auc).toBeUndefined();
    expect(none.history().every((e) => Number.isNaN(e.train_loss))).toBe(true);
  });

  it('wasm cut points equal the TS ones (signed zeros, infinities, missing, few and many values, sampled rows)', () => {
    const rng = new Rng(21);
    for (const rows of [1, 700, 5000, BINNING_SAMPLE_ROWS + 3000]) {
      const cols = 8;
      const data = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        const row = [
          rng.normal(), // many values
          rng.int(12) - 6, // few
          rng.next() < 0.5 ? -0 : rng.int(5), // few, with -0 and 0
          rng.next() < 0.3 ? NaN : rng.normal() * 1e3, // missing
          NaN, // all missing
          3, // one value
          rng.next() < 0.05 ? (rng.next() < 0.5 ? Infinity : -Infinity) : rng.int(400), // infinities, ~400 values
          rng.next() < 0.5 ? -0 : rng.normal(), // many, half -0
        ];
        data.set(row, r * cols);
      }
      for (const maxBin of [256, 16]) {
        setGbdtKernels('ts');
        const ts = featureCuts(data, rows, cols, maxBin, 3, 0, 1);
        setGbdtKernels('auto');
        const wasm = featureCuts(data, rows, cols, maxBin, 3, 0, 1);
        expect(wasm, `rows ${rows}, max_bin ${maxBin}`).toEqual(ts);
        // signed zeros compare equal in toEqual: check the bits too
        for (let f = 0; f < cols; f++)
          expect(Array.from(new Uint32Array(wasm[f].buffer))).toEqual(
            Array.from(new Uint32Array(ts[f].buffer)),
          );
      }
    }
  });

  it('wasm binning equals the TS binning (missing, infinite, signed zero and cut values, blocks of rows)', () => {
    const rng = new Rng(12);
    const rows = 1000;
    const cols = 7;
    const data = new Float32Array(rows * cols);
    const special = [NaN, Infinity, -Infinity, 0, -0, 1e30, -1e30];
    for (let i = 0; i < data.length; i++)
      data[i] = rng.next() < 0.15 ? special[rng.int(special.length)] : Math.round(rng.normal() * 20) / 4;
    const cuts = computeCuts({ rows, cols, data, columns: [] }, 1 + (cols % 3) * 60 + 16, 1);
    const make = (wasm: boolean) => {
      const spec: BoardSpec = {
        rows,
        cols,
        threads: 2,
        histLen: 2 * cuts.offsets[cols],
        slots: 2,
        maxBatch: 1,
        maxLeaves: 2,
        subsampled: false,
        wasm,
      };
      const b = new Board(spec, allocateMemory(spec));
      padCuts(cuts, b.cutsPadded, b.cutCount);
      b.offsets.set(cuts.offsets);
      return b;
    };
    const ts = make(false);
    const wasm = make(true);
    ts.binRows(data, 0, rows, 0);
    // two threads' shares, the second not a multiple of the block size
    wasm.binRows(data, 0, 300, 0);
    wasm.binRows(data, 300, rows, 1);
    expect(wasm.binsRow).toEqual(ts.binsRow);
    expect(wasm.binsCol).toEqual(ts.binsCol);
    for (let i = 0; i < rows * cols; i++) {
      expect(wasm.binsWide[i]).toBe(cuts.offsets[i % cols] + ts.binsRow[i]);
      expect(ts.binsRow[i]).toBe(binOf(cuts.cuts[i % cols], data[i]));
    }
  });

  it('the wasm histogram kernel equals the TS one on dense and sparse row sets, any feature count', () => {
    const rng = new Rng(7);
    for (const cols of [3, 16, 29, 40]) {
      const rows = 5000;
      const spec: BoardSpec = {
        rows,
        cols,
        threads: 1,
        histLen: 2 * 256 * cols,
        slots: 2,
        maxBatch: 1,
        maxLeaves: 2,
        subsampled: false,
        wasm: true,
      };
      const b = new Board(spec, allocateMemory(spec));
      const binCount = new Int32Array(cols).map(() => 2 + rng.int(255));
      for (let f = 0; f < cols; f++) b.offsets[f + 1] = b.offsets[f] + binCount[f];
      for (let r = 0; r < rows; r++)
        for (let f = 0; f < cols; f++) b.binsRow[r * cols + f] = rng.int(binCount[f]);
      for (let i = 0; i < 2 * rows; i++) b.gpair[i] = Math.round((rng.next() - 0.5) * 2 ** 20) / 2 ** 10;
      for (const keep of [1, 0.6, 0.2, 0.01]) {
        let k = 0;
        for (let r = 0; r < rows; r++) if (rng.next() < keep) b.idx[k++] = r;
        const len = spec.histLen;
        b.hist.fill(0);
        buildHistogram(b.hist, len, b.idx, 0, k, b.binsRow, cols, b.offsets, b.gpair);
        const p = b.ptr;
        b.wasm!.histogram(p.hist, p.idx, 0, k, p.binsRow, cols, p.offsets, p.gpair, p.scratch, 0);
        expect(b.hist.subarray(0, len), `cols ${cols}, keep ${keep}`).toEqual(b.hist.subarray(len, 2 * len));
        // and through the u16 global bin indexes (taken for nearly every row)
        for (let i = 0; i < rows * cols; i++) b.binsWide[i] = b.offsets[i % cols] + b.binsRow[i];
        b.hist.fill(0, 0, len);
        b.wasm!.histogram(p.hist, p.idx, 0, k, p.binsRow, cols, p.offsets, p.gpair, p.scratch, p.binsWide);
        expect(b.hist.subarray(0, len), `wide, cols ${cols}, keep ${keep}`).toEqual(
          b.hist.subarray(len, 2 * len),
        );
      }
    }
  });
});

function buildForestOf(m: GbdtClassifier) {
  return deserializeGbdt(m.toJSON()).forest;
}

describe('ops in wasm: the barrier between two threads', () => {
  const spec: BoardSpec = {
    rows: 8,
    cols: 2,
    threads: 2,
    histLen: 16,
    slots: 2,
    maxBatch: 2,
    maxLeaves: 2,
    subsampled: false,
    wasm: true,
  };

  /** Thread 1 in a worker, running one OP_LEAVES (no leaves: only its barrier does anything). */
  function secondThread(board: Board) {
    const worker = startWorker(import.meta.url, './fixtures/ops-worker', 'ops-worker', {
      workerData: { spec, memory: board.memory },
    });
    const started = new Promise<boolean>((resolve) =>
      worker.on('message', (m: { type: string; wasm: boolean }) => m.type === 'started' && resolve(m.wasm)),
    );
    const result = new Promise<string>((resolve, reject) => {
      worker.on('message', (m: { type: string; error: string }) => m.type === 'result' && resolve(m.error));
      worker.once('error', reject);
    }).finally(() => void worker.terminate());
    return { started, result };
  }

  it('a thread blocked at the barrier wakes when the other arrives', async () => {
    const board = new Board(spec, allocateMemory(spec), 0);
    board.ctrl[CTRL_LEAVES] = 0;
    const t1 = secondThread(board);
    expect(await t1.started).toBe(true);
    await new Promise((r) => setTimeout(r, 150)); // thread 1 spins 0.1 ms at most, then blocks
    runOp(board, OP_LEAVES, 0);
    expect(await t1.result).toBe('');
    expect(Atomics.load(board.ctrl, CTRL_BAR)).toBe(2);
  });

  it('a tree growing in wasm fails with an error, not a hang, when the other thread fails its op', async () => {
    const board = new Board(spec, allocateMemory(spec), 0);
    board.offsets.set([0, 4, 8]); // 8 bins: histLen 16
    const worker = startWorker(import.meta.url, './fixtures/failing-thread', 'failing-thread', {
      workerData: { ctrl: board.memory.buffer, offset: board.ctrl.byteOffset },
    });
    const messages: string[] = [];
    const failed = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: string) => {
        messages.push(m);
        if (m === 'failed') resolve();
      });
      worker.once('error', reject);
    });
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    const exec = { board, run: () => {}, close: async () => {} };
    const cuts = { cuts: [new Float32Array(3), new Float32Array(3)], offsets: new Int32Array([0, 4, 8]) };
    const split = { lambda: 1, alpha: 0, gamma: 0, minChildWeight: 1 };
    const grower = new TreeGrower(exec, cuts as never, {
      maxDepth: 2,
      maxLeaves: 0,
      learningRate: 0.3,
      split,
    });
    expect(() => grower.grow(new Int32Array([0, 1]))).toThrow(/another thread failed|A GBDT worker failed/);
    await failed;
    await worker.terminate();
    expect(messages).toEqual(['started', 'failed']);
  });

  it('a thread waiting at the barrier fails when the other reports a failure instead of arriving', async () => {
    const board = new Board(spec, allocateMemory(spec), 0);
    const t1 = secondThread(board);
    expect(await t1.started).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    reportFailure(board.ctrl);
    expect(await t1.result).toBe('GBDT: another thread failed');
  });
});
