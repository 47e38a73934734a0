import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../shared/api/dto';
import { CancelledError } from '../models/types';
import type { TrainingResult } from '../training/protocol';
import type { RunCallbacks, RunHandle } from '../training/runner';
import { RunQueue, type QueuedJob } from './run-queue';

function job(id: string): QueuedJob {
  return { run_id: id, config_yaml: '', out_dir: '/tmp', base_dir: '/tmp' };
}

/** A fake worker we drive by hand: resolves, fails or honours cancel when told. */
function controllableWorkers() {
  const started: Array<{
    id: string;
    cb: RunCallbacks;
    resolve: (r: TrainingResult) => void;
    reject: (e: Error) => void;
  }> = [];
  const start = (j: { run_id: string }, cb: RunCallbacks): RunHandle => {
    let resolve!: (r: TrainingResult) => void;
    let reject!: (e: Error) => void;
    const result = new Promise<TrainingResult>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    started.push({ id: j.run_id, cb, resolve, reject });
    return { result, cancel: () => reject(new CancelledError()) };
  };
  return { started, start };
}

function recorder() {
  const events: string[] = [];
  const finished = new Map<string, RunStatus>();
  return {
    events,
    finished,
    hooks: {
      onStart: (id: string) => events.push(`start ${id}`),
      onProgress: (p: { run_id: string; stage: string }) => events.push(`progress ${p.run_id} ${p.stage}`),
      onTrial: () => {},
      onWarning: () => {},
      onFinish: (id: string, status: RunStatus) => {
        events.push(`finish ${id} ${status}`);
        finished.set(id, status);
      },
    },
  };
}

describe('RunQueue', () => {
  it('runs one job at a time in FIFO order with concurrency 1', async () => {
    const w = controllableWorkers();
    const r = recorder();
    const q = new RunQueue(r.hooks, 1, w.start);
    q.enqueue(job('a'));
    q.enqueue(job('b'));
    expect(w.started.map((s) => s.id)).toEqual(['a']);
    expect(q.size).toEqual({ running: 1, queued: 1 });
    w.started[0].cb.onProgress?.({ stage: 'training', percent: 50 });
    expect(q.progress('a')).toMatchObject({ run_id: 'a', stage: 'training', percent: 50 });
    w.started[0].resolve({} as TrainingResult);
    await new Promise((r2) => setTimeout(r2, 0));
    expect(w.started.map((s) => s.id)).toEqual(['a', 'b']);
    w.started[1].reject(new Error('boom'));
    await q.idle();
    expect(r.finished).toEqual(
      new Map([
        ['a', 'succeeded'],
        ['b', 'failed'],
      ]),
    );
  });

  it('cancels a queued run without starting it, and a running one through its handle', async () => {
    const w = controllableWorkers();
    const r = recorder();
    const q = new RunQueue(r.hooks, 1, w.start);
    q.enqueue(job('a'));
    q.enqueue(job('b'));
    expect(q.cancel('b')).toBe(true);
    expect(q.cancel('a')).toBe(true);
    await q.idle();
    expect(w.started.map((s) => s.id)).toEqual(['a']);
    expect(r.finished.get('a')).toBe('cancelled');
    expect(r.finished.get('b')).toBe('cancelled');
    expect(q.cancel('zzz')).toBe(false);
  });

  it('runs two at once with concurrency 2', () => {
    const w = controllableWorkers();
    const q = new RunQueue(recorder().hooks, 2, w.start);
    q.enqueue(job('a'));
    q.enqueue(job('b'));
    q.enqueue(job('c'));
    expect(w.started.map((s) => s.id)).toEqual(['a', 'b']);
  });
});
