import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgressReporter } from './progress';

describe('progress reporter (not a terminal)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints a line per stage and per 10 %, with the latest training metrics on rounds without any', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const isTTY = process.stderr.isTTY;
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    try {
      const r = createProgressReporter(true);
      r.update({ stage: 'loading', percent: 2, message: 'Reading data' });
      r.update({ stage: 'training', percent: 15, iteration: 1, total: 200 });
      r.update({ stage: 'training', percent: 18, iteration: 10, total: 200, train_loss: 0.31234 });
      r.update({ stage: 'training', percent: 21, iteration: 14, total: 200 });
      r.update({ stage: 'training', percent: 22, iteration: 15, total: 200 });
      r.update({ stage: 'done', percent: 100 });
    } finally {
      Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true });
    }
    expect(lines).toEqual([
      '[  2%] loading Reading data\n',
      '[ 15%] training 1/200\n',
      '[ 21%] training 14/200 · train loss 0.3123\n',
      '[100%] done \n',
    ]);
  });

  it('prints nothing when disabled', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    createProgressReporter(false).update({ stage: 'loading', percent: 2 });
    expect(write).not.toHaveBeenCalled();
  });
});
