import type { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startWorker } from '../../util/worker-url';
import { barrier, CTRL_BAR, reportFailure } from './board';

interface Result {
  type: 'result';
  changed: boolean;
  value: number;
  ms: number;
}

/** A thread blocked in waitForChange(ctrl, 0, 0, timeoutMs), and what it reports. */
function waiter(timeoutMs: number) {
  const buffer = new SharedArrayBuffer(4);
  const worker: Worker = startWorker(import.meta.url, './fixtures/wait-worker', 'wait-worker', {
    workerData: { buffer, timeoutMs },
  });
  const started = new Promise<void>((resolve) =>
    worker.on('message', (m: { type: string }) => m.type === 'started' && resolve()),
  );
  const result = new Promise<Result>((resolve, reject) => {
    worker.on('message', (m: Result) => m.type === 'result' && resolve(m));
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
  return { ctrl: new Int32Array(buffer), started, result };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('waitForChange (how GBDT threads wait for the next op)', () => {
  it('a wake-up without a change is not a change: it returns only once the value changes', async () => {
    const w = waiter(Infinity);
    await w.started;
    await sleep(150); // well past the spin: blocked in Atomics.wait
    let early: Result | undefined;
    void w.result.then((r) => (early ??= r));
    // a late notify for an op the thread already ran (the publisher was descheduled before notifying)
    Atomics.notify(w.ctrl, 0);
    await sleep(250);
    expect(early).toBeUndefined();
    Atomics.store(w.ctrl, 0, 1);
    Atomics.notify(w.ctrl, 0);
    const r = await w.result;
    expect(r).toMatchObject({ changed: true, value: 1 });
    expect(r.ms).toBeGreaterThanOrEqual(350);
  });

  it('gives up after its timeout when the value never changes, notifies or not', async () => {
    const w = waiter(300);
    await w.started;
    await sleep(100);
    Atomics.notify(w.ctrl, 0);
    const r = await w.result;
    expect(r).toMatchObject({ changed: false, value: 0 });
    expect(r.ms).toBeGreaterThanOrEqual(299);
  });
});

/** A second thread passing barriers 1..count (ctrl is a board's control block). */
function barrierThread(count: number) {
  const buffer = new SharedArrayBuffer(4 * 10);
  const worker: Worker = startWorker(import.meta.url, './fixtures/barrier-worker', 'barrier-worker', {
    workerData: { buffer, count },
  });
  const started = new Promise<void>((resolve) =>
    worker.on('message', (m: { type: string }) => m.type === 'started' && resolve()),
  );
  const result = new Promise<{ passed: number; error: string }>((resolve, reject) => {
    worker.on(
      'message',
      (m: { type: string; passed: number; error: string }) => m.type === 'result' && resolve(m),
    );
    worker.once('error', reject);
  }).finally(() => void worker.terminate());
  return { ctrl: new Int32Array(buffer), started, result };
}

describe('barrier (phases inside one GBDT op)', () => {
  it('two threads pass three barriers together', async () => {
    const w = barrierThread(3);
    await w.started;
    for (let k = 1; k <= 3; k++) barrier(w.ctrl, 2, k);
    expect(await w.result).toMatchObject({ passed: 3, error: '' });
    expect(Atomics.load(w.ctrl, CTRL_BAR)).toBe(6);
  });

  it('a thread waiting at a barrier throws when another reports a failure instead of arriving', async () => {
    const w = barrierThread(2);
    await w.started;
    barrier(w.ctrl, 2, 1);
    await sleep(150); // the worker now waits at barrier 2, which this thread never reaches
    reportFailure(w.ctrl);
    expect(await w.result).toMatchObject({ passed: 1, error: 'GBDT: another thread failed' });
  });
});
