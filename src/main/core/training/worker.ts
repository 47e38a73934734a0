/** Training worker entry: receives one job, runs the pipeline, reports progress and the result. */
import { parentPort } from 'node:worker_threads';
import { Duck } from '../data/duck';
import { CancelledError } from '../models/types';
import type { HostToWorker, WorkerToHost } from './protocol';

const port = parentPort;
if (!port) throw new Error('training worker must run in a worker thread');

// DuckDB's native library is loaded by now (../data/duck): its instance starts on the thread pool
// while this thread loads the pipeline's modules (a job posted meanwhile waits in the port).
Duck.prewarm();
const { runPipeline } = await import('./pipeline');

const send = (msg: WorkerToHost) => port.postMessage(msg);

port.once('message', (msg: HostToWorker) => {
  if (msg.type !== 'start') return;
  const flag = msg.job.cancel_flag ? new Int32Array(msg.job.cancel_flag) : new Int32Array(1);
  const signal = {
    get aborted() {
      return Atomics.load(flag, 0) === 1;
    },
  };
  runPipeline(msg.job, {
    signal,
    onProgress: (progress) => send({ type: 'progress', progress }),
    onTrial: (trial) => send({ type: 'trial', trial }),
    onWarning: (message) => send({ type: 'warning', message }),
  })
    .then((result) => send({ type: 'done', result }))
    .catch((err: unknown) => {
      const cancelled = err instanceof CancelledError || signal.aborted;
      send({ type: 'failed', error: err instanceof Error ? err.message : String(err), cancelled });
    });
});
