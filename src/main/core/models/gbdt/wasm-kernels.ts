/**
 * Loads the AssemblyScript kernels (assembly/build/kernels.wasm) over a board's shared memory. When
 * the file is absent (or wasm is disabled) the pure-TS kernels run instead; both give identical models.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type WasmMemory, wasmApi } from './wasm-api';

export interface WasmKernels {
  histogram(
    hist: number,
    idx: number,
    a: number,
    z: number,
    bins: number,
    F: number,
    offsets: number,
    gpair: number,
    scratch: number,
    wide: number,
  ): void;
  partition(
    idx: number,
    s: number,
    e: number,
    col: number,
    lut: number,
    left: number,
    right: number,
    r0: number,
  ): number;
  update(
    s: number,
    e: number,
    margin: number,
    delta: number,
    y: number,
    gpair: number,
    posWeight: number,
    scale: number,
    inv: number,
  ): void;
  /** split.ts findBestSplit in wasm; writes [gain, feature, bin, default left, gl, hl] to `out`, returns 1 if found. */
  bestSplit(
    hist: number,
    offsets: number,
    features: number,
    nf: number,
    g: number,
    h: number,
    lambda: number,
    alpha: number,
    gamma: number,
    mcw: number,
    out: number,
  ): number;
  /** binning.ts binRows for n rows copied to `src` that are rows r0.. of the board. */
  binBlock(
    src: number,
    n: number,
    cols: number,
    padded: number,
    count: number,
    rowMajor: number,
    colMajor: number,
    rows: number,
    r0: number,
    wide: number,
    offsets: number,
  ): void;
  /** One feature's cut points from m sampled values at `col` (binning.ts featureCuts); returns the count written to `out`. */
  cutPoints(col: number, m: number, valueBins: number, tmp: number, out: number): number;
  /** delta[idx[p]] = v for positions p in [a, z). */
  fillLeaf(delta: number, idx: number, a: number, z: number, v: number): void;
  /** delta[row] = vL or vR for rows idx[a..z) of an unpartitioned split (see the AssemblyScript source). */
  fillSplit(
    delta: number,
    idx: number,
    a: number,
    z: number,
    col: number,
    bin: number,
    defaultLeft: number,
    vL: number,
    vR: number,
  ): void;
  /** idx[r] = r for r in [a, z). */
  iota(idx: number, a: number, z: number): void;
  /** dst += src over `pairs` float64 pairs (byte offsets). */
  addPairs(dst: number, src: number, pairs: number): void;
  /** dst -= src over `pairs` float64 pairs. */
  subPairs(dst: number, src: number, pairs: number): void;
  /** Reads a board's context block (board.ts OPS_CONTEXT) for thread `t`'s ops. */
  opsInit(ctx: number, t: number): void;
  /**
   * This thread's share of OP_ROOT, OP_LEVEL, OP_LEAVES or OP_UPDATE (kernels.ts runOp in wasm): 0
   * done, 1 another thread failed, 2 a barrier timed out, -1 an op the TS code runs.
   */
  runOp(op: number): number;
  /** Sets up the tree growth of one fit on thread 0 (board.ts growLayout's region; see the AssemblyScript source). */
  growInit(
    region: number,
    nodeCap: number,
    slots: number,
    cuts: number,
    lambda: number,
    alpha: number,
    mcw: number,
    rate: number,
    maxDepth: number,
    maxLeaves: number,
  ): void;
  /** grow.ts TreeGrower.grow in wasm: the tree's node count, or a negative failure code. */
  growTree(): number;
  predict(
    roots: number,
    depths: number,
    trees: number,
    data: number,
    rows: number,
    cols: number,
    out: number,
  ): void;
}

export type KernelChoice = 'auto' | 'ts';

let choice: KernelChoice = 'auto';
let bytes: Uint8Array | null | undefined;
let compiled: object | null = null;

/** 'ts' forces the pure-TypeScript kernels (for tests and comparisons); 'auto' uses wasm when present. */
export function setGbdtKernels(c: KernelChoice): void {
  choice = c;
}

export function gbdtKernelChoice(): KernelChoice {
  return choice;
}

function wasmUrls(): URL[] {
  return [
    new URL('./assembly/build/kernels.wasm', import.meta.url),
    new URL('./gbdt-kernels.wasm', import.meta.url),
    new URL('../gbdt-kernels.wasm', import.meta.url),
  ];
}

function wasmBytes(): Uint8Array | null {
  if (bytes !== undefined) return bytes;
  bytes = null;
  for (const url of wasmUrls()) {
    try {
      bytes = new Uint8Array(readFileSync(fileURLToPath(url)));
      break;
    } catch {
      // try the next location
    }
  }
  return bytes;
}

/** True when the compiled kernels can be loaded in this process (and wasm is not switched off). */
export function wasmKernelsAvailable(): boolean {
  return choice === 'auto' && wasmBytes() !== null;
}

/** Instantiates the kernels on `memory`, or returns null (file absent, or no wasm SIMD/threads). */
export function loadWasmKernels(memory: WasmMemory): WasmKernels | null {
  const b = wasmBytes();
  if (!b) return null;
  try {
    compiled ??= new wasmApi.Module(b);
    // the ops' barriers block and wake through JS Atomics, as the JS threads do: with wasm's own
    // memory.atomic.wait/notify a thread blocked at a barrier was not woken (Node 20). A board's
    // memory never grows, so this view stays whole.
    const words = new Int32Array(memory.buffer);
    const env = {
      memory,
      now: () => performance.now(),
      wait: (addr: number, old: number, ms: number) => Atomics.wait(words, addr >> 2, old, ms),
      notify: (addr: number) => Atomics.notify(words, addr >> 2),
    };
    const inst = new wasmApi.Instance(compiled, { env });
    return inst.exports as unknown as WasmKernels;
  } catch {
    return null;
  }
}
