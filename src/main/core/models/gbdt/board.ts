/**
 * The training state shared by the coordinating thread and the workers: typed-array views over
 * (Shared)ArrayBuffers plus a small control block. The coordinator writes a batch description, runs
 * an op on every thread, and each thread does its share (see kernels.ts).
 */
import { binRows } from './binning';
import { type WasmMemory, WASM_RESERVED, wasmApi } from './wasm-api';
import { loadWasmKernels, type WasmKernels } from './wasm-kernels';

export interface BoardSpec {
  rows: number;
  cols: number;
  threads: number;
  /** Float64 entries of one histogram: 2 × total bins (gradient, hessian interleaved). */
  histLen: number;
  /** Histogram slots held by the coordinator. */
  slots: number;
  /** Most nodes partitioned in one op; up to 2 × maxBatch histogram tasks. */
  maxBatch: number;
  /** Most leaves of one tree. */
  maxLeaves: number;
  subsampled: boolean;
  /** Run the wasm kernels (every thread loads them over the shared memory). */
  wasm: boolean;
}

export const CTRL_SEQ = 0;
export const CTRL_OP = 1;
export const CTRL_DONE = 2;
export const CTRL_NODES = 3;
/** Histogram slot of the root (OP_ROOT). */
export const CTRL_ROOT_SLOT = 4;
export const CTRL_LEAVES = 5;
export const CTRL_ERROR = 6;
/** Children whose best split OP_LEVEL finds, and the number of allowed features. */
export const CTRL_EVALS = 7;
export const CTRL_FEATURES = 8;
/** Arrivals at the barriers inside one op (reset to 0 before each op is published). */
export const CTRL_BAR = 9;
/** Tasks taken from the running op's shared task list (the wasm child histograms; reset with CTRL_BAR). */
export const CTRL_TASK = 10;
const CTRL_LEN = 11;

/** Root histogram over all rows (each thread its share, then summed), its sums and its best split. */
export const OP_ROOT = 3;
/** Margins and gradients of the first round (margin 0, delta 0). */
export const OP_UPDATE = 5;
export const OP_SAMPLE = 6;
export const OP_EXIT = 7;
/**
 * One level of a tree (a batch of nodes): partition each node's rows, build the histogram of the
 * child with fewer rows, sum the threads' shares, derive the sibling as parent minus child, and
 * find the best split of every child that may split. Barriers inside separate the phases.
 */
export const OP_LEVEL = 8;
/** The grown tree's leaf values into `delta`, then the margins and gradients (OP_UPDATE), idx reset. */
export const OP_LEAVES = 10;
/** Bin this thread's share of the rows of `X` (shared memory) with the padded cuts. */
export const OP_BIN = 13;

const PAGE = 65536;

function sizes(s: BoardSpec): [string, number][] {
  const n = s.rows;
  const T = s.threads;
  return [
    ['binsRow', n * s.cols],
    ['binsCol', n * s.cols],
    ['binsWide', wideBins(s) ? 2 * n * s.cols : 0],
    ['offsets', 4 * (s.cols + 1)],
    ['gpair', 16 * n],
    ['gpairS', s.subsampled ? 16 * n : 0],
    ['mask', s.subsampled ? n : 0],
    ['margin', 8 * n],
    ['delta', 8 * n],
    ['y', n],
    ['idx', 4 * n],
    ['tmpL', T > 1 ? 4 * n : 0],
    ['tmpR', 4 * n],
    ['hist', 8 * s.slots * s.histLen],
    ['priv', 8 * (T - 1) * 2 * s.maxBatch * s.histLen],
    ['nodeStart', 4 * s.maxBatch],
    ['nodeEnd', 4 * s.maxBatch],
    ['nodeFeature', 4 * s.maxBatch],
    ['nodeMode', 4 * s.maxBatch],
    ['nodeSlotA', 4 * s.maxBatch],
    ['nodeSlotB', 4 * s.maxBatch],
    ['nodeParent', 4 * s.maxBatch],
    ['lut', 256 * s.maxBatch],
    ['cntL', 4 * s.maxBatch * T],
    ['leafStart', 4 * s.maxLeaves],
    ['leafEnd', 4 * s.maxLeaves],
    ['leafValue', 8 * s.maxLeaves],
    ['leafFeature', 4 * s.maxLeaves],
    ['leafBin', 4 * s.maxLeaves],
    ['leafDefaultLeft', 4 * s.maxLeaves],
    ['leafValueR', 8 * s.maxLeaves],
    ['fparams', 8 * 8],
    ['features', 4 * s.cols],
    ['evalFrom', 4 * 2 * s.maxBatch],
    ['evalG', 8 * 2 * s.maxBatch],
    ['evalH', 8 * 2 * s.maxBatch],
    ['bestFeature', 4 * 2 * s.maxBatch],
    ['bestBin', 4 * 2 * s.maxBatch],
    ['bestDefaultLeft', 4 * 2 * s.maxBatch],
    ['bestGain', 8 * 2 * s.maxBatch],
    ['bestGL', 8 * 2 * s.maxBatch],
    ['bestHL', 8 * 2 * s.maxBatch],
    ['evalOut', 8 * 8 * T],
    ['ctrl', 4 * CTRL_LEN],
    ['ctx', 4 * OPS_CONTEXT.length],
    ['plan', T * planStride(s)],
    ['grow', growLayout(s).bytes],
    ['scratch', T * scratchBytes(s.cols)],
    ['binBuf', s.wasm ? T * BIN_BLOCK_ROWS * 4 * s.cols : 0],
    ['cutsPadded', 4 * 256 * s.cols],
    ['cutCount', 4 * s.cols],
  ];
}

