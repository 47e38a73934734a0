/**
 * Batch prediction with the wasm kernel: the packed nodes are copied once into a small shared memory
 * cached per model; rows go through it in chunks. Same sums, same order as forest.ts' addMargins.
 */
import type { PackedForest } from './forest';
import { prestartedGbdtWorkers, releaseGbdtWorker, startGbdtWorker } from './spawn';
import { type WasmMemory, wasmApi } from './wasm-api';
import { loadWasmKernels, wasmKernelsAvailable, type WasmKernels } from './wasm-kernels';

/**
 * Rows per kernel call. Small, so that V8 can tier the kernel up from its baseline code between two
 * calls (it replaces a function's code only at a call): with 16 384 rows a fresh process scored its
 * first 200k rows in 0.20–0.24 s instead of 0.16 s, with 2 048 in 0.16 s.
 */
const CHUNK_ROWS = 2048;
/** Below this many rows the JS loop is as fast (no copy in and out); measured: wasm 1.9 vs JS 2.8 µs/row at 8 rows, 1.6 vs 7.2 at 100. */
export const WASM_PREDICT_MIN_ROWS = 8;

/** Where a predictor's memory holds the trees and each thread's chunk of rows and margins. */
export interface PredictLayout {
  rootsAt: number;
  depthsAt: number;
  trees: number;
  cols: number;
  /** Per region (thread): byte offset of its CHUNK_ROWS rows of float32 data, and of its margins. */
  dataAt: number[];
  outAt: number[];
}

interface Predictor extends PredictLayout {
  kernels: WasmKernels;
  memory: WasmMemory;
  buffer: SharedArrayBuffer;
}

const cache = new WeakMap<PackedForest, Predictor | null>();

function predictor(p: PackedForest, cols: number): Predictor | null {
  const hit = cache.get(p);
  if (hit !== undefined && (hit === null || hit.cols === cols)) return hit;
  const made = makePredictor(p, cols, 1);
  cache.set(p, made);
  return made;
}

/** A memory with the trees and `regions` chunks of rows, and the kernels over it; null without wasm. */
function makePredictor(p: PackedForest, cols: number, regions: number): Predictor | null {
  if (!wasmKernelsAvailable()) return null;
  const total = p.nodes.length / 4;
  const trees = p.roots.length;
  const nodesAt = 65536;
  const rootsAt = nodesAt + 32 * total;
  const depthsAt = rootsAt + 4 * trees;
  let at = Math.ceil((depthsAt + 4 * trees) / 16) * 16;
  const dataAt: number[] = [];
  const outAt: number[] = [];
  for (let r = 0; r < regions; r++) {
    dataAt.push(at);
    at += CHUNK_ROWS * cols * 4;
    outAt.push(at);
    at += CHUNK_ROWS * 8;
  }
  const memory = new wasmApi.Memory({
    initial: Math.ceil(at / 65536),
    maximum: Math.ceil(at / 65536),
    shared: true,
  });
  const kernels = loadWasmKernels(memory);
  if (!kernels) return null;
  writeNodes(p, memory.buffer, nodesAt, rootsAt, depthsAt);
  return { kernels, memory, buffer: memory.buffer, rootsAt, depthsAt, trees, cols, dataAt, outAt };
}

/** Writes the 32-byte nodes (see assembly/kernels.ts), tree roots and depths. */
function writeNodes(
  p: PackedForest,
  buf: SharedArrayBuffer,
  nodesAt: number,
  rootsAt: number,
  depthsAt: number,
): void {
  const total = p.nodes.length / 4;
  const i32 = new Int32Array(buf, nodesAt, 8 * total);
  const f32 = new Float32Array(buf, nodesAt, 8 * total);
  const addr = (packedIndex: number): number => nodesAt + 32 * (packedIndex / 4);
  for (let i = 0; i < total; i++) {
    const ft = p.nodes[4 * i];
    if (ft >= 0) {
      i32[8 * i] = ft;
      i32[8 * i + 1] = addr(p.nodes[4 * i + 1]);
      i32[8 * i + 2] = addr(p.nodes[4 * i + 1] + 4);
      i32[8 * i + 3] = addr(p.nodes[4 * i + 2]);
      f32[8 * i + 4] = p.floats[4 * i + 3];
    } else {
      const self = nodesAt + 32 * i;
      i32[8 * i] = 0;
      i32[8 * i + 1] = self;
      i32[8 * i + 2] = self;
      i32[8 * i + 3] = self;
      f32[8 * i + 5] = p.floats[4 * i + 3];
    }
  }
  const roots = new Int32Array(buf, rootsAt, p.roots.length);
  const depths = new Int32Array(buf, depthsAt, p.roots.length);
  const depthOf = (packed: number): number =>
    p.nodes[packed] < 0 ? 0 : 1 + Math.max(depthOf(p.nodes[packed + 1]), depthOf(p.nodes[packed + 1] + 4));
  for (let t = 0; t < p.roots.length; t++) {
    roots[t] = addr(p.roots[t]);
    depths[t] = depthOf(p.roots[t]);
  }
}

