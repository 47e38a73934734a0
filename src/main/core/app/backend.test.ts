import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_NAMES, dispatch } from '../../../shared/api';
import type { EventMap } from '../../../shared/api';
import { startBackend, type Backend } from './backend';

let backend: Backend;
let home: string;
const events: Array<{ event: string; payload: unknown }> = [];

// A small, fast model so the real pipeline runs in a second or two.
const FAST = ['model.hyperparameters.n_estimators=30', 'model.hyperparameters.early_stopping_rounds=0'];

async function call<T>(name: string, args: unknown): Promise<T> {
  const r = await dispatch(backend.handlers, { id: 'x', name, args });
  if (!r.ok) throw new Error(`${name}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

function waitFor<E extends keyof EventMap>(
  event: E,
  pred: (p: EventMap[E]) => boolean,
  ms = 120_000,
): Promise<EventMap[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${event}`)), ms);
    const off = backend.events.onAny((e, p) => {
      if ((e as string) === event && pred(p as EventMap[E])) {
        clearTimeout(timer);
        off();
        resolve(p as EventMap[E]);
      }
    });
  });
}

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-backend-'));
  backend = await startBackend({ env: { MLSYS_HOME: home, MLSYS_SERVING__PORT: '0' } });
  backend.events.onAny((event, payload) => events.push({ event, payload }));
});