/**
 * The context block the wasm ops read at opsInit (assembly/kernels.ts, in this order): the sizes,
 * then the byte offsets of the arrays (binsWide 0 when absent, gpairS the array the histograms read),
 * the scratch stride and the per-thread plan stride.
 */
const OPS_CONTEXT = [
  'rows',
  'cols',
  'threads',
  'histLen',
  'maxBatch',
  'binsRow',
  'binsCol',
  'binsWide',
  'offsets',
  'gpairS',
  'gpair',
  'margin',
  'delta',
  'y',
  'idx',
  'tmpL',
  'tmpR',
  'hist',
  'priv',
  'nodeStart',
  'nodeEnd',
  'nodeFeature',
  'nodeMode',
  'nodeSlotA',
  'nodeSlotB',
  'nodeParent',
  'lut',
  'cntL',
  'leafStart',
  'leafEnd',
  'leafValue',
  'leafFeature',
  'leafBin',
  'leafDefaultLeft',
  'leafValueR',
  'fparams',
  'features',
  'evalFrom',
  'evalG',
  'evalH',
  'bestFeature',
  'bestBin',
  'bestDefaultLeft',
  'bestGain',
  'bestGL',
  'bestHL',
  'evalOut',
  'ctrl',
  'scratch',
  'scratchStride',
  'plan',
  'planStride',
] as const;

/**
 * Bytes of one thread's plan of a level, in this order (the wasm ops use the same layout): planSize
 * (2 · maxBatch float64), planLoad (threads float64), then the int32 arrays planBuildL, planBuildR,
 * planSib, childSlotL, childSlotR (maxBatch each), evalSlot and planOwner (2 · maxBatch each).
 */
function planStride(s: BoardSpec): number {
  const bytes = 16 * s.maxBatch + 8 * s.threads + 4 * 5 * s.maxBatch + 4 * 4 * s.maxBatch;
  return Math.ceil(bytes / ARRAY_ALIGN) * ARRAY_ALIGN;
}

/** Trees of up to this many leaves grow in wasm (assembly/kernels.ts growTree); larger ones in TS. */
const WASM_GROW_MAX_LEAVES = 1 << 16;

/**
 * The wasm tree growth's region (assembly/kernels.ts growInit lays it out the same way) for trees of
 * up to `nodes` nodes: the offsets of the node arrays the coordinator reads back, and its size (0
 * without wasm kernels or for very large trees, which grow in TS).
 */
export function growLayout(s: BoardSpec): {
  nodes: number;
  bytes: number;
  gain: number;
  cover: number;
  threshold: number;
  weight: number;
  value: number;
  feature: number;
  bin: number;
  defaultLeft: number;
  left: number;
} {
  const N = 2 * s.maxLeaves;
  const B = s.maxBatch;
  const used = s.wasm && s.maxLeaves <= WASM_GROW_MAX_LEAVES;
  return {
    nodes: N,
    bytes: used ? 128 * N + 144 * B + 4 * s.slots : 0,
    gain: 0,
    cover: 8 * N,
    threshold: 56 * N + 72 * B,
    weight: 60 * N + 72 * B,
    value: 64 * N + 72 * B,
    feature: 68 * N + 72 * B,
    bin: 72 * N + 72 * B,
    defaultLeft: 76 * N + 72 * B,
    left: 80 * N + 72 * B,
  };
}