/**
 * Adds the margins of rows r0..r1 of `data` to `out` with the kernels over `w`'s memory, through
 * region `region` in chunks (the same per-row sums in the same order as forest.ts' addMargins).
 */
export function predictRange(
  w: { kernels: WasmKernels; buffer: SharedArrayBuffer } & PredictLayout,
  region: number,
  data: Float32Array,
  out: Float64Array,
  r0: number,
  r1: number,
): void {
  const cols = w.cols;
  const dataView = new Float32Array(w.buffer, w.dataAt[region], CHUNK_ROWS * cols);
  const outView = new Float64Array(w.buffer, w.outAt[region], CHUNK_ROWS);
  for (let a = r0; a < r1; a += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, r1 - a);
    dataView.set(data.subarray(a * cols, (a + n) * cols));
    outView.set(out.subarray(a, a + n));
    w.kernels.predict(w.rootsAt, w.depthsAt, w.trees, w.dataAt[region], n, cols, w.outAt[region]);
    out.set(outView.subarray(0, n), a);
  }
}

/** addMargins over all trees with the wasm kernel; false when wasm is unavailable (caller falls back). */
export function wasmAddMargins(
  p: PackedForest,
  data: Float32Array,
  rows: number,
  cols: number,
  out: Float64Array,
): boolean {
  if (rows < WASM_PREDICT_MIN_ROWS) return false;
  const w = predictor(p, cols);
  if (!w) return false;
  predictRange(w, 0, data, out, 0, rows);
  return true;
}

/** Rows × trees below which a second thread does not pay for its start (about 30 ms built). */
export const PARALLEL_PREDICT_MIN_WORK = 10_000_000;
/** The same with idle workers at hand (a fit's threads, handed back): only the message round trip. */
export const PARALLEL_PREDICT_MIN_WORK_IDLE = 1_000_000;
/** Fewest rows a thread gets. */
const MIN_ROWS_PER_THREAD = 2048;

/**
 * wasmAddMargins on `threads` threads (this one and threads − 1 short-lived workers, each over its
 * own share of the rows): identical margins, as each row's sum is computed the same way. Resolves
 * false when wasm is unavailable; runs on this thread alone for small batches.
 */
export async function wasmAddMarginsParallel(
  p: PackedForest,
  data: Float32Array,
  rows: number,
  cols: number,
  out: Float64Array,
  threads: number,
  minWork = PARALLEL_PREDICT_MIN_WORK,
): Promise<boolean> {
  const T = Math.max(1, Math.min(threads, Math.floor(rows / MIN_ROWS_PER_THREAD)));
  const idle = prestartedGbdtWorkers() >= T - 1;
  const enough =
    rows * p.roots.length >= (idle ? Math.min(minWork, PARALLEL_PREDICT_MIN_WORK_IDLE) : minWork);
  if (T === 1 || !enough) return wasmAddMargins(p, data, rows, cols, out);
  const w = makePredictor(p, cols, T);
  if (!w) return false;
  const shared = (a: Float32Array | Float64Array) => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const copy =
      a instanceof Float32Array
        ? new Float32Array(new SharedArrayBuffer(a.byteLength))
        : new Float64Array(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    return copy;
  };
  const X = shared(data) as Float32Array;
  const margins = shared(out) as Float64Array;
  const share = (t: number): [number, number] => [
    Math.floor((rows * t) / T),
    Math.floor((rows * (t + 1)) / T),
  ];
  const layout: PredictLayout = {
    rootsAt: w.rootsAt,
    depthsAt: w.depthsAt,
    trees: w.trees,
    cols,
    dataAt: w.dataAt,
    outAt: w.outAt,
  };
  const workers = Array.from({ length: T - 1 }, (_, i) => {
    const [r0, r1] = share(i + 1);
    const worker = startGbdtWorker({
      predict: { memory: w.memory, layout, region: i + 1, X, out: margins, r0, r1 },
    });
    return new Promise<void>((resolve, reject) => {
      worker.once('message', () => {
        releaseGbdtWorker(worker);
        resolve();
      });
      worker.once('error', (e) => {
        void worker.terminate();
        reject(e);
      });
      worker.once('exit', (code) => reject(new Error(`GBDT prediction worker exited with code ${code}`)));
    });
  });
  const [r0, r1] = share(0);
  predictRange(w, 0, X, margins, r0, r1);
  await Promise.all(workers);
  if (margins !== out) out.set(margins);
  return true;
}
