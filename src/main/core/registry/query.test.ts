import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry, RegistryError, type RunSummary } from './index';
import { runInput, tempDir } from './fixtures/helpers';

let reg: Registry;
const ids: string[] = [];
beforeAll(() => {
  reg = Registry.open(tempDir());
  const algos = ['gbdt', 'logistic', 'mlp'];
  for (let i = 0; i < 12; i++) {
    const r = reg.createRun(
      runInput({
        experiment: i < 8 ? 'churn' : 'upsell',
        name: `run-${i}`,
        params: {
          'model.algorithm': algos[i % 3],
          'model.max_depth': i,
          'data.path': `data/set_${i % 2}.csv`,
        },
        tags: i % 4 === 0 ? { baseline: '', owner: 'ana' } : { owner: i % 2 ? 'bo' : 'ana' },
        status: 'running',
      }),
    );
    ids.push(r.id);
    if (i !== 11) reg.logMetrics(r.id, { roc_auc: 0.7 + i / 100, log_loss: 1 - i / 20 });
    if (i % 5 === 0) reg.setRunStatus(r.id, 'failed', { error: 'x' });
    else if (i !== 11) reg.setRunStatus(r.id, 'succeeded');
  }
});
afterAll(() => reg.close());

const names = (runs: RunSummary[]): string[] => runs.map((r) => r.name!);

