/**
 * GBDT training worker (thread t > 0). Entry file for the build: src/main/core/models/gbdt/worker.ts
 * (emitted as gbdt-worker.js). Blocks on the board's sequence counter and runs each published op.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WasmMemory } from './wasm-api';
import {
  Board,
  type BoardSpec,
  CTRL_DONE,
  CTRL_ERROR,
  CTRL_OP,
  CTRL_SEQ,
  OP_EXIT,
  waitForChange,
} from './board';
import { runOp } from './kernels';

const { spec, memory, thread, X } = workerData as {
  spec: BoardSpec;
  memory: WasmMemory;
  thread: number;
  X?: Float32Array;
};
const board = new Board(spec, memory);
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
    Atomics.store(ctrl, CTRL_ERROR, 1);
    console.error(e);
  }
  Atomics.add(ctrl, CTRL_DONE, 1);
  Atomics.notify(ctrl, CTRL_DONE);
}
parentPort?.close();
