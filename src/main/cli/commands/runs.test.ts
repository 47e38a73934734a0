import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry, type RunDetail } from '../../core/registry';
import { runInput, tempDir } from '../../core/registry/fixtures/helpers';
import { captureCli } from '../../core/registry/fixtures/capture';
import { main } from '../program';
import { parseFilter, parseSort } from './runs';

const mlsys = (args: string[]) => captureCli(() => main(args));

let dir: string;
const ids: string[] = [];
beforeAll(() => {
  dir = tempDir();
  const reg = Registry.open(dir);
  for (let i = 0; i < 5; i++) {
    const r = reg.createRun(
      runInput({
        experiment: i < 4 ? 'churn' : 'other',
        name: `run-${i}`,
        params: { 'model.algorithm': i % 2 ? 'logistic' : 'gbdt', 'model.max_depth': i + 3, 'data.seed': 1 },
        status: 'running',
      }),
    );
    ids.push(r.id);
    reg.logMetrics(r.id, { roc_auc: 0.7 + i / 50, log_loss: 0.5 - i / 100 });
    reg.setRunStatus(r.id, i === 2 ? 'failed' : 'succeeded', i === 2 ? { error: 'out of memory' } : {});
  }
  reg.close();
});
afterAll(() => {
  delete process.env.MLSYS_REGISTRY_PATH;
});

describe('mlsys runs', () => {
  it('parses filters and sorts', () => {
    expect(parseFilter('metrics.roc_auc>=0.8')).toEqual({ key: 'metrics.roc_auc', op: '>=', value: '0.8' });
    expect(parseFilter('params.a!=b=c')).toEqual({ key: 'params.a', op: '!=', value: 'b=c' });
    expect(parseFilter('name~run')).toEqual({ key: 'name', op: 'contains', value: 'run' });
    expect(parseSort('-metrics.roc_auc')).toEqual({ key: 'metrics.roc_auc', dir: 'desc' });
    expect(parseSort('started_at')).toEqual({ key: 'started_at', dir: 'asc' });
    expect(parseSort('params.x:desc')).toEqual({ key: 'params.x', dir: 'desc' });
  });

  it('lists, filters and sorts runs as a table or JSON', async () => {
    const all = await mlsys(['runs', 'list', '--registry-path', dir, '--json']);
    expect(all.code).toBe(0);
    const parsed = JSON.parse(all.out) as { total: number; runs: { id: string }[] };
    expect(parsed.total).toBe(5);
    expect(parsed.runs.map((r) => r.id)).toEqual([...ids].reverse());

    const table = await mlsys([
      'runs',
      'list',
      '--registry-path',
      dir,
      '--experiment',
      'churn',
      '--filter',
      'params.model.max_depth>=4',
      'params.data.seed=1',
      '--filter',
      'status!=queued',
      '--sort',
      'metrics.roc_auc:desc',
      '--columns',
      'metrics.roc_auc,params.model.algorithm',
    ]);
    expect(table.code).toBe(0);
    const lines = table.out.split('\n');
    expect(lines[0]).toMatch(
      /^id\s+status\s+experiment\s+name\s+started\s+duration\s+roc_auc\s+params.model.algorithm$/,
    );
    expect(lines.slice(2, 5).map((l) => l.split(/\s+/)[0])).toEqual([ids[3], ids[2], ids[1]]);
    expect(lines[2]).toMatch(/0\.76\s+logistic$/);
    expect(lines.at(-1)).toBe('3 of 3 runs');

    const failed = await mlsys(['runs', 'list', '--registry-path', dir, '--status', 'failed', '--json']);
    expect((JSON.parse(failed.out) as { runs: { id: string }[] }).runs.map((r) => r.id)).toEqual([ids[2]]);
  });

  it('finds the registry through MLSYS_REGISTRY_PATH and MLSYS_HOME', async () => {
    process.env.MLSYS_REGISTRY_PATH = dir;
    expect(JSON.parse((await mlsys(['runs', 'list', '--json'])).out).total).toBe(5);
    delete process.env.MLSYS_REGISTRY_PATH;
    const home = tempDir();
    const prev = process.env.MLSYS_HOME;
    process.env.MLSYS_HOME = home;
    try {
      const reg = Registry.open(path.join(home, 'registry'));
      reg.createRun(runInput());
      reg.close();
      expect(JSON.parse((await mlsys(['runs', 'list', '--json'])).out).total).toBe(1);
    } finally {
      if (prev === undefined) delete process.env.MLSYS_HOME;
      else process.env.MLSYS_HOME = prev;
    }
  });

  it('rejects a malformed filter or status with a usage error', async () => {
    const bad = await mlsys(['runs', 'list', '--registry-path', dir, '--filter', 'nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/expected key<op>value/);
    const status = await mlsys(['runs', 'list', '--registry-path', dir, '--status', 'done']);
    expect(status.code).toBe(2);
    expect(status.err).toMatch(/expected one of queued, running/);
  });

  it('shows a run in full, as text and JSON', async () => {
    const text = await mlsys(['runs', 'show', ids[2], '--registry-path', dir]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/status\s+failed/);
    expect(text.out).toMatch(/error\s+out of memory/);
    expect(text.out).toMatch(/metrics\n\s+log_loss\s+0\.48\n\s+roc_auc\s+0\.74/);
    expect(text.out).toMatch(/model\.max_depth\s+5/);
    const json = JSON.parse(
      (await mlsys(['runs', 'show', ids[2], '--registry-path', dir, '--json'])).out,
    ) as RunDetail;
    expect(json).toMatchObject({ id: ids[2], status: 'failed', params: { 'model.max_depth': 5 } });
    expect(json.config_yaml).toContain('algorithm: gbdt');
    const missing = await mlsys(['runs', 'show', 'nope', '--registry-path', dir]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/No run with id nope/);
  });

  it('diffs two runs: changed config keys only, and metric deltas', async () => {
    const text = await mlsys(['runs', 'diff', ids[0], ids[1], '--registry-path', dir]);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/config \(2 changed\)/);
    expect(text.out).toMatch(/model\.algorithm\s+gbdt\s+logistic/);
    expect(text.out).toMatch(/model\.max_depth\s+3\s+4/);
    expect(text.out).not.toMatch(/data\.seed/);
    expect(text.out).toMatch(/roc_auc\s+0\.7\s+0\.72\s+\+0\.02/);
    const json = JSON.parse(
      (await mlsys(['runs', 'diff', ids[0], ids[1], '--registry-path', dir, '--json'])).out,
    );
    expect(json.config).toEqual([
      { path: 'model.algorithm', a: 'gbdt', b: 'logistic' },
      { path: 'model.max_depth', a: 3, b: 4 },
    ]);
    expect(json.metrics.find((m: { name: string }) => m.name === 'log_loss').delta).toBeCloseTo(-0.01);
    expect((await mlsys(['runs', 'diff', ids[0], 'nope', '--registry-path', dir])).code).toBe(1);
  });
});
