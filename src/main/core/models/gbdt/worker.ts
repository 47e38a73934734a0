/**
 * GBDT worker. Entry file for the build: src/main/core/models/gbdt/worker.ts (emitted as
 * gbdt-worker.js). It takes jobs by message, one after the other, for as long as it lives: a `cuts`
 * request (its share of the features' cut points, answered by message), a training thread (t > 0:
 * blocks on the board's sequence counter and runs each published op until OP_EXIT, then answers
 * 'free'), or one share of a batch prediction (`predict`, answered 'done'). The pool's workers are
 * also lent for a data scan (`scan`: data/scan-thread.ts runScanJob, its messages posted as it goes)
 * while a training run reads its files, so that the run boots one thread less.
 */
import { parentPort } from 'node:worker_threads';
import type { WasmMemory } from './wasm-api';
import {
  Board,
  type BoardSpec,
  CTRL_DONE,
  CTRL_OP,
  CTRL_SEQ,
  OP_EXIT,
  reportFailure,
  waitForChange,
} from './board';
import { runOp } from './kernels';
import { featureCuts } from './binning';
import { type PredictLayout, predictRange } from './wasm-predict';
import { loadWasmKernels } from './wasm-kernels';
import type { ScanJob, ScanMessage } from '../../data/scan-thread';

/** A training or prediction job. */
interface Job {
  spec: BoardSpec;
  memory: WasmMemory;
  thread: number;
  X?: Float32Array;
  /** A prediction share instead of training (wasm-predict.ts wasmAddMarginsParallel). */
  predict?: {
    memory: WasmMemory;
    layout: PredictLayout;
    region: number;
    X: Float32Array;
    out: Float64Array;
    r0: number;
    r1: number;
  };
}

/** One share of a batch prediction: the rows' margins into the shared `out`, then 'done'. */
function predictShare(job: NonNullable<Job['predict']>): void {
  const kernels = loadWasmKernels(job.memory);
  if (!kernels) throw new Error('GBDT prediction worker: wasm kernels not loadable');
  predictRange(
    { kernels, buffer: job.memory.buffer, ...job.layout },
    job.region,
    job.X,
    job.out,
    job.r0,
    job.r1,
  );
  parentPort?.postMessage('done');
}

/** Training thread: runs each op the coordinator publishes on the board until OP_EXIT. */
function trainingThread(job: Job): void {
  const { spec, memory, thread, X } = job;
  const board = new Board(spec, memory, thread);
  board.X = X ?? null;
  const ctrl = board.ctrl;
  let seen = Atomics.load(ctrl, CTRL_SEQ);
  parentPort?.postMessage('ready');
  for (;;) {
    waitForChange(ctrl, CTRL_SEQ, seen, Infinity);
    seen = Atomics.load(ctrl, CTRL_SEQ);
    const op = ctrl[CTRL_OP];
    if (op === OP_EXIT) break;
    try {
      runOp(board, op, thread);
    } catch (e) {
      reportFailure(ctrl);
      console.error(e);
    }
    Atomics.add(ctrl, CTRL_DONE, 1);
    Atomics.notify(ctrl, CTRL_DONE);
  }
  // back to waiting for jobs: the caller may hand this thread to the next fit or prediction
  parentPort?.postMessage('free');
}

/** A share of the cut points (binning.ts featureCuts). */
export interface CutsRequest {
  cuts: {
    data: Float32Array;
    rows: number;
    cols: number;
    maxBin: number;
    seed: number;
    t: number;
    stride: number;
  };
}

/** A data scan (the lender waits for its last message before it sends anything else). */
interface ScanRequest {
  scan: ScanJob;
}

async function scanJob(job: ScanJob): Promise<void> {
  const { chunkBuffers, runScanJob } = await import('../../data/scan-thread');
  const post = (msg: ScanMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(msg, transfer);
  try {
    post(await runScanJob(job, (chunk) => post(chunk, chunkBuffers(chunk))));
  } catch (err) {
    post({ error: err instanceof Error ? err.message : String(err) });
  }
}

// jobs come one after the other; a training thread blocks this listener until its OP_EXIT
parentPort?.on('message', (msg: Job | CutsRequest | ScanRequest) => {
  if ('scan' in msg) {
    void scanJob(msg.scan);
  } else if ('cuts' in msg) {
    const c = msg.cuts;
    parentPort?.postMessage({ cuts: featureCuts(c.data, c.rows, c.cols, c.maxBin, c.seed, c.t, c.stride) });
  } else if (msg.predict) {
    predictShare(msg.predict);
  } else {
    trainingThread(msg);
  }
});
