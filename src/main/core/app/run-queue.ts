import type { RunProgress, RunStatus } from '../../../shared/api/dto';
import { CancelledError } from '../models/types';
import type { TrainingJob, TrainingResult, TrialRecord } from '../training/protocol';
import { runTrainingInWorker, type RunHandle, type RunCallbacks } from '../training/runner';

/** What the queue needs to start a run: the resolved config and where things go. */
export interface QueuedJob {
  run_id: string;
  config_yaml: string;
  out_dir: string;
  base_dir: string;
}

export interface RunQueueHooks {
  /** The run left the queue and started. */
  onStart(runId: string): void;
  onProgress(progress: RunProgress): void;
  onTrial(runId: string, trial: TrialRecord): void;
  onWarning(runId: string, message: string): void;
  /** Called once with the outcome; `result` only when succeeded. */
  onFinish(
    runId: string,
    status: RunStatus,
    outcome: { result?: TrainingResult; error?: string },
  ): Promise<void> | void;
}

export type StartWorker = (job: Omit<TrainingJob, 'cancel_flag'>, callbacks: RunCallbacks) => RunHandle;

/**
 * Runs training jobs in worker threads, `concurrency` at a time (default 1 on 2 cores), in FIFO
 * order. Queued runs can be cancelled before they start; running ones are asked to stop.
 */
export class RunQueue {
  private readonly waiting: QueuedJob[] = [];
  private readonly running = new Map<string, RunHandle>();
  private readonly latest = new Map<string, RunProgress>();
  private readonly cancelRequested = new Set<string>();
  private readonly idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly hooks: RunQueueHooks,
    private readonly concurrency = 1,
    private readonly startWorker: StartWorker = runTrainingInWorker,
  ) {}

  enqueue(job: QueuedJob): void {
    if (this.closed) throw new Error('The run queue is shut down');
    this.waiting.push(job);
    this.latest.set(job.run_id, {
      run_id: job.run_id,
      stage: 'queued',
      percent: 0,
      message: 'Waiting for a free worker',
    });
    this.pump();
  }

  /** Cancels a queued or running run. Returns false when the run is not in the queue. */
  cancel(runId: string): boolean {
    const i = this.waiting.findIndex((j) => j.run_id === runId);
    if (i >= 0) {
      this.waiting.splice(i, 1);
      this.latest.delete(runId);
      void Promise.resolve(
        this.hooks.onFinish(runId, 'cancelled', { error: 'Cancelled before it started' }),
      ).finally(() => this.checkIdle());
      return true;
    }
    const handle = this.running.get(runId);
    if (!handle) return false;
    this.cancelRequested.add(runId);
    handle.cancel();
    return true;
  }

  progress(runId: string): RunProgress | undefined {
    return this.latest.get(runId);
  }

  has(runId: string): boolean {
    return this.running.has(runId) || this.waiting.some((j) => j.run_id === runId);
  }

  get size(): { running: number; queued: number } {
    return { running: this.running.size, queued: this.waiting.length };
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.running.size === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops accepting runs; cancels queued ones and asks running ones to stop, then waits for them. */
  async shutdown(): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) {
      await this.hooks.onFinish(job.run_id, 'cancelled', {
        error: 'The app shut down before the run started',
      });
    }
    for (const id of this.running.keys()) this.cancel(id);
    await this.idle();
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.startJob(job);
    }
  }

  private startJob(job: QueuedJob): void {
    this.hooks.onStart(job.run_id);
    const handle = this.startWorker(job, {
      onProgress: (p) => {
        const progress = { ...p, run_id: job.run_id };
        this.latest.set(job.run_id, progress);
        this.hooks.onProgress(progress);
      },
      onTrial: (t) => this.hooks.onTrial(job.run_id, t),
      onWarning: (m) => this.hooks.onWarning(job.run_id, m),
    });
    this.running.set(job.run_id, handle);
    handle.result
      .then(
        (result) => this.hooks.onFinish(job.run_id, 'succeeded', { result }),
        (err: unknown) => {
          const cancelled = err instanceof CancelledError || this.cancelRequested.has(job.run_id);
          const message = err instanceof Error ? err.message : String(err);
          return this.hooks.onFinish(job.run_id, cancelled ? 'cancelled' : 'failed', { error: message });
        },
      )
      .catch((err: unknown) => {
        console.error(`ml-sys: recording the end of run ${job.run_id} failed: ${String(err)}`);
      })
      .finally(() => {
        this.running.delete(job.run_id);
        this.cancelRequested.delete(job.run_id);
        this.latest.delete(job.run_id);
        this.pump();
        this.checkIdle();
      });
  }

  private checkIdle(): void {
    if (this.running.size === 0 && this.waiting.length === 0) {
      for (const w of this.idleWaiters.splice(0)) w();
    }
  }
}
