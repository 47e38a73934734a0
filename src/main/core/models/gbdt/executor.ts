import {
  type Board,
  CTRL_BAR,
  CTRL_DONE,
  CTRL_ERROR,
  CTRL_OP,
  CTRL_SEQ,
  CTRL_TASK,
  OP_EXIT,
  reportFailure,
  waitForChange,
} from './board';
import { runOp } from './kernels';
import { acquireGbdtWorker, clearWorkerListeners, releaseGbdtWorker } from './spawn';
import type { Worker } from 'node:worker_threads';

/** Runs an op on every thread of the board and returns when all are done. */
export interface Executor {
  readonly board: Board;
  run(op: number): void;
  close(): Promise<void>;
}

export class LocalExecutor implements Executor {
  constructor(readonly board: Board) {}
  run(op: number): void {
    runOp(this.board, op, 0);
  }
  async close(): Promise<void> {}
}

/**
 * The calling thread is thread 0; threads 1..T-1 are workers blocked in Atomics.wait on the sequence
 * counter. An op is published by bumping the counter; each worker bumps DONE when finished.
 */
export class ThreadPoolExecutor implements Executor {
  private constructor(
    readonly board: Board,
    private readonly workers: Worker[],
  ) {}

  /**
   * `X`: the training matrix over shared memory, for threads to bin their rows (OP_BIN). `acquired`:
   * workers already taken for this fit (see acquireGbdtWorker); missing ones are started here.
   */
  static async start(board: Board, X?: Float32Array, acquired: Worker[] = []): Promise<ThreadPoolExecutor> {
    const workers: Worker[] = [];
    const ready: Promise<void>[] = [];
    for (let t = 1; t < board.spec.threads; t++) {
      const w = acquired[t - 1] ?? acquireGbdtWorker();
      w.postMessage({ spec: board.spec, memory: board.memory, thread: t, X });
      workers.push(w);
      ready.push(
        new Promise<void>((resolve, reject) => {
          w.once('message', () => resolve());
          w.once('error', reject);
          w.once('exit', (code) => reject(new Error(`GBDT worker exited early with code ${code}`)));
        }),
      );
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
    for (const w of workers) clearWorkerListeners(w);
    return new ThreadPoolExecutor(board, workers);
  }

  run(op: number): void {
    const ctrl = this.board.ctrl;
    const others = this.workers.length;
    ctrl[CTRL_OP] = op;
    Atomics.store(ctrl, CTRL_DONE, 0);
    Atomics.store(ctrl, CTRL_BAR, 0);
    Atomics.store(ctrl, CTRL_TASK, 0);
    Atomics.add(ctrl, CTRL_SEQ, 1);
    Atomics.notify(ctrl, CTRL_SEQ);
    let error: unknown = null;
    try {
      runOp(this.board, op, 0);
    } catch (e) {
      error = e;
      reportFailure(ctrl);
    }
    for (;;) {
      const done = Atomics.load(ctrl, CTRL_DONE);
      if (done >= others) break;
      if (!waitForChange(ctrl, CTRL_DONE, done, 30_000)) {
        throw new Error('GBDT worker did not answer within 30 s');
      }
    }
    if (error) throw error;
    if (Atomics.load(ctrl, CTRL_ERROR) !== 0) throw new Error('A GBDT worker failed (see its stderr)');
  }

  /** Ends the op loop; workers that answer 'free' go back to the idle pool, others are ended. */
  async close(): Promise<void> {
    const ctrl = this.board.ctrl;
    ctrl[CTRL_OP] = OP_EXIT;
    Atomics.add(ctrl, CTRL_SEQ, 1);
    Atomics.notify(ctrl, CTRL_SEQ);
    await Promise.all(
      this.workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => void w.terminate().then(() => resolve()), 5_000);
            const onMessage = (m: unknown): void => {
              if (m !== 'free') return;
              clearTimeout(timer);
              w.off('exit', onExit);
              releaseGbdtWorker(w);
              resolve();
            };
            const onExit = (): void => {
              clearTimeout(timer);
              resolve();
            };
            w.on('message', onMessage);
            w.once('exit', onExit);
          }),
      ),
    );
  }
}
