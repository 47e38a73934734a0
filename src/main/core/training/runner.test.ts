import { describe, expect, it } from 'vitest';
import { CancelledError } from '../models/types';
import { disposeTrainingWorker, runTrainingInWorker, startTrainingWorker, WorkerCrashError } from './runner';

const entry = { url: import.meta.url, source: './fixtures/fake-worker', built: 'fake-worker' };
const job = (mode: string) => ({ run_id: 'r1', config_yaml: mode, out_dir: '/tmp', base_dir: '/tmp' });

describe('runTrainingInWorker', () => {
  it('relays progress and resolves with the result', async () => {
    const seen: number[] = [];
    const h = runTrainingInWorker(job('ok'), { onProgress: (p) => seen.push(p.percent) }, { entry });
    await expect(h.result).resolves.toMatchObject({ run_id: 'r1' });
    expect(seen).toEqual([30, 60, 90]);
  });

  it('turns an uncaught throw in the worker into a failed run, not a host crash', async () => {
    const h = runTrainingInWorker(job('throw'), {}, { entry });
    await expect(h.result).rejects.toThrow(/kaboom in worker/);
    await expect(h.result).rejects.toBeInstanceOf(WorkerCrashError);
  });

  it('reports a worker that exits', async () => {
    await expect(runTrainingInWorker(job('exit'), {}, { entry }).result).rejects.toThrow(
      /exited unexpectedly \(code 3\)/,
    );
  });

  it('runs the job on a worker started ahead of it', async () => {
    const worker = startTrainingWorker({ entry });
    await new Promise((r) => setTimeout(r, 200)); // booted and waiting for its job
    const h = runTrainingInWorker(job('ok'), {}, { worker });
    await expect(h.result).resolves.toMatchObject({ run_id: 'r1' });
  });

  it('fails the run (no hang, no unhandled error) when a worker started ahead died before its job', async () => {
    const worker = startTrainingWorker({ entry, argv: ['--exit-at-boot'] });
    await new Promise<void>((r) => worker.once('exit', () => r()));
    await expect(runTrainingInWorker(job('ok'), {}, { worker }).result).rejects.toThrow(
      /exited unexpectedly \(code 4\)/,
    );
  });

  it('ends a real training worker that gets no job cleanly, even while DuckDB is starting in it', async () => {
    // the worker creates its DuckDB instance at once; terminate() then could abort the process
    for (const wait of [0, 300]) {
      const worker = startTrainingWorker();
      await new Promise((r) => setTimeout(r, wait));
      const code = new Promise<number>((r) => worker.once('exit', r));
      disposeTrainingWorker(worker);
      expect(await code).toBe(0);
    }
  }, 30_000);

  it('reports running out of memory', async () => {
    const h = runTrainingInWorker(job('oom'), {}, { entry, maxOldGenerationSizeMb: 48 });
    await expect(h.result).rejects.toThrow(/out of memory/);
  });

  it('cancels a worker busy in synchronous code through the shared flag', async () => {
    const h = runTrainingInWorker(job('busy-until-cancel'), {}, { entry });
    setTimeout(() => h.cancel(), 300);
    await expect(h.result).rejects.toBeInstanceOf(CancelledError);
  });

  it('lets the loading step finish instead of terminating the worker inside it', async () => {
    // cancel once the worker reports it is loading (a fixed delay races a slow worker start-up)
    const h = runTrainingInWorker(
      job('slow-loading'),
      { onProgress: (p) => p.stage === 'loading' && setTimeout(() => h.cancel(50), 100) },
      { entry },
    );
    await expect(h.result).rejects.toThrow('stopped after loading');
    await expect(h.result).rejects.toBeInstanceOf(CancelledError);
  });
});
