import { describe, expect, it } from 'vitest';
import { ChampionWatcher } from './champion';
import { createServingMetrics } from './metrics';
import { FakeSource, logisticModel, waitFor } from './test-support';
import type { ChampionSource } from './types';

function watch(source: ChampionSource, pollMs = 5, loadTimeoutMs?: number) {
  const logs: string[] = [];
  const w = new ChampionWatcher({
    source,
    pollMs,
    loadTimeoutMs,
    metrics: createServingMetrics(undefined, false),
    log: (m) => logs.push(m),
  });
  return { w, logs };
}

describe('ChampionWatcher', () => {
  it('loads on start and only reloads when the stamp changes', async () => {
    const source = new FakeSource(logisticModel({ version: 1, slope: 1 }));
    const { w } = watch(source);
    await w.ready();
    expect(w.current?.identity.version).toBe(1);
    await new Promise((r) => setTimeout(r, 50));
    expect(source.loads).toBe(1);
    source.set(logisticModel({ version: 2, slope: 1 }));
    await waitFor(() => w.current?.identity.version === 2);
    expect(source.loads).toBe(2);
    expect(w.swaps).toBe(1);
    w.close();
  });

  it('does not swap when the reloaded champion is the same bundle', async () => {
    const source = new FakeSource(logisticModel({ version: 1, slope: 1 }));
    const { w } = watch(source);
    await w.ready();
    const first = w.current;
    source.set(logisticModel({ version: 1, slope: 1 }));
    await w.refresh();
    expect(w.current).toBe(first);
    expect(w.swaps).toBe(0);
    w.close();
  });

  it('retries a failed load with back-off and logs it once', async () => {
    const source = new FakeSource(logisticModel({ version: 1, slope: 1 }));
    source.failWith = new Error('disk on fire');
    const { w, logs } = watch(source, 5);
    await w.ready();
    expect(w.current).toBeUndefined();
    expect(w.lastError).toContain('disk on fire');
    await waitFor(() => source.loads >= 2);
    await new Promise((r) => setTimeout(r, 200));
    // 5 ms · 2^k back-off: a handful of retries in 200 ms, not one per 5 ms poll
    expect(source.loads).toBeLessThan(10);
    expect(logs.filter((l) => l.includes('disk on fire'))).toHaveLength(1);
    source.failWith = undefined;
    await waitFor(() => w.current?.identity.version === 1);
    expect(w.lastError).toBeNull();
    w.close();
  });

  it('survives a stamp that throws', async () => {
    let broken = true;
    const model = logisticModel({ version: 4, slope: 1 });
    const source: ChampionSource = {
      stamp: () => {
        if (broken) throw new Error('database is locked');
        return 1;
      },
      load: async () => model,
    };
    const { w, logs } = watch(source);
    await w.ready();
    expect(w.lastError).toContain('database is locked');
    broken = false;
    await waitFor(() => w.current === model);
    expect(logs.filter((l) => l.includes('locked'))).toHaveLength(1);
    w.close();
  });

  it('stops polling after close', async () => {
    const source = new FakeSource(logisticModel({ version: 1, slope: 1 }));
    const { w } = watch(source);
    await w.ready();
    w.close();
    source.set(logisticModel({ version: 2, slope: 1 }));
    await new Promise((r) => setTimeout(r, 50));
    expect(w.current?.identity.version).toBe(1);
  });

  it('gives up on a load that hangs, keeps serving, and loads the next champion', async () => {
    const first = logisticModel({ version: 1, slope: 1 });
    let hang = false;
    let stamp = 1;
    let next = first;
    const source: ChampionSource = {
      stamp: () => stamp,
      load: () => (hang ? new Promise(() => {}) : Promise.resolve(next)),
    };
    const { w, logs } = watch(source, 5, 50);
    await w.ready();
    hang = true;
    stamp = 2;
    await waitFor(() => w.lastError !== null);
    expect(w.lastError).toContain('timed out after 50 ms');
    expect(w.current).toBe(first);
    expect(logs.some((l) => l.includes('timed out'))).toBe(true);
    hang = false;
    next = logisticModel({ version: 3, slope: 1 });
    stamp = 3;
    await waitFor(() => w.current?.identity.version === 3);
    w.close();
  });
});
