import { afterAll, describe, expect, it, vi } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../program';

const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-cli-train-'));
const FAST = ['--set', 'model.hyperparameters.n_estimators=25', '--set', 'model.hyperparameters.n_threads=1'];
let savedHome: string | undefined;

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err.push(String(s));
    return true;
  });
  savedHome = process.env.MLSYS_HOME;
  process.env.MLSYS_HOME = home;
  try {
    const code = await main(args);
    return { code, out: out.join('\n'), err: err.join('') };
  } finally {
    if (savedHome === undefined) delete process.env.MLSYS_HOME;
    else process.env.MLSYS_HOME = savedHome;
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
}

afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('mlsys train / evaluate', () => {
  it('trains, prints raw and calibrated metrics, writes the bundle, and evaluate reproduces the test metrics', async () => {
    const output = path.join(home, 'out', 'model.bundle');
    const train = await cli([
      'train',
      '--config',
      'config/base_config.yaml',
      '--calibration-size',
      '0.1',
      '--output',
      output,
      '--json',
      ...FAST,
    ]);
    expect(train.err).not.toMatch(/error:/);
    expect(train.code).toBe(0);
    const result = JSON.parse(train.out) as {
      run_id: string;
      metrics: Record<string, number>;
      model: { promoted: boolean };
    };
    expect(result.metrics.roc_auc).toBeGreaterThan(0.75);
    expect(result.metrics.roc_auc_calibrated).toBeGreaterThan(0.7);
    expect(result.metrics.pr_auc_calibrated).toBeDefined();
    expect(result.model.promoted).toBe(true);
    expect(existsSync(output)).toBe(true);

    const evalOut = path.join(home, 'eval.json');
    const evaluated = await cli([
      'evaluate',
      '--config',
      'config/base_config.yaml',
      '--calibration-size',
      '0.1',
      '--model',
      output,
      '--output',
      evalOut,
    ]);
    expect(evaluated.err).toBe('');
    expect(evaluated.code).toBe(0);
    const metrics = (JSON.parse(readFileSync(evalOut, 'utf8')) as { metrics: Record<string, number> })
      .metrics;
    for (const k of ['roc_auc', 'roc_auc_calibrated', 'pr_auc', 'log_loss', 'brier', 'f1', 'accuracy']) {
      expect(metrics[k]).toBeCloseTo(result.metrics[k], 12);
    }

    const fromRegistry = await cli([
      'evaluate',
      '--config',
      'config/base_config.yaml',
      '--calibration-size',
      '0.1',
      '--use-registry',
      '--json',
    ]);
    expect(fromRegistry.code).toBe(0);
    expect((JSON.parse(fromRegistry.out) as { metrics: Record<string, number> }).metrics.roc_auc).toBeCloseTo(
      result.metrics.roc_auc,
      12,
    );
  });

  it('prints a metrics table in text mode', async () => {
    const r = await cli(['train', '--no-progress', ...FAST]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/metric\s+raw\s+calibrated/);
    expect(r.out).toMatch(/roc_auc\s+0\.\d{4}\s+0\.\d{4}/);
    expect(r.out).toMatch(/registered hubspot-conversion v2/);
  });

  it('fails with a clear message and a non-zero exit on bad input', async () => {
    const badSet = await cli(['train', '--set', 'model.hyperparameters.max_depth=six']);
    expect(badSet.code).not.toBe(0);
    expect(badSet.err).toMatch(/model\.hyperparameters\.max_depth: expected an integer/);
    const badCal = await cli(['train', '--calibration-size', 'lots']);
    expect(badCal.code).toBe(2);
    expect(badCal.err).toMatch(/--calibration-size: expected a number in \[0, 1\), got "lots"/);
    const missingData = await cli(['train', '--data-dir', path.join(home, 'nowhere'), ...FAST]);
    expect(missingData.code).toBe(1);
    expect(missingData.err).toMatch(/customers\.csv/);
    // a registry that cannot be opened: the training it started stops, and the error is reported
    const notADir = path.join(home, 'registry-file');
    writeFileSync(notADir, 'not a folder');
    const badRegistry = await cli(['train', '--registry-path', notADir, '--no-progress', ...FAST]);
    expect(badRegistry.code).toBe(1);
    expect(badRegistry.err).toMatch(/ENOTDIR|not a directory/);
    const noModel = await cli(['evaluate']);
    expect(noModel.code).toBe(2);
  });

  it('mirrors the run to MLflow when tracking.mlflow_uri is set, and an MLflow outage never fails the run', async () => {
    const seen: string[] = [];
    const app = express();
    app.use(express.json());
    app.use((req, _res, next) => {
      seen.push(`${req.method} ${req.path}`);
      next();
    });
    app.get('/api/2.0/mlflow/experiments/get-by-name', (_req, res) =>
      res.json({ experiment: { experiment_id: '3' } }),
    );
    app.post('/api/2.0/mlflow/runs/create', (_req, res) =>
      res.json({ run: { info: { run_id: 'm1', artifact_uri: 'mlflow-artifacts:/3/m1/artifacts' } } }),
    );
    app.post('/api/2.0/mlflow/runs/log-batch', (_req, res) => res.json({}));
    app.post('/api/2.0/mlflow/runs/update', (_req, res) => res.json({}));
    app.put('/api/2.0/mlflow-artifacts/artifacts/*rest', (_req, res) => res.json({}));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const uri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const ok = await cli(['train', '--no-progress', '--set', `tracking.mlflow_uri=${uri}`, ...FAST]);
      expect(ok.code).toBe(0);
      expect(seen).toContain('POST /api/2.0/mlflow/runs/create');
      expect(seen).toContain('POST /api/2.0/mlflow/runs/log-batch');
    } finally {
      server.close();
    }
    const down = await cli([
      'train',
      '--no-progress',
      '--set',
      'tracking.mlflow_uri=http://127.0.0.1:1',
      ...FAST,
    ]);
    expect(down.code).toBe(0);
    expect(down.err).toMatch(/MLflow/);
  });
});
