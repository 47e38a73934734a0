import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../util/worker-url';

/** Name of the worker entry in the electron-vite build output. */
export const GBDT_WORKER_BUILD_NAME = 'gbdt-worker';

/** Idle workers (booted, waiting for a job): started ahead of need, or done with a job. */
const prestarted: Worker[] = [];
/** Idle workers kept at most; more are ended. */
const MAX_IDLE = 16;
/** Workers lent to other work (the data scan), which come back to the idle ones. */
const lent = new Set<Worker>();

/**
 * Removes a caller's listeners from `w`. Never `removeAllListeners()` without an event name: that
 * also drops Node's own hooks that start the worker's message port for new 'message' listeners, and
 * later messages would stay queued until the worker ends.
 */
export function clearWorkerListeners(w: Worker): void {
  for (const event of ['message', 'error', 'exit', 'online', 'messageerror']) w.removeAllListeners(event);
}

/** Keeps `w` as idle, not keeping the process alive; dropped if it ends. */
function keepIdle(w: Worker): void {
  clearWorkerListeners(w);
  w.unref();
  const drop = (): void => {
    const i = prestarted.indexOf(w);
    if (i >= 0) prestarted.splice(i, 1);
  };
  // a worker that fails while idle is replaced by a fresh one when one is needed
  w.once('error', drop);
  w.once('exit', drop);
  prestarted.push(w);
}

/**
 * Starts `count` GBDT workers now so that a fit later in this process does not wait for them to boot
 * (about 30 ms each: a fresh isolate loading the kernels). Idle ones do not keep the process alive.
 */
export function prestartGbdtWorkers(count: number): void {
  while (prestarted.length + lent.size < count)
    keepIdle(startWorker(import.meta.url, './worker', GBDT_WORKER_BUILD_NAME));
}

/** Hands back a worker that finished its job (answered 'free' or 'done') for the next one. */
export function releaseGbdtWorker(w: Worker): void {
  if (prestarted.length >= MAX_IDLE) void w.terminate();
  else keepIdle(w);
}

/** Idle workers waiting for a job. */
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
    clearWorkerListeners(w);
    w.ref();
    return w;
  }
  return startWorker(import.meta.url, './worker', GBDT_WORKER_BUILD_NAME);
}

/**
 * A worker lent to other work that its entry also runs (worker.ts: a data scan), while the data that
 * a fit will train on is read: the process then boots one thread less. It counts as on hand for
 * prestartGbdtWorkers until it ends or comes back with returnLentWorker.
 */
export function lendGbdtWorker(): Worker {
  const w = acquireGbdtWorker();
  lent.add(w);
  w.once('exit', () => lent.delete(w));
  return w;
}

/** Takes back a lent worker (its job done) as an idle one. */
export function returnLentWorker(w: Worker): void {
  lent.delete(w);
  releaseGbdtWorker(w);
}

/** A GBDT worker started on `job` (a training thread or a prediction share). */
export function startGbdtWorker(job: unknown): Worker {
  const w = acquireGbdtWorker();
  w.postMessage(job);
  return w;
}
