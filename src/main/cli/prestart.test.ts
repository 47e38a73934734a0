import { afterEach, describe, expect, it } from 'vitest';
import { discardPrestartedWorker, prestartWorkerFor, takePrestartedWorker } from './prestart';

describe('prestartWorkerFor', () => {
  afterEach(() => discardPrestartedWorker());

  it('starts the training worker for train only, and hands it out once', async () => {
    for (const argv of [['info'], ['train', '--help'], ['-h', 'train'], ['--version'], []]) {
      prestartWorkerFor(argv);
      expect(takePrestartedWorker()).toBeUndefined();
    }
    prestartWorkerFor(['train', '--config', 'x.yaml']);
    const worker = takePrestartedWorker();
    expect(worker).toBeDefined();
    expect(takePrestartedWorker()).toBeUndefined();
    await worker!.terminate();
  });

  it('discards a worker nobody took', () => {
    prestartWorkerFor(['train']);
    discardPrestartedWorker();
    expect(takePrestartedWorker()).toBeUndefined();
  });
});
