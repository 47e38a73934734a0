import express from 'express';
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/app/paths';
import { Registry, type RegisterVersionResult } from '../../core/registry';
import { tempDir, writeBundle } from '../../core/registry/fixtures/helpers';
import { captureCli } from '../../core/registry/fixtures/capture';
import { main } from '../program';

const mlsys = (args: string[]) => captureCli(() => main(args));

const config = path.join(projectRoot(), 'config', 'base_config.yaml');
let dir: string;
let work: string;
beforeEach(() => {
  dir = tempDir();
  work = tempDir();
});

function evalJson(metrics: Record<string, number>, name = 'eval.json'): string {
  const file = path.join(work, name);
  writeFileSync(file, JSON.stringify({ model: 'x', split: 'test', rows: 100, metrics }));
  return file;
}

const register = (runId: string, auc: number, extra: string[] = []) =>
  mlsys([
    'register',
    writeBundle(work, runId),
    '--config',
    config,
    '--metrics',
    evalJson({ roc_auc_calibrated: auc, roc_auc: auc - 0.01 }, `${runId}.json`),
    '--primary-metric',
    'roc_auc_calibrated',
    '--registry-path',
    dir,
    ...extra,
  ]);

describe('mlsys register', () => {
  it('copies a bundle in, records its run, and promotes it only if it beats the champion', async () => {
    const first = await register('ext-run-1', 0.8);
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/registered hubspot-conversion v1 \(run ext-run-1/);
    expect(first.out).toMatch(/champion: v1/);
    const better = await register('ext-run-2', 0.82, [
      '--min-improvement',
      '0.01',
      '--reason',
      'weekly retrain',
    ]);
    expect(better.out).toMatch(/champion: v2 — v2 beats champion v1/);
    const worse = await register('ext-run-3', 0.81);
    expect(worse.out).toMatch(/not promoted — v3 is worse than champion v2/);

    const reg = Registry.open(dir);
    try {
      expect(reg.getChampion('hubspot-conversion')!.version).toBe(2);
      const run = reg.getRun('ext-run-2')!;
      expect(run).toMatchObject({
        status: 'succeeded',
        config_hash: 'cfg-ext-run-2',
        data_fingerprint: 'data-fp-1',
      });
      expect(run.metrics.roc_auc_calibrated).toBe(0.82);
      expect(run.params['model.algorithm']).toBe('gbdt');
      expect(run.tags.registered_by).toBe('mlsys register');
      expect(reg.promotionHistory('hubspot-conversion')[1].reason).toMatch(/^weekly retrain — v2 beats/);
    } finally {
      reg.close();
    }
  });

  it('prints JSON, honours --name, and reuses a run the registry already tracks', async () => {
    const reg = Registry.open(dir);
    const run = reg.createRun({
      experiment: 'e',
      config_yaml: 'x: 1\n',
      config_hash: 'h',
      params: { x: 1 },
      seed: 1,
      data_fingerprint: 'd',
    });
    reg.close();
    const res = await register(run.id, 0.7, ['--name', 'upsell', '--json']);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.out) as RegisterVersionResult;
    expect(out).toMatchObject({ promoted: true, version: { name: 'upsell', version: 1, run_id: run.id } });
    const again = Registry.open(dir);
    expect(again.listRuns().total).toBe(1);
    again.close();
  });

  it('fails clearly on a missing primary metric, a non-bundle file or unreadable metrics', async () => {
    const noMetric = await mlsys([
      'register',
      writeBundle(work, 'r1'),
      '--config',
      config,
      '--metrics',
      evalJson({ accuracy: 0.9 }),
      '--primary-metric',
      'roc_auc_calibrated',
      '--registry-path',
      dir,
    ]);
    expect(noMetric.code).toBe(1);
    expect(noMetric.err).toMatch(/no finite value for the primary metric roc_auc_calibrated/);
    const notBundle = path.join(work, 'x.bundle');
    writeFileSync(notBundle, '{"kind":"zip"}');
    const bad = await mlsys([
      'register',
      notBundle,
      '--config',
      config,
      '--metrics',
      evalJson({ roc_auc: 1 }),
      '--registry-path',
      dir,
    ]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/not an ml-sys bundle/);
    const noJson = await mlsys([
      'register',
      writeBundle(work, 'r2'),
      '--config',
      config,
      '--metrics',
      config,
      '--registry-path',
      dir,
    ]);
    expect(noJson.err).toMatch(/cannot read JSON/);
    expect(
      (await mlsys(['register', writeBundle(work, 'r3'), '--metrics', 'x', '--registry-path', dir])).code,
    ).toBe(2);
  });
});

describe('mlsys register --mlflow', () => {
  const servers: Server[] = [];
  afterEach(() => {
    delete process.env.MLFLOW_TRACKING_URI;
    for (const s of servers.splice(0)) s.close();
  });

  function fake(status = 200): Promise<{ uri: string; seen: string[] }> {
    const seen: string[] = [];
    const app = express();
    app.use((req, res, next) => {
      seen.push(`${req.method} ${req.path}`);
      if (status !== 200) res.status(status).json({ error_code: 'INTERNAL_ERROR' });
      else next();
    });
    app.get('/api/2.0/mlflow/experiments/get-by-name', (_q, r) =>
      r.json({ experiment: { experiment_id: '1' } }),
    );
    app.post('/api/2.0/mlflow/runs/create', (_q, r) =>
      r.json({ run: { info: { run_id: 'm1', artifact_uri: 'mlflow-artifacts:/1/m1/artifacts' } } }),
    );
    app.post('/api/2.0/mlflow/runs/log-batch', (_q, r) => r.json({}));
    app.put('/api/2.0/mlflow-artifacts/artifacts/*rest', (_q, r) => r.json({}));
    app.post('/api/2.0/mlflow/runs/update', (_q, r) => r.json({}));
    return new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () =>
        resolve({ uri: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen }),
      );
      servers.push(s);
    });
  }

  it('mirrors the run and uploads the bundle', async () => {
    const { uri, seen } = await fake();
    process.env.MLFLOW_TRACKING_URI = uri;
    const res = await register('ml-1', 0.8, ['--mlflow']);
    expect(res.code).toBe(0);
    expect(res.err).toBe('');
    expect(seen).toContain('PUT /api/2.0/mlflow-artifacts/artifacts/1/m1/artifacts/model.bundle');
    expect(seen.at(-1)).toBe('POST /api/2.0/mlflow/runs/update');
  });

  it('warns once and still registers when MLflow fails', async () => {
    const { uri } = await fake(500);
    process.env.MLFLOW_TRACKING_URI = uri;
    const res = await register('ml-2', 0.8, ['--mlflow']);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/registered hubspot-conversion v1/);
    expect(res.err.match(/warning: MLflow tracking/g)).toHaveLength(1);
  });
});
