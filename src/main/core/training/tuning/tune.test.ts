import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../models/types';
import { Rng } from '../../util/rng';
import { sampleUniform, validateSpace, type Params, type SearchSpace } from './space';
import { halvingRungs, plannedEvaluations, tune, type TrialResult, type TuneOptions } from './tune';

const space: SearchSpace = {
  x: { type: 'float', low: -2, high: 2 },
  lr: { type: 'log_float', low: 1e-4, high: 1 },
  depth: { type: 'int', low: 1, high: 10 },
  booster: { type: 'categorical', choices: ['a', 'b', 'c', 'd'] },
};

/** Smooth synthetic objective, maximal (0) at x = 0.7, lr = 0.01, depth = 6, booster = 'c'. */
function quality(p: Params): number {
  const x = p.x as number;
  const lr = Math.log10(p.lr as number) + 2;
  const depth = ((p.depth as number) - 6) / 3;
  return -((x - 0.7) ** 2) - 0.5 * lr * lr - depth * depth - (p.booster === 'c' ? 0 : 0.5);
}

const base = (over: Partial<TuneOptions>): TuneOptions => ({
  space,
  nTrials: 20,
  method: 'tpe',
  seed: 1,
  maxResource: 100,
  objective: async (p) => quality(p),
  ...over,
});