/** Rows binned per wasm call: the training matrix is outside the board's memory, so blocks are copied in. */
const BIN_BLOCK_ROWS = 256;

/** Whether the board keeps u16 global bin indexes: wasm kernels, and every index below 65536. */
function wideBins(s: BoardSpec): boolean {
  return s.wasm && s.histLen / 2 <= 65535;
}

/** Per-thread scratch of the wasm histogram kernel: 64 gathered rows of bins (16-byte padded) and their pairs. */
export function scratchBytes(cols: number): number {
  return 64 * (Math.ceil(cols / 16) * 16 + 16);
}

/**
 * Bytes between arrays: two cache lines, so no array shares a line (or the adjacent-line prefetch
 * pair) with another. Threads spin on the control block while others write their arrays; sharing a
 * line with, say, a thread's histogram scratch would make every write there stall the spinner.
 */
const ARRAY_ALIGN = 128;

/** Byte offset of every array in the board's single memory (ARRAY_ALIGN-aligned), and the total size. */
export function boardLayout(spec: BoardSpec): { offsets: Record<string, number>; bytes: number } {
  const offsets: Record<string, number> = {};
  let at = WASM_RESERVED;
  for (const [name, bytes] of sizes(spec)) {
    offsets[name] = at;
    at += Math.ceil(bytes / ARRAY_ALIGN) * ARRAY_ALIGN;
  }
  return { offsets, bytes: at };
}

/**
 * One shared WebAssembly.Memory holds the whole board, so wasm kernels and every thread see the same
 * arrays (typed-array views over memory.buffer, a SharedArrayBuffer).
 */
export function allocateMemory(spec: BoardSpec): WasmMemory {
  const pages = Math.ceil(boardLayout(spec).bytes / PAGE);
  if (pages > 65536) throw new RangeError('GBDT: training data too large for a 4 GB wasm memory');
  return new wasmApi.Memory({ initial: pages, maximum: pages, shared: true });
}

