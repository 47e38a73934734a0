import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../util/worker-url';

/** Name of the worker entry in the electron-vite build output. */
export const GBDT_WORKER_BUILD_NAME = 'gbdt-worker';

/** Workers started ahead of need (booted, waiting for their job); each takes one job. */
const prestarted: Worker[] = [];

/**
 * Starts `count` GBDT workers now so that a fit later in this process does not wait for them to boot
 * (about 30 ms each: a fresh isolate loading the kernels). Idle ones do not keep the process alive.
 */
export function prestartGbdtWorkers(count: number): void {
  while (prestarted.length < count) {
    const w = startWorker(import.meta.url, './worker', GBDT_WORKER_BUILD_NAME);
    w.unref();
    const drop = (): void => {
      const i = prestarted.indexOf(w);
      if (i >= 0) prestarted.splice(i, 1);
    };
    // a worker that failed before it was needed is replaced by a fresh one at that time
    w.once('error', drop);
    w.once('exit', drop);
    prestarted.push(w);
  }
}

/** Prestarted workers still waiting for a job. */
export function prestartedGbdtWorkers(): number {
  return prestarted.length;
}

/**
 * A GBDT worker waiting for its messages (worker.ts): a prestarted one when there is one, else a new
 * one, from sources or the built `gbdt-worker.js`.
 */
export function acquireGbdtWorker(): Worker {
  const w = prestarted.shift();
  if (w) {
    w.removeAllListeners();
    w.ref();
    return w;
  }
  return startWorker(import.meta.url, './worker', GBDT_WORKER_BUILD_NAME);
}

/** A GBDT worker started on `job` (a training thread or a prediction share). */
export function startGbdtWorker(job: unknown): Worker {
  const w = acquireGbdtWorker();
  w.postMessage(job);
  return w;
}
