/** Training worker entry: receives one job, runs the pipeline, reports progress and the result. */
import { parentPort } from 'node:worker_threads';
import { runPipeline } from './pipeline';
import { CancelledError } from '../models/types';
import type { HostToWorker, WorkerToHost } from './protocol';

const port = parentPort;
if (!port) throw new Error('training worker must run in a worker thread');

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
