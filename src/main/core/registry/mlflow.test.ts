import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Registry } from './index';
import { logRunToMlflow, mirrorRunToMlflow } from './mlflow';
import { runInput, tempDir } from './fixtures/helpers';

interface Seen {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body: unknown;
}

/** A tiny stand-in for the MLflow tracking server's endpoints that the client calls. */
function fakeMlflow(
  opts: { experimentExists?: boolean; failOn?: string; hangOn?: string; proxyArtifacts?: boolean } = {},
) {
  const seen: Seen[] = [];
  const app = express();
  app.use('/api/2.0/mlflow-artifacts', express.raw({ type: () => true, limit: '10mb' }));
  app.use(express.json());
  app.use((req, res, next) => {
    seen.push({
      method: req.method,
      path: req.path,
      query: { ...req.query },
      body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : req.body,
    });
    if (opts.hangOn && req.path.endsWith(opts.hangOn)) return; // never answers
    if (opts.failOn && req.path.endsWith(opts.failOn)) {
      res.status(500).json({ error_code: 'INTERNAL_ERROR', message: 'boom' });
      return;
    }
    next();
  });
  app.get('/api/2.0/mlflow/experiments/get-by-name', (_req, res) => {
    if (opts.experimentExists) res.json({ experiment: { experiment_id: '7' } });
    else res.status(404).json({ error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no' });
  });
  app.post('/api/2.0/mlflow/experiments/create', (_req, res) => res.json({ experiment_id: '12' }));
  app.post('/api/2.0/mlflow/runs/create', (_req, res) =>
    res.json({
      run: {
        info: {
          run_id: 'mlf-run-1',
          artifact_uri:
            opts.proxyArtifacts === false ? 's3://bucket/x' : 'mlflow-artifacts:/12/mlf-run-1/artifacts',
        },
      },
    }),
  );
  app.post('/api/2.0/mlflow/runs/log-batch', (_req, res) => res.json({}));
  app.post('/api/2.0/mlflow/runs/update', (_req, res) => res.json({ run_info: {} }));
  app.put('/api/2.0/mlflow-artifacts/artifacts/*rest', (_req, res) => res.json({}));
  return { app, seen };
}

const servers: Server[] = [];
function listen(app: express.Express): Promise<string> {
  return new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    );
    servers.push(s);
  });
}
afterEach(() => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

describe('MLflow REST tracking', () => {
  it('creates the experiment and run, logs params and metrics in batches, uploads artifacts, ends the run', async () => {
    const { app, seen } = fakeMlflow();
    const uri = await listen(app);
    const dir = tempDir();
    const file = path.join(dir, 'model.bundle');
    writeFileSync(file, 'BUNDLE-BYTES');
    const params = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [`p.k${i}`, i % 2 ? i : { nested: i }]),
    );
    const warnings: string[] = [];
    const res = await logRunToMlflow(
      `${uri}/`,
      {
        experiment: 'churn',
        run_name: 'r1',
        params,
        metrics: { roc_auc: 0.9 },
        history: { loss: [{ step: 3, value: 0.5 }] },
        tags: { team: 'growth' },
        artifacts: [{ name: 'model.bundle', file }],
        status: 'FINISHED',
      },
      { warn: (m) => warnings.push(m) },
    );
    expect(warnings).toEqual([]);
    expect(res).toEqual({
      ok: true,
      run_id: 'mlf-run-1',
      experiment_id: '12',
      artifacts_uploaded: 1,
      artifacts_skipped: 0,
    });
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /api/2.0/mlflow/experiments/get-by-name',
      'POST /api/2.0/mlflow/experiments/create',
      'POST /api/2.0/mlflow/runs/create',
      'POST /api/2.0/mlflow/runs/log-batch',
      'POST /api/2.0/mlflow/runs/log-batch',
      'POST /api/2.0/mlflow/runs/log-batch',
      'PUT /api/2.0/mlflow-artifacts/artifacts/12/mlf-run-1/artifacts/model.bundle',
      'POST /api/2.0/mlflow/runs/update',
    ]);
    expect(seen[0].query).toEqual({ experiment_name: 'churn' });
    expect(seen[1].body).toEqual({ name: 'churn' });
    expect(seen[2].body).toMatchObject({
      experiment_id: '12',
      run_name: 'r1',
      tags: [{ key: 'team', value: 'growth' }],
    });
    const b1 = seen[3].body as { run_id: string; params: { key: string; value: string }[] };
    const b2 = seen[4].body as { params: { key: string; value: string }[] };
    expect(b1.run_id).toBe('mlf-run-1');
    expect(b1.params).toHaveLength(100); // MLflow's per-request limit
    expect(b2.params).toHaveLength(50);
    expect(b1.params[0]).toEqual({ key: 'p.k0', value: '{"nested":0}' });
    expect(b1.params[1]).toEqual({ key: 'p.k1', value: '1' });
    const m = (seen[5].body as { metrics: { key: string; value: number; step: number }[] }).metrics;
    expect(m.map(({ key, value, step }) => [key, value, step])).toEqual([
      ['roc_auc', 0.9, 0],
      ['loss', 0.5, 3],
    ]);
    expect(seen[6].body).toBe('BUNDLE-BYTES');
    expect(seen[7].body).toMatchObject({ run_id: 'mlf-run-1', status: 'FINISHED' });
  });

  it('reuses an existing experiment and skips uploads the server cannot take', async () => {
    const { app, seen } = fakeMlflow({ experimentExists: true, proxyArtifacts: false });
    const uri = await listen(app);
    const res = await logRunToMlflow(uri, {
      experiment: 'churn',
      params: {},
      metrics: {},
      artifacts: [{ name: 'x', file: '/etc/hostname' }],
      status: 'FAILED',
    });
    expect(res).toMatchObject({ ok: true, experiment_id: '7', artifacts_uploaded: 0, artifacts_skipped: 1 });
    expect(seen.map((s) => s.path)).not.toContain('/api/2.0/mlflow/experiments/create');
  });

  it('turns a server error, an unreachable server or a timeout into exactly one warning', async () => {
    const failing = fakeMlflow({ failOn: 'log-batch' });
    const hanging = fakeMlflow({ hangOn: 'runs/create' });
    const cases = [await listen(failing.app), 'http://127.0.0.1:1', await listen(hanging.app)];
    const errors: string[] = [];
    for (const uri of cases) {
      const warnings: string[] = [];
      const res = await logRunToMlflow(
        uri,
        { experiment: 'e', params: { a: 1 }, metrics: { m: 1 }, status: 'FINISHED' },
        { warn: (w) => warnings.push(w), timeoutMs: 300 },
      );
      expect(res.ok).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/MLflow tracking at .* failed .*local registry only/);
      errors.push(warnings[0]);
    }
    expect(errors[0]).toMatch(/HTTP 500 INTERNAL_ERROR/);
    expect(errors[2]).toMatch(/timed out after 300 ms/);
  });

  it('mirrors a registry run with its params, metrics, history and tags', async () => {
    const { app, seen } = fakeMlflow();
    const uri = await listen(app);
    const reg = Registry.open(tempDir());
    try {
      const run = reg.createRun(runInput({ status: 'running', tags: { team: 'growth' }, name: 'nice' }));
      reg.logMetrics(run.id, { roc_auc: 0.8 });
      reg.logMetricHistory(run.id, 'loss', [{ step: 1, value: 0.3 }]);
      reg.setRunStatus(run.id, 'succeeded');
      const res = await mirrorRunToMlflow(reg, run.id, uri);
      expect(res.ok).toBe(true);
      const create = seen.find((s) => s.path.endsWith('runs/create'))!.body as {
        tags: { key: string; value: string }[];
      };
      expect(create.tags).toEqual(
        expect.arrayContaining([
          { key: 'team', value: 'growth' },
          { key: 'mlsys.run_id', value: run.id },
        ]),
      );
      const batches = seen
        .filter((s) => s.path.endsWith('log-batch'))
        .map((s) => s.body as Record<string, unknown[]>);
      expect(batches[0].params).toHaveLength(3);
      expect(batches[1].metrics).toHaveLength(2);
    } finally {
      reg.close();
    }
  });
});