afterAll(async () => {
  await backend?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the app backend (real pipeline, registry and scoring port)', () => {
  it('implements every API name exactly once', () => {
    expect(Object.keys(backend.handlers).sort()).toEqual([...API_NAMES].sort());
  });

  it('lists and validates configs, naming the line of an error', async () => {
    const files = await call<{ path: string }[]>('configs.list', {});
    expect(files.map((f) => f.path)).toContain('base_config.yaml');
    const bad = await call<{ ok: boolean; issues: { formatted: string }[] }>('configs.validate', {
      text: 'model:\n  hyperparameters:\n    max_depth: six\n',
      path: 'experiments/bad.yaml',
    });
    expect(bad.ok).toBe(false);
    expect(bad.issues[0].formatted).toMatch(/bad\.yaml:3:\d+ model\.hyperparameters\.max_depth/);
  });

  it('describes and previews the dataset of a config', async () => {
    const summary = await call<{ rows: number; positives: number; columns: { name: string }[] }>(
      'data.describe',
      {
        configPath: 'base_config.yaml',
      },
    );
    expect(summary.rows).toBeGreaterThan(1000);
    expect(summary.positives).toBeGreaterThan(0);
    expect(summary.columns.map((c) => c.name)).toContain('ALEXA_RANK');
    const preview = await call<{ columns: string[]; rows: unknown[][] }>('data.preview', {
      configPath: 'base_config.yaml',
      limit: 5,
    });
    expect(preview.rows).toHaveLength(5);
    expect(preview.rows[0]).toHaveLength(preview.columns.length);
  });

  it('saves a valid experiment, refuses an invalid one and never overwrites by accident', async () => {
    const text = 'extends: ../base_config.yaml\nmodel:\n  hyperparameters:\n    max_depth: 3\n';
    const saved = await call<{ path: string; kind: string }>('configs.save', {
      path: 'experiments/zz_test_tmp.yaml',
      text,
    });
    try {
      expect(saved).toMatchObject({ path: 'experiments/zz_test_tmp.yaml', kind: 'experiment' });
      const again = await dispatch(backend.handlers, {
        id: '2',
        name: 'configs.save',
        args: { path: 'experiments/zz_test_tmp.yaml', text },
      });
      expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
      const bad = await dispatch(backend.handlers, {
        id: '3',
        name: 'configs.save',
        args: {
          path: 'experiments/zz_bad_tmp.yaml',
          text: 'model:\n  hyperparameters:\n    max_depth: six\n',
        },
      });
      expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      const read = await call<{ text: string }>('configs.read', { path: 'experiments/zz_test_tmp.yaml' });
      expect(read.text).toBe(text);
    } finally {
      rmSync(path.join(backend.paths.configDir, 'experiments', 'zz_test_tmp.yaml'), { force: true });
    }
    expect(existsSync(path.join(backend.paths.configDir, 'experiments', 'zz_bad_tmp.yaml'))).toBe(false);
  });

  it('refuses config paths outside the config folder', async () => {
    const r = await dispatch(backend.handlers, {
      id: '1',
      name: 'configs.read',
      args: { path: '../package.json' },
    });
    expect(r).toMatchObject({ ok: false });
  });

  it('answers 503 on /score before any model exists', async () => {
    const status = await call<{ url: string; running: boolean }>('serving.status', {});
    expect(status.running).toBe(true);
    const res = await fetch(`${status.url}/score`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ records: [{}] }),
    });
    expect(res.status).toBe(503);
  });

  it('trains a run in a worker, streams progress, registers the champion and serves it', async () => {
    const finished = waitFor('run.finished', () => true);
    const { run_id } = await call<{ run_id: string }>('runs.start', {
      configPath: 'base_config.yaml',
      overrides: { set: FAST },
    });
    const done = await finished;
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ run_id, status: 'succeeded' });
    expect(
      events.some((e) => e.event === 'run.progress' && (e.payload as { stage: string }).stage === 'training'),
    ).toBe(true);
    expect(done.metrics.roc_auc).toBeGreaterThan(0.6);

    const run = await call<{ status: string; artifacts: { kind: string }[]; model_version: number }>(
      'runs.get',
      { run_id },
    );
    expect(run.status).toBe('succeeded');
    expect(run.artifacts.map((a) => a.kind).sort()).toEqual([
      'bundle',
      'config',
      'evaluation',
      'metrics',
      'report',
    ]);
    const curves = await call<{ roc: { x: number[] } } | null>('runs.curves', { run_id });
    expect(curves?.roc.x.length).toBeGreaterThan(2);

    const champion = await call<{ version: number; run_id: string }>('registry.champion', {});
    expect(champion).toMatchObject({ version: 1, run_id });

    const status = await call<{ url: string }>('serving.status', {});
    const deadline = Date.now() + 10_000;
    let body: { model: { version: number }; predictions: { probability: number }[] } | undefined;
    while (Date.now() < deadline) {
      const res = await fetch(`${status.url}/score`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          records: [{ ALEXA_RANK: 50000, EMPLOYEE_RANGE: '26 to 50', INDUSTRY: 'COMPUTER_SOFTWARE' }],
        }),
      });
      if (res.status === 200) {
        body = (await res.json()) as typeof body;
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(body?.model.version).toBe(1);
    expect(body?.predictions[0].probability).toBeGreaterThanOrEqual(0);
  });

  it('records each tuning trial as a child run of its run', async () => {
    const finished = waitFor('run.finished', () => true);
    const { run_id } = await call<{ run_id: string }>('runs.start', {
      configPath: 'base_config.yaml',
      overrides: { tune: true, set: [...FAST, 'model.tune.n_trials=3', 'model.tune.cv_folds=2'] },
    });
    const done = await finished;
    expect(done.error).toBeNull();
    const run = await call<{
      children: { parent_run_id: string; metrics: Record<string, number>; status: string }[];
    }>('runs.get', { run_id });
    expect(run.children).toHaveLength(3);
    for (const c of run.children) {
      expect(c.parent_run_id).toBe(run_id);
      expect(c.status).toBe('succeeded');
      expect(c.metrics.cv_score).toBeGreaterThan(0.5);
    }
    // trials are not listed among top-level runs
    const { runs } = await call<{ runs: { run_id: string }[] }>('runs.list', {});
    expect(runs.map((r) => r.run_id)).not.toContain(
      run.children[0] && (run.children[0] as unknown as { run_id: string }).run_id,
    );
  });

  it('exports the snapshot of a run', async () => {
    const { runs } = await call<{ runs: { run_id: string }[] }>('runs.list', {});
    const snap = await call<{ yaml: string; hash: string }>('snapshots.export', { run_id: runs[0].run_id });
    expect(snap.yaml).toContain('algorithm: gbdt');
    expect(snap.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
