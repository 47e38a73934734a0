/**
 * The training state shared by the coordinating thread and the workers: typed-array views over
 * (Shared)ArrayBuffers plus a small control block. The coordinator writes a batch description, runs
 * an op on every thread, and each thread does its share (see kernels.ts).
 */
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
}

/** Rows per loss partial sum; fixed so the summation order does not depend on the thread count. */
export const LOSS_CHUNK = 1 << 16;

export const CTRL_SEQ = 0;
export const CTRL_OP = 1;
export const CTRL_DONE = 2;
export const CTRL_NODES = 3;
export const CTRL_TASKS = 4;
export const CTRL_LEAVES = 5;
export const CTRL_ERROR = 6;
const CTRL_LEN = 8;

export const OP_PARTITION = 1;
export const OP_PARTITION_COPY = 2;
export const OP_HISTOGRAM = 3;
export const OP_REDUCE = 4;
export const OP_UPDATE = 5;
export const OP_SAMPLE = 6;
export const OP_EXIT = 7;

type Buf = ArrayBuffer | SharedArrayBuffer;

export type BoardBuffers = Record<string, Buf>;

function layout(s: BoardSpec): Record<string, number> {
  const n = s.rows;
  const T = s.threads;
  return {
    binsRow: n * s.cols,
    binsCol: n * s.cols,
    offsets: 4 * (s.cols + 1),
    grad: 8 * n,
    hess: 8 * n,
    gradS: s.subsampled ? 8 * n : 0,
    hessS: s.subsampled ? 8 * n : 0,
    mask: s.subsampled ? n : 0,
    margin: 8 * n,
    y: n,
    idx: 4 * n,
    tmpL: T > 1 ? 4 * n : 0,
    tmpR: 4 * n,
    hist: 8 * s.slots * s.histLen,
    priv: 8 * (T - 1) * 2 * s.maxBatch * s.histLen,
    nodeStart: 4 * s.maxBatch,
    nodeEnd: 4 * s.maxBatch,
    nodeFeature: 4 * s.maxBatch,
    lut: 256 * s.maxBatch,
    cntL: 4 * s.maxBatch * T,
    taskStart: 8 * s.maxBatch,
    taskEnd: 8 * s.maxBatch,
    taskSlot: 8 * s.maxBatch,
    taskSib: 8 * s.maxBatch,
    leafStart: 4 * s.maxLeaves,
    leafEnd: 4 * s.maxLeaves,
    leafValue: 8 * s.maxLeaves,
    lossPart: 8 * Math.max(1, Math.ceil(n / LOSS_CHUNK)),
    fparams: 8 * 4,
    ctrl: 4 * CTRL_LEN,
  };
}

export function allocateBuffers(spec: BoardSpec): BoardBuffers {
  const shared = spec.threads > 1;
  const out: BoardBuffers = {};
  for (const [name, bytes] of Object.entries(layout(spec))) {
    out[name] = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }
  return out;
}

export class Board {
  readonly binsRow: Uint8Array;
  readonly binsCol: Uint8Array;
  readonly offsets: Int32Array;
  readonly grad: Float64Array;
  readonly hess: Float64Array;
  /** Gradients the histograms read: the subsampled copies, or grad/hess themselves. */
  readonly gradS: Float64Array;
  readonly hessS: Float64Array;
  readonly mask: Uint8Array;
  readonly margin: Float64Array;
  readonly y: Uint8Array;
  readonly idx: Uint32Array;
  readonly tmpL: Uint32Array;
  readonly tmpR: Uint32Array;
  readonly hist: Float64Array;
  readonly priv: Float64Array;
  readonly nodeStart: Int32Array;
  readonly nodeEnd: Int32Array;
  readonly nodeFeature: Int32Array;
  readonly lut: Uint8Array;
  readonly cntL: Int32Array;
  readonly taskStart: Int32Array;
  readonly taskEnd: Int32Array;
  readonly taskSlot: Int32Array;
  readonly taskSib: Int32Array;
  readonly leafStart: Int32Array;
  readonly leafEnd: Int32Array;
  readonly leafValue: Float64Array;
  readonly lossPart: Float64Array;
  /** [scale_pos_weight, gradient quantisation scale, 1 = compute the training loss]. */
  readonly fparams: Float64Array;
  readonly ctrl: Int32Array;

  constructor(
    readonly spec: BoardSpec,
    readonly buffers: BoardBuffers,
  ) {
    const b = buffers;
    this.binsRow = new Uint8Array(b.binsRow);
    this.binsCol = new Uint8Array(b.binsCol);
    this.offsets = new Int32Array(b.offsets);
    this.grad = new Float64Array(b.grad);
    this.hess = new Float64Array(b.hess);
    this.gradS = spec.subsampled ? new Float64Array(b.gradS) : this.grad;
    this.hessS = spec.subsampled ? new Float64Array(b.hessS) : this.hess;
    this.mask = new Uint8Array(b.mask);
    this.margin = new Float64Array(b.margin);
    this.y = new Uint8Array(b.y);
    this.idx = new Uint32Array(b.idx);
    this.tmpL = new Uint32Array(b.tmpL);
    this.tmpR = new Uint32Array(b.tmpR);
    this.hist = new Float64Array(b.hist);
    this.priv = new Float64Array(b.priv);
    this.nodeStart = new Int32Array(b.nodeStart);
    this.nodeEnd = new Int32Array(b.nodeEnd);
    this.nodeFeature = new Int32Array(b.nodeFeature);
    this.lut = new Uint8Array(b.lut);
    this.cntL = new Int32Array(b.cntL);
    this.taskStart = new Int32Array(b.taskStart);
    this.taskEnd = new Int32Array(b.taskEnd);
    this.taskSlot = new Int32Array(b.taskSlot);
    this.taskSib = new Int32Array(b.taskSib);
    this.leafStart = new Int32Array(b.leafStart);
    this.leafEnd = new Int32Array(b.leafEnd);
    this.leafValue = new Float64Array(b.leafValue);
    this.lossPart = new Float64Array(b.lossPart);
    this.fparams = new Float64Array(b.fparams);
    this.ctrl = new Int32Array(b.ctrl);
  }
}

/** Thread t's share [lo, hi) of the range [start, end) split into `threads` near-equal parts. */
export function chunkOf(start: number, end: number, t: number, threads: number): [number, number] {
  const len = end - start;
  return [start + Math.floor((len * t) / threads), start + Math.floor((len * (t + 1)) / threads)];
}
