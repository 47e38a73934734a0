import type { Worker } from 'node:worker_threads';
import { tuneV8ForWorkers } from '../util/v8-threads';
import { startWorker } from '../util/worker-url';
import { CancelledError } from '../models/types';
import type {
  HostToWorker,
  ProgressUpdate,
  TrainingJob,
  TrainingResult,
  TrialRecord,
  WorkerToHost,
} from './protocol';

export interface RunHandle {
  result: Promise<TrainingResult>;
  /** Asks the worker to stop at its next check; terminates it if it has not stopped after `graceMs`. */
  cancel(graceMs?: number): void;
}

export interface RunCallbacks {
  onProgress?(p: ProgressUpdate): void;
  onTrial?(t: TrialRecord): void;
  onWarning?(message: string): void;
}

export class WorkerCrashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerCrashError';
  }
}

const TRAINING_WORKER = { source: './worker', built: 'training-worker' };

/**
 * Starts a training worker before its job is known: it loads its modules (DuckDB, the learners) while
 * the caller reads the config and opens the registry. Hand it to runTrainingInWorker, or terminate it.
 */
export function startTrainingWorker(
  options: {
    maxOldGenerationSizeMb?: number;
    entry?: { url: string; source: string; built: string };
    argv?: string[];
  } = {},
): Worker {
  const entry = options.entry ?? { url: import.meta.url, ...TRAINING_WORKER };
  tuneV8ForWorkers();
  const worker = startWorker(entry.url, entry.source, entry.built, {
    argv: options.argv,
    resourceLimits: options.maxOldGenerationSizeMb
      ? { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb }
      : undefined,
  });
  // a worker that dies before it gets its job: remembered for runTrainingInWorker (and no unhandled 'error')
  worker.on('error', (err) => earlyEnds.set(worker, `Training worker crashed: ${err.message}`));
  worker.on('exit', (code) => {
    if (!earlyEnds.has(worker)) earlyEnds.set(worker, `Training worker exited unexpectedly (code ${code})`);
  });
  return worker;
}

const earlyEnds = new WeakMap<Worker, string>();

/**
 * Ends a worker from startTrainingWorker that will get no job (or whose job has ended): it exits once
 * DuckDB has finished starting for it, and the process waits for that. (terminate(), or the process
 * exiting, could stop it while DuckDB works for it on the thread pool, which aborts the whole
 * process.) A worker that has exited already is left alone.
 */
export function disposeTrainingWorker(worker: Worker): void {
  const msg: HostToWorker = { type: 'dispose' };
  worker.postMessage(msg);
}

/**
 * Runs one training job in its own worker thread (`options.worker`, from startTrainingWorker, or a new one). A throw, a crash or running out of memory inside
 * the worker rejects `result` with the reason; the host process keeps running.
 */
export function runTrainingInWorker(
  job: Omit<TrainingJob, 'cancel_flag'>,
  callbacks: RunCallbacks = {},
  options: {
    maxOldGenerationSizeMb?: number;
    entry?: { url: string; source: string; built: string };
    worker?: Worker;
  } = {},
): RunHandle {
  const flagBuffer = new SharedArrayBuffer(4);
  const flag = new Int32Array(flagBuffer);
  const entry = options.entry ?? { url: import.meta.url, ...TRAINING_WORKER };
  let worker: Worker | undefined;
  let settled = false;
  let cancelled = false;
  let stage = 'starting';

  const result = new Promise<TrainingResult>((resolve, reject) => {
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker?.terminate();
    };
    try {
      worker =
        options.worker ??
        startWorker(entry.url, entry.source, entry.built, {
          resourceLimits: options.maxOldGenerationSizeMb
            ? { maxOldGenerationSizeMb: options.maxOldGenerationSizeMb }
            : undefined,
        });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const ended = earlyEnds.get(worker);
    if (ended) {
      settled = true;
      reject(new WorkerCrashError(ended));
      return;
    }
    worker.on('message', (msg: WorkerToHost) => {
      switch (msg.type) {
        case 'progress':
          stage = msg.progress.stage;
          callbacks.onProgress?.(msg.progress);
          break;
        case 'trial':
          callbacks.onTrial?.(msg.trial);
          break;
        case 'warning':
          callbacks.onWarning?.(msg.message);
          break;
        case 'done':
          finish(() => resolve(msg.result));
          break;
        case 'failed':
          finish(() => reject(msg.cancelled ? new CancelledError(msg.error) : new Error(msg.error)));
          break;
      }
    });
    worker.on('error', (err: Error & { code?: string }) => {
      const reason =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? 'Training ran out of memory (worker heap limit reached)'
          : `Training worker crashed: ${err.message}`;
      finish(() => reject(cancelled ? new CancelledError() : new WorkerCrashError(reason)));
    });
    worker.on('exit', (code) => {
      finish(() =>
        reject(
          cancelled
            ? new CancelledError()
            : new WorkerCrashError(`Training worker exited unexpectedly (code ${code})`),
        ),
      );
    });
    const start: HostToWorker = { type: 'start', job: { ...job, cancel_flag: flagBuffer } };
    worker.postMessage(start);
  });

  return {
    result,
    cancel(graceMs = 5_000) {
      cancelled = true;
      Atomics.store(flag, 0, 1);
      // Terminating a worker inside DuckDB's native code aborts the whole process, so while the
      // worker starts (DuckDB starts with it) or loads data it gets to finish that step (the pipeline
      // checks the flag right after).
      const force = () => {
        if (settled) return;
        if (stage === 'starting' || stage === 'loading') {
          setTimeout(force, 500).unref();
          return;
        }
        void worker?.terminate();
      };
      setTimeout(force, graceMs).unref();
    },
  };
}
