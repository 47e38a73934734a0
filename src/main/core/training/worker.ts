/** Training worker entry: receives one job, runs the pipeline, reports progress and the result. */
import { parentPort } from 'node:worker_threads';
import { prestartGbdtWorkers } from '../models/gbdt/spawn';
import { CancelledError } from '../models/types';
import { startLoadStage, type LoadStage } from './load-stage';
import type { PipelineHooks } from './pipeline';
import type { HostToWorker, TrainingJob, WorkerToHost } from './protocol';

const port = parentPort;
if (!port) throw new Error('training worker must run in a worker thread');

// the rest of the pipeline loads while this thread waits for its job (which waits in the port until
// the listener below is attached) or reads the job's data. DuckDB is loaded only by a job that needs
// it (a flat CSV, or HubSpot files that are not plain: data/hubspot.ts).
const pipeline = import('./pipeline');
pipeline.catch(() => {}); // awaited by the job
// then a helper thread boots: it scans HubSpot files that are plain with this thread, then trains with
// it (a GBDT pool worker: models/gbdt/spawn.ts). Not before: on two cores, three threads booting at
// once (this one, the helper, and the host's) slowed the job's start more than the helper gained.
void pipeline.then(() => prestartGbdtWorkers(1));

const send = (msg: WorkerToHost) => port.postMessage(msg);

port.once('message', (msg: HostToWorker) => {
  if (msg.type === 'start') void run(msg.job);
  else process.exit(0);
});

async function run(job: TrainingJob): Promise<void> {
  const flag = job.cancel_flag ? new Int32Array(job.cancel_flag) : new Int32Array(1);
  const signal = {
    get aborted() {
      return Atomics.load(flag, 0) === 1;
    },
  };
  const hooks = {
    signal,
    onProgress: (progress) => send({ type: 'progress', progress }),
    onTrial: (trial) => send({ type: 'trial', trial }),
    onWarning: (message) => send({ type: 'warning', message }),
  } satisfies PipelineHooks;
  // a job that carries its validated config starts reading its data before the pipeline has loaded
  let load: LoadStage | undefined;
  try {
    load = job.config ? startLoadStage(job.config, hooks.onProgress) : undefined;
    const { runPipeline } = await pipeline;
    send({ type: 'done', result: await runPipeline(job, { ...hooks, load }) });
  } catch (err) {
    // the host terminates this worker on a failure: DuckDB must not be working for it then
    await load?.dataset.catch(() => {});
    const cancelled = err instanceof CancelledError || signal.aborted;
    send({ type: 'failed', error: err instanceof Error ? err.message : String(err), cancelled });
  }
}