export class Board {
  readonly binsRow: Uint8Array;
  readonly binsCol: Uint8Array;
  /** Row-major global bin indexes (offsets added), u16, for the wasm kernel's dense passes; empty for TS. */
  readonly binsWide: Uint16Array;
  readonly offsets: Int32Array;
  /** Gradient and hessian per row, interleaved. */
  readonly gpair: Float64Array;
  /** Pairs the histograms read: the subsampled copy, or gpair itself. */
  readonly gpairS: Float64Array;
  readonly mask: Uint8Array;
  readonly margin: Float64Array;
  /** Value of the last tree's leaf for each row. */
  readonly delta: Float64Array;
  readonly y: Uint8Array;
  readonly idx: Uint32Array;
  readonly tmpL: Uint32Array;
  readonly tmpR: Uint32Array;
  readonly hist: Float64Array;
  readonly priv: Float64Array;
  readonly nodeStart: Int32Array;
  readonly nodeEnd: Int32Array;
  readonly nodeFeature: Int32Array;
  /**
   * Which children of batch node i may split (bit 0 left, bit 1 right); slot A receives the built
   * child (the one with fewer rows when both may split), slot B the right child when both may split
   * and the parent's histogram was released, else -1; the parent's slot when both may split, else -1.
   */
  readonly nodeMode: Int32Array;
  readonly nodeSlotA: Int32Array;
  readonly nodeSlotB: Int32Array;
  readonly nodeParent: Int32Array;
  readonly lut: Uint8Array;
  readonly cntL: Int32Array;
  readonly leafStart: Int32Array;
  readonly leafEnd: Int32Array;
  readonly leafValue: Float64Array;
  /**
   * -1 for a leaf; else the segment is a split whose rows were not partitioned: its feature, bin and
   * default direction, leafValue the left leaf's value and leafValueR the right one's.
   */
  readonly leafFeature: Int32Array;
  readonly leafBin: Int32Array;
  readonly leafDefaultLeft: Int32Array;
  readonly leafValueR: Float64Array;
  /** [scale_pos_weight, gradient quantisation scale, lambda, alpha, gamma, min_child_weight]. */
  readonly fparams: Float64Array;
  /** Features a split may use in this tree (CTRL_FEATURES of them). */
  readonly features: Int32Array;
  /** OP_LEVEL's children to evaluate: 2 · batch node + side (0 left, 1 right), with their sums. */
  readonly evalFrom: Int32Array;
  readonly evalG: Float64Array;
  readonly evalH: Float64Array;
  /** OP_EVAL's answer per node: feature (-1 = no split), bin, default left (0/1), gain, left sums. */
  readonly bestFeature: Int32Array;
  readonly bestBin: Int32Array;
  readonly bestDefaultLeft: Int32Array;
  readonly bestGain: Float64Array;
  readonly bestGL: Float64Array;
  readonly bestHL: Float64Array;
  /** Per-thread answer of the wasm split search (8 float64 each). */
  readonly evalOut: Float64Array;
  readonly ctrl: Int32Array;
  /** Byte offset of each array in the memory (for wasm kernels). */
  readonly ptr: Record<string, number>;
  /** The wasm kernels over this memory, or null for the TS kernels. */
  readonly wasm: WasmKernels | null;
  /** Cuts padded to 256 per feature, and the real counts (see binning.ts padCuts). */
  readonly cutsPadded: Float32Array;
  readonly cutCount: Int32Array;
  /** The training matrix over shared memory while the threads bin it (OP_BIN), else null. */
  X: Float32Array | null = null;
  /**
   * This thread's plan of the current level (each thread has its own, in the memory where its wasm
   * ops write it, and derives the same plan from the partition counts): the slot each child's
   * histogram is built into (-1 = none), the parent slot turned into the sibling by subtraction, and
   * each child's slot after the level.
   */
  readonly planBuildL: Int32Array;
  readonly planBuildR: Int32Array;
  readonly planSib: Int32Array;
  readonly childSlotL: Int32Array;
  readonly childSlotR: Int32Array;
  /** Slot of each child OP_LEVEL evaluates (this thread's copy). */
  readonly evalSlot: Int32Array;
  /** Who builds child 2i + side: -1 all threads, else that thread; and the planner's scratch. */
  readonly planOwner: Int32Array;
  readonly planSize: Float64Array;
  readonly planLoad: Float64Array;