describe('search space', () => {
  it('samples within bounds with the right types', () => {
    const rng = new Rng(5);
    const depths = new Set<number>();
    const bad: Params[] = [];
    let belowMidLog = 0;
    for (let i = 0; i < 2000; i++) {
      const p = sampleUniform(space, rng);
      const x = p.x as number;
      const lr = p.lr as number;
      const ok =
        x >= -2 &&
        x <= 2 &&
        lr >= 1e-4 &&
        lr <= 1 &&
        Number.isInteger(p.depth) &&
        ['a', 'b', 'c', 'd'].includes(p.booster as string);
      if (!ok) bad.push(p);
      depths.add(p.depth as number);
      if (lr < 0.01) belowMidLog++;
    }
    expect(bad).toEqual([]);
    // log-uniform: half the mass lies below the geometric midpoint 1e-2 of [1e-4, 1]
    expect(belowMidLog / 2000).toBeGreaterThan(0.45);
    expect(belowMidLog / 2000).toBeLessThan(0.55);
    expect([...depths].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('rejects unusable specs with the parameter name', () => {
    expect(() => validateSpace({ a: { type: 'float', low: 2, high: 1 } })).toThrow(/'a'.*low 2 > high 1/);
    expect(() => validateSpace({ b: { type: 'log_float', low: 0, high: 1 } })).toThrow(/'b'.*low > 0/);
    expect(() => validateSpace({ c: { type: 'categorical', choices: [] } })).toThrow(/'c'/);
    expect(() => validateSpace({ d: { type: 'int', low: 0.5, high: 3 } })).toThrow(/'d'/);
    expect(() => validateSpace({})).toThrow(/empty/);
  });
});

describe('tune', () => {
  for (const method of ['tpe', 'random_halving'] as const) {
    it(`${method} is deterministic for a seed`, async () => {
      const run = (seed: number) => tune(base({ method, seed, nTrials: 27, maxResource: 27 }));
      const a = await run(3);
      const b = await run(3);
      const strip = (ts: TrialResult[]) => ts.map(({ seconds: _s, ...t }) => t);
      expect(strip(b.trials)).toEqual(strip(a.trials));
      expect(strip((await run(4)).trials)).not.toEqual(strip(a.trials));
    });
  }

  it('random_halving keeps the top 1/eta per rung and the best config survives', async () => {
    expect(halvingRungs(27, 3, 81, 3)).toEqual([3, 9, 27, 81]);
    expect(halvingRungs(10, 1, 500, 3)).toEqual([56, 167, 500]);
    expect(halvingRungs(5, 100, 100, 3)).toEqual([100]);

    const calls: { index: number; resource: number }[] = [];
    const events: TrialResult[] = [];
    // more resource helps every config equally, so the ranking at each rung is the true ranking
    const { best, trials } = await tune(
      base({
        method: 'random_halving',
        nTrials: 27,
        minResource: 3,
        maxResource: 81,
        objective: async (p, resource, index) => {
          calls.push({ index, resource });
          return quality(p) - 1 / resource;
        },
        onTrial: (t) => events.push(t),
      }),
    );
    const perRung = [3, 9, 27, 81].map((r) => calls.filter((c) => c.resource === r).length);
    expect(perRung).toEqual([27, 9, 3, 1]);
    expect(
      plannedEvaluations({ method: 'random_halving', nTrials: 27, minResource: 3, maxResource: 81 }),
    ).toBe(calls.length);
    expect(plannedEvaluations({ method: 'tpe', nTrials: 27, maxResource: 81 })).toBe(27);
    expect(trials).toHaveLength(27);
    expect(trials.filter((t) => t.status === 'completed')).toHaveLength(1);
    expect(trials.filter((t) => t.status === 'pruned')).toHaveLength(26);
    const trueBest = trials.reduce((a, b) => (quality(b.params) > quality(a.params) ? b : a));
    expect(best.index).toBe(trueBest.index);
    expect(best.resource).toBe(81);
    expect(best.rung).toBe(3);
    // the last event per index is the trial's final record
    const last = new Map<number, TrialResult>();
    for (const e of events) last.set(e.index, e);
    expect(trials.map((t) => last.get(t.index))).toEqual(trials);
  });

  it('tpe finds better configurations than random search with the same budget', async () => {
    let tpeSum = 0;
    let randomSum = 0;
    let lateBetter = 0;
    const seeds = [1, 2, 3, 4, 5, 6];
    for (const seed of seeds) {
      const t = await tune(base({ method: 'tpe', seed, nTrials: 50, nStartup: 10 }));
      const r = await tune(base({ method: 'tpe', seed, nTrials: 50, nStartup: 50 })); // all random
      tpeSum += t.best.score;
      randomSum += r.best.score;
      const mean = (ts: TrialResult[]) => ts.reduce((s, x) => s + x.score, 0) / ts.length;
      if (mean(t.trials.slice(30)) > mean(t.trials.slice(0, 10))) lateBetter++;
    }
    expect(tpeSum / seeds.length).toBeGreaterThan(randomSum / seeds.length);
    expect(lateBetter).toBe(seeds.length); // the model-guided trials beat the random start-up ones
    expect(tpeSum / seeds.length).toBeGreaterThan(-0.3); // the optimum is 0; a random config averages about -3
  });

  it('stops starting evaluations when the time budget is spent (fake clock)', async () => {
    for (const method of ['tpe', 'random_halving'] as const) {
      let clock = 0;
      let calls = 0;
      const { trials } = await tune(
        base({
          method,
          nTrials: 100,
          timeoutS: 5,
          now: () => clock,
          objective: async (p) => {
            calls++;
            clock += 1000;
            return quality(p);
          },
        }),
      );
      expect(calls).toBe(5);
      expect(trials).toHaveLength(5);
    }
  });

  it('honours a real time budget', async () => {
    // load-independent: no evaluation starts after the budget, and the search did not stop before it
    const t0 = performance.now();
    const starts: number[] = [];
    const { trials } = await tune(
      base({
        nTrials: 10_000,
        timeoutS: 0.15,
        objective: async (p) => {
          starts.push(performance.now());
          await new Promise((r) => setTimeout(r, 10));
          return quality(p);
        },
      }),
    );
    expect(trials.length).toBeGreaterThanOrEqual(1);
    expect(trials.length).toBeLessThan(10_000);
    expect(trials.length).toBe(starts.length);
    // the last start is the budget check plus the time to reach the objective (slack for a busy box)
    expect(Math.max(...starts) - starts[0]).toBeLessThan(150 + 60);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(150);
  });

  it('tpe with nTrials = Infinity runs until the timeout', async () => {
    let clock = 0;
    const { trials } = await tune(
      base({
        nTrials: Infinity,
        timeoutS: 12,
        now: () => clock,
        objective: async (p) => {
          clock += 1000;
          return quality(p);
        },
      }),
    );
    expect(trials).toHaveLength(12);
    await expect(tune(base({ nTrials: Infinity }))).rejects.toThrow(/nTrials/);
  });

  it('cancels between evaluations with CancelledError', async () => {
    for (const method of ['tpe', 'random_halving'] as const) {
      const signal = { aborted: false };
      let calls = 0;
      const run = tune(
        base({
          method,
          signal,
          objective: async (p) => {
            if (++calls === 3) signal.aborted = true;
            return quality(p);
          },
        }),
      );
      await expect(run).rejects.toBeInstanceOf(CancelledError);
      expect(calls).toBe(3);
    }
  });

  it('a CancelledError from the objective cancels the search instead of failing the trial', async () => {
    await expect(
      tune(
        base({
          objective: async () => {
            throw new CancelledError();
          },
        }),
      ),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('records failed trials, never promotes them, and fails when all fail', async () => {
    const { best, trials } = await tune(
      base({
        method: 'random_halving',
        nTrials: 9,
        minResource: 10,
        maxResource: 90,
        objective: async (p, _r, index) => {
          if (index % 2 === 0) throw new Error(`boom ${index}`);
          if (index === 3) return NaN;
          return quality(p);
        },
      }),
    );
    const failed = trials.filter((t) => t.status === 'failed');
    expect(failed.map((t) => t.index)).toEqual([0, 2, 3, 4, 6, 8]);
    expect(failed[0].error).toBe('boom 0');
    expect(trials[3].error).toMatch(/NaN/);
    expect([1, 5, 7]).toContain(best.index);
    expect(best.status).toBe('completed');

    await expect(
      tune(
        base({
          objective: async () => {
            throw new Error('always');
          },
        }),
      ),
    ).rejects.toThrow(/every trial failed.*always/);
  });
});