describe('listRuns', () => {
  it('lists newest first by default with the total, params and metrics', () => {
    const { total, runs } = reg.listRuns({ limit: 3 });
    expect(total).toBe(12);
    expect(runs.map((r) => r.id)).toEqual([ids[11], ids[10], ids[9]]);
    expect(runs[1].params['model.algorithm']).toBe('logistic');
    expect(runs[1].metrics.roc_auc).toBeCloseTo(0.8);
  });

  it('filters by experiment, status (one or many) and tags', () => {
    expect(reg.listRuns({ experiment: 'upsell' }).total).toBe(4);
    expect(names(reg.listRuns({ status: 'failed', sort: { key: 'name', dir: 'asc' } }).runs)).toEqual([
      'run-0',
      'run-10',
      'run-5',
    ]);
    expect(reg.listRuns({ status: ['failed', 'running'] }).total).toBe(4);
    expect(reg.listRuns({ filter: [{ key: 'tags', op: '=', value: 'baseline' }] }).total).toBe(3);
    expect(reg.listRuns({ filter: [{ key: 'tags', op: '!=', value: 'baseline' }] }).total).toBe(9);
    expect(reg.listRuns({ filter: [{ key: 'tags.owner', op: '=', value: 'bo' }] }).total).toBe(6);
    expect(reg.listRuns({ filter: [{ key: 'tags.owner', op: '!=', value: 'bo' }] }).total).toBe(6);
    expect(reg.listRuns({ filter: [{ key: 'tags', op: 'contains', value: 'base' }] }).total).toBe(3);
    expect(reg.listRuns({ sort: { key: 'tags.owner', dir: 'desc' }, limit: 1 }).runs[0].tags.owner).toBe(
      'bo',
    );
  });

  it('filters on params numerically, by text, and by substring', () => {
    const q = (key: string, op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains', value: string | number) =>
      reg.listRuns({ filter: [{ key, op, value }] }).total;
    expect(q('params.model.max_depth', '>', 9)).toBe(2);
    expect(q('params.model.max_depth', '<=', '2')).toBe(3);
    expect(q('params.model.max_depth', '=', '10')).toBe(1);
    expect(q('params.model.algorithm', '=', 'mlp')).toBe(4);
    expect(q('params.model.algorithm', '!=', 'mlp')).toBe(8);
    expect(q('model.algorithm', 'contains', 'lo')).toBe(4);
    expect(q('params.data.path', 'contains', 'set_1')).toBe(6);
    expect(q('params.data.path', 'contains', '%')).toBe(0);
  });

  it('filters on metrics and run columns, combining filters with AND', () => {
    expect(reg.listRuns({ filter: [{ key: 'metrics.roc_auc', op: '>=', value: 0.75 }] }).total).toBe(6);
    expect(
      reg.listRuns({
        filter: [
          { key: 'metrics.roc_auc', op: '>=', value: 0.75 },
          { key: 'params.model.algorithm', op: '=', value: 'gbdt' },
        ],
      }).total,
    ).toBe(2);
    expect(reg.listRuns({ filter: [{ key: 'name', op: 'contains', value: 'run-1' }] }).total).toBe(3);
    // The total counts every match, also when the page is short or past the end.
    const f = [{ key: 'metrics.roc_auc', op: '>=' as const, value: 0.75 }];
    expect(reg.listRuns({ filter: f, limit: 2 })).toMatchObject({ total: 6, runs: { length: 2 } });
    expect(reg.listRuns({ filter: f, limit: 2, offset: 10 })).toEqual({ total: 6, runs: [] });
    expect(() => reg.listRuns({ filter: [{ key: 'metrics.roc_auc', op: 'contains', value: 'x' }] })).toThrow(
      RegistryError,
    );
  });

  it('sorts by metric (missing last), by param and by column, with paging', () => {
    const byAuc = reg.listRuns({ sort: { key: 'metrics.roc_auc', dir: 'desc' } }).runs;
    expect(names(byAuc).slice(0, 2)).toEqual(['run-10', 'run-9']);
    expect(byAuc.at(-1)!.name).toBe('run-11');
    const byLoss = reg.listRuns({ sort: { key: 'metrics.log_loss', dir: 'asc' }, limit: 2, offset: 1 });
    expect(names(byLoss.runs)).toEqual(['run-9', 'run-8']);
    expect(byLoss.total).toBe(12);
    const byDepth = reg.listRuns({ sort: { key: 'params.model.max_depth', dir: 'desc' }, limit: 2 }).runs;
    expect(names(byDepth)).toEqual(['run-11', 'run-10']);
    const byAlgo = reg.listRuns({ sort: { key: 'params.model.algorithm', dir: 'asc' }, limit: 1 }).runs;
    expect(byAlgo[0].params['model.algorithm']).toBe('gbdt');
    const started = reg.listRuns({ sort: { key: 'started_at', dir: 'asc' } }).runs;
    expect(started[0].id).toBe(ids[0]);
  });
});

describe('listRuns fast path (unfiltered sort by a metric or param)', () => {
  it('orders exactly like the general query, across pages, with ties, mixed types and missing values', () => {
    const r = Registry.open(tempDir());
    try {
      const values: unknown[] = [3, 'b', 1.5, undefined, 3, 'a', null, true, -2, undefined, 'b', 0];
      values.forEach((v, i) => {
        const params: Record<string, unknown> = { other: i };
        if (v !== undefined) params.x = v;
        const run = r.createRun(runInput({ params }));
        if (i % 4 !== 1) r.logMetrics(run.id, { auc: [0.5, 0.7, 0.5, 0.9][i % 4] });
      });
      const always = { key: 'seed', op: '>=' as const, value: -1 };
      for (const key of ['params.x', 'metrics.auc']) {
        for (const dir of ['asc', 'desc'] as const) {
          const general = r.listRuns({ sort: { key, dir }, filter: [always] }).runs.map((x) => x.id);
          const fast = r.listRuns({ sort: { key, dir } });
          expect(fast.total).toBe(12);
          expect(fast.runs.map((x) => x.id)).toEqual(general);
          for (const [limit, offset] of [
            [5, 0],
            [5, 5],
            [5, 10],
            [3, 8],
            [4, 20],
            [0, 0],
          ]) {
            const pageIds = r.listRuns({ sort: { key, dir }, limit, offset }).runs.map((x) => x.id);
            expect(pageIds).toEqual(general.slice(offset, offset + limit));
          }
        }
      }
    } finally {
      r.close();
    }
  });
});