  /** `thread`: the thread this board's copy belongs to (its plan, and the wasm ops' share). */
  constructor(
    readonly spec: BoardSpec,
    readonly memory: WasmMemory,
    readonly thread = 0,
  ) {
    const { offsets } = boardLayout(spec);
    this.ptr = { ...offsets, gpairS: spec.subsampled ? offsets.gpairS : offsets.gpair };
    this.wasm = spec.wasm ? loadWasmKernels(memory) : null;
    if (spec.wasm && !this.wasm) throw new Error('GBDT: wasm kernels requested but not loadable');
    const buf = memory.buffer;
    const n = spec.rows;
    const T = spec.threads;
    const u8 = (name: string, len: number): Uint8Array => new Uint8Array(buf, offsets[name], len);
    const i32 = (name: string, len: number): Int32Array => new Int32Array(buf, offsets[name], len);
    const f64 = (name: string, len: number): Float64Array => new Float64Array(buf, offsets[name], len);
    this.binsRow = u8('binsRow', n * spec.cols);
    this.binsCol = u8('binsCol', n * spec.cols);
    this.binsWide = new Uint16Array(buf, offsets.binsWide, wideBins(spec) ? n * spec.cols : 0);
    this.offsets = i32('offsets', spec.cols + 1);
    this.gpair = f64('gpair', 2 * n);
    this.gpairS = spec.subsampled ? f64('gpairS', 2 * n) : this.gpair;
    this.mask = u8('mask', spec.subsampled ? n : 0);
    this.margin = f64('margin', n);
    this.delta = f64('delta', n);
    this.y = u8('y', n);
    this.idx = new Uint32Array(buf, offsets.idx, n);
    this.tmpL = new Uint32Array(buf, offsets.tmpL, T > 1 ? n : 0);
    this.tmpR = new Uint32Array(buf, offsets.tmpR, n);
    this.hist = f64('hist', spec.slots * spec.histLen);
    this.priv = f64('priv', (T - 1) * 2 * spec.maxBatch * spec.histLen);
    this.nodeStart = i32('nodeStart', spec.maxBatch);
    this.nodeEnd = i32('nodeEnd', spec.maxBatch);
    this.nodeFeature = i32('nodeFeature', spec.maxBatch);
    this.nodeMode = i32('nodeMode', spec.maxBatch);
    this.nodeSlotA = i32('nodeSlotA', spec.maxBatch);
    this.nodeSlotB = i32('nodeSlotB', spec.maxBatch);
    this.nodeParent = i32('nodeParent', spec.maxBatch);
    this.lut = u8('lut', 256 * spec.maxBatch);
    this.cntL = i32('cntL', spec.maxBatch * T);
    this.leafStart = i32('leafStart', spec.maxLeaves);
    this.leafEnd = i32('leafEnd', spec.maxLeaves);
    this.leafValue = f64('leafValue', spec.maxLeaves);
    this.leafFeature = i32('leafFeature', spec.maxLeaves);
    this.leafBin = i32('leafBin', spec.maxLeaves);
    this.leafDefaultLeft = i32('leafDefaultLeft', spec.maxLeaves);
    this.leafValueR = f64('leafValueR', spec.maxLeaves);
    this.fparams = f64('fparams', 8);
    this.features = i32('features', spec.cols);
    const e = 2 * spec.maxBatch;
    this.evalFrom = i32('evalFrom', e);
    this.evalG = f64('evalG', e);
    this.evalH = f64('evalH', e);
    this.bestFeature = i32('bestFeature', e);
    this.bestBin = i32('bestBin', e);
    this.bestDefaultLeft = i32('bestDefaultLeft', e);
    this.bestGain = f64('bestGain', e);
    this.bestGL = f64('bestGL', e);
    this.bestHL = f64('bestHL', e);
    this.evalOut = f64('evalOut', 8 * T);
    this.ctrl = i32('ctrl', CTRL_LEN);
    this.cutsPadded = new Float32Array(buf, offsets.cutsPadded, 256 * spec.cols);
    this.cutCount = i32('cutCount', spec.cols);
    // this thread's plan (planStride's layout)
    let at = offsets.plan + thread * planStride(spec);
    const planF64 = (len: number): Float64Array => {
      const a = new Float64Array(buf, at, len);
      at += 8 * len;
      return a;
    };
    const planI32 = (len: number): Int32Array => {
      const a = new Int32Array(buf, at, len);
      at += 4 * len;
      return a;
    };
    this.planSize = planF64(e);
    this.planLoad = planF64(T);
    this.planBuildL = planI32(spec.maxBatch);
    this.planBuildR = planI32(spec.maxBatch);
    this.planSib = planI32(spec.maxBatch);
    this.childSlotL = planI32(spec.maxBatch);
    this.childSlotR = planI32(spec.maxBatch);
    this.evalSlot = planI32(e);
    this.planOwner = planI32(e);
    if (this.wasm) {
      const values: Record<string, number> = {
        ...this.ptr,
        rows: spec.rows,
        cols: spec.cols,
        threads: spec.threads,
        histLen: spec.histLen,
        maxBatch: spec.maxBatch,
        binsWide: this.binsWide.length > 0 ? offsets.binsWide : 0,
        scratchStride: scratchBytes(spec.cols),
        planStride: planStride(spec),
      };
      const ctx = new Int32Array(buf, offsets.ctx, OPS_CONTEXT.length);
      OPS_CONTEXT.forEach((name, i) => (ctx[i] = values[name]));
      this.wasm.opsInit(offsets.ctx, thread);
    }
  }

