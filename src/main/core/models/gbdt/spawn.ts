import type { Worker } from 'node:worker_threads';
import { startWorker } from '../../util/worker-url';

/** Name of the worker entry in the electron-vite build output. */
export const GBDT_WORKER_BUILD_NAME = 'gbdt-worker';

/** Starts a GBDT training thread, from TypeScript sources or the built `gbdt-worker.js`. */
export function startGbdtWorker(workerData: unknown): Worker {
  return startWorker(import.meta.url, './worker', GBDT_WORKER_BUILD_NAME, { workerData });
}