  /**
   * Bins rows r0..r1 of `data` (rows × cols float32) into every bin layout, with the padded cuts; `t`
   * is the calling thread (its block buffer for the wasm kernel).
   */
  binRows(data: Float32Array, r0: number, r1: number, t: number): void {
    const { rows, cols } = this.spec;
    if (!this.wasm) {
      binRows(data, rows, cols, this.cutsPadded, this.cutCount, this.binsRow, this.binsCol, r0, r1, {
        bins: this.binsWide,
        offsets: this.offsets,
      });
      return;
    }
    const p = this.ptr;
    const bufAt = p.binBuf + t * BIN_BLOCK_ROWS * 4 * cols;
    const buf = new Float32Array(this.memory.buffer, bufAt, BIN_BLOCK_ROWS * cols);
    for (let a = r0; a < r1; a += BIN_BLOCK_ROWS) {
      const n = Math.min(BIN_BLOCK_ROWS, r1 - a);
      buf.set(data.subarray(a * cols, (a + n) * cols));
      this.wasm.binBlock(
        bufAt,
        n,
        cols,
        p.cutsPadded,
        p.cutCount,
        p.binsRow,
        p.binsCol,
        rows,
        a,
        this.binsWide.length > 0 ? p.binsWide : 0,
        p.offsets,
      );
    }
  }
}

/**
 * Longest and shortest spin before blocking, in milliseconds. By time, not by a count of polls: V8
 * compiles the poll loop to much faster code after a while, and a count that spun 50 µs at first then
 * spun 5 µs, so threads blocked (and paid a wake-up) far more often once the code was optimised.
 */
const SPIN_MAX_MS = 0.1;
const SPIN_MIN_MS = 0.002;
/** Polls between two looks at the clock. */
const POLLS_PER_CHECK = 128;

/**
 * This thread's current spin: halved each time a spin ends without the change (the waited-for
 * thread is busy or, on a loaded machine, descheduled: spinning then only takes a core from it),
 * doubled back each time a spin sees the change.
 */
let spinMs = SPIN_MAX_MS;

/**
 * Waits until ctrl[i] differs from `old`: polls for a short while, then blocks in Atomics.wait. Ops
 * and barriers follow each other within microseconds while a tree grows, and waking a blocked thread
 * costs tens of microseconds, which at small data sizes cost more than a second thread saves. On a
 * busy machine the spin shrinks (see spinMs) so that the threads give their cores up quickly.
 * Returns only on a real change (true) or after `timeoutMs` (false): a wake-up is not a change. With
 * the spin, a thread can see the new value, finish the op and be waiting again before the
 * publisher's notify for that same op arrives (the publisher was descheduled between its add and its
 * notify); taking that wake-up as a new op ran the op twice.
 */
export function waitForChange(ctrl: Int32Array, i: number, old: number, timeoutMs: number): boolean {
  const spin = spinMs;
  const until = performance.now() + spin;
  do {
    for (let k = 0; k < POLLS_PER_CHECK; k++) {
      if (Atomics.load(ctrl, i) !== old) {
        if (spin < SPIN_MAX_MS) spinMs = Math.min(SPIN_MAX_MS, spin * 2);
        return true;
      }
    }
  } while (performance.now() < until);
  spinMs = Math.max(SPIN_MIN_MS, spin / 2);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (Atomics.load(ctrl, i) !== old) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    Atomics.wait(ctrl, i, old, left);
  }
}

/**
 * Barrier k (1, 2, …) inside an op: returns when all `threads` threads have arrived. Throws when a
 * thread reported an error (it will not arrive) or nobody arrives within 30 s.
 */
export function barrier(ctrl: Int32Array, threads: number, k: number): void {
  const target = k * threads;
  let seen = Atomics.add(ctrl, CTRL_BAR, 1) + 1;
  if (seen >= target) Atomics.notify(ctrl, CTRL_BAR);
  while (seen < target) {
    if (!waitForChange(ctrl, CTRL_BAR, seen, 30_000)) {
      throw new Error('GBDT: a thread did not reach a barrier within 30 s');
    }
    seen = Atomics.load(ctrl, CTRL_BAR);
  }
  if (Atomics.load(ctrl, CTRL_ERROR) !== 0) throw new Error('GBDT: another thread failed');
}

/** Marks the op as failed and wakes threads waiting at a barrier (they then throw). */
export function reportFailure(ctrl: Int32Array): void {
  Atomics.store(ctrl, CTRL_ERROR, 1);
  Atomics.add(ctrl, CTRL_BAR, 1 << 20);
  Atomics.notify(ctrl, CTRL_BAR);
}

/** Thread t's share [lo, hi) of the range [start, end) split into `threads` near-equal parts. */
export function chunkOf(start: number, end: number, t: number, threads: number): [number, number] {
  const len = end - start;
  return [start + Math.floor((len * t) / threads), start + Math.floor((len * (t + 1)) / threads)];
}
