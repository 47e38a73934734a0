import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readBundle } from '../bundle/bundle';
import { loadConfig } from '../config/load';
import { loadDataset, takeRows } from '../data';
import { projectRoot } from '../app/paths';
import { CancelledError } from '../models/types';
import { makeSplits, runPipeline } from './pipeline';
import type { ProgressUpdate, TrialRecord } from './protocol';

const root = projectRoot();
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlsys-pipeline-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function resolved(set: string[]) {
  return loadConfig(path.join(root, 'config/base_config.yaml'), {
    env: { MLSYS_HOME: tmp },
    cwd: root,
    overrides: {
      set: ['model.hyperparameters.n_estimators=25', 'model.hyperparameters.n_threads=1', ...set],
    },
  });
}

async function run(
  set: string[] = [],
  hooks: Parameters<typeof runPipeline>[1] = {},
  id = 'r',
  options: { passConfig?: boolean } = {},
) {
  const r = await resolved(set);
  return runPipeline(
    {
      run_id: id,
      config_yaml: r.yaml,
      ...(options.passConfig ? { config: structuredClone(r.config) } : {}),
      out_dir: path.join(tmp, id),
      base_dir: root,
    },
    hooks,
  );
}

describe('training pipeline', () => {
  it('runs every stage in order and writes every artifact', async () => {
    const stages: string[] = [];
    const updates: ProgressUpdate[] = [];
    const result = await run(
      [],
      {
        onProgress: (p: ProgressUpdate) => {
          stages.push(p.stage);
          updates.push(p);
        },
      },
      'stages',
    );
    // metrics come every few rounds; the rounds between carry none rather than NaN
    const numbers = updates.flatMap((p) => [p.train_loss, p.valid_loss, p.train_auc, p.valid_auc]);
    expect(numbers.filter((v) => v !== undefined).every((v) => Number.isFinite(v))).toBe(true);
    expect(updates.filter((p) => p.train_loss !== undefined).length).toBe(13);
    const order = ['loading', 'features', 'training', 'calibrating', 'evaluating', 'saving', 'done'];
    const firsts = order.map((s) => stages.indexOf(s));
    expect(firsts.every((i) => i >= 0)).toBe(true);
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts);
    expect(result.metrics.roc_auc).toBeGreaterThan(0.75);
    expect(result.metrics.roc_auc_calibrated).toBeDefined();
    expect(result.artifacts.map((a) => path.basename(a.path)).sort()).toEqual([
      'classification_report.txt',
      'config_snapshot.yaml',
      'curves.json',
      'metrics.json',
      'model.bundle',
    ]);
    expect(readFileSync(path.join(tmp, 'stages', 'classification_report.txt'), 'utf8')).toMatch(
      /precision\s+recall\s+f1-score\s+support/,
    );
    // 25 rounds, metrics every ceil(25 / 20) = 2 rounds and at the last: rounds 2, 4, …, 24, 25
    expect(result.history.train_loss.map((p) => p.step)).toEqual([
      ...Array.from({ length: 12 }, (_, i) => 2 * (i + 1)),
      25,
    ]);
  });

  it('reports every round with metrics and the last; the others at most every 50 ms', async () => {
    const rounds: ProgressUpdate[] = [];
    const result = await run(
      ['model.hyperparameters.early_stopping_rounds=0', 'model.hyperparameters.n_estimators=60'],
      { onProgress: (p) => p.stage === 'training' && p.iteration !== undefined && rounds.push(p) },
      'rounds',
    );
    // no validation rows: metrics every ceil(60 / 20) = 3 rounds
    const measured = rounds.filter((p) => p.train_loss !== undefined).map((p) => p.iteration);
    expect(measured).toEqual(result.history.train_loss.map((p) => p.step));
    expect(rounds.at(-1)?.iteration).toBe(60);
    expect(rounds.length).toBeLessThan(60); // 60 small trees take far less than 50 ms each
  });

  it('is deterministic: the same config on the same data gives a byte-identical bundle and metrics', async () => {
    const a = await run([], {}, 'det-a');
    const b = await run([], {}, 'det-b');
    expect(a.bundle_sha256).toBe(b.bundle_sha256);
    expect(a.metrics).toEqual(b.metrics);
    const c = await run(['data.random_state=7'], {}, 'det-c');
    expect(c.bundle_sha256).not.toBe(a.bundle_sha256);
    // a job that carries its validated config (as `mlsys train` sends it) trains exactly the same
    const d = await run([], {}, 'det-d', { passConfig: true });
    expect(d.bundle_sha256).toBe(a.bundle_sha256);
  });

  it('serves from the saved bundle exactly what it evaluated', async () => {
    const result = await run([], {}, 'reload');
    const bundle = readBundle(result.bundle_path, result.bundle_sha256);
    const r = await resolved([]);
    const ds = await loadDataset(r.config);
    const test = makeSplits(ds.y, r.config).test;
    const p = bundle.predictMatrix(bundle.features.transform(takeRows(ds.table, test.idx)));
    const fromEval = result.evaluation.scores!;
    // the evaluation keeps every row when the test set is small
    expect(fromEval.p.length).toBe(p.length);
    for (let i = 0; i < p.length; i++) expect(p[i]).toBeCloseTo(fromEval.p[i], 12);
    expect(() => readBundle(result.bundle_path, 'f'.repeat(64))).toThrow(/sha256/);
  });

  it('never lets test rows into training, calibration or validation', async () => {
    const r = await resolved([]);
    const ds = await loadDataset(r.config);
    const s = makeSplits(ds.y, r.config);
    const test = new Set(s.test.idx);
    for (const part of [s.fit, s.calibration!, s.valid!])
      for (const i of part.idx) expect(test.has(i)).toBe(false);
    expect(s.fit.idx.length + s.calibration!.idx.length + s.valid!.idx.length + s.test.idx.length).toBe(
      ds.y.length,
    );
  });

  it('honours cancellation', async () => {
    let aborted = false;
    const signal = {
      get aborted() {
        return aborted;
      },
    };
    await expect(
      run(
        ['model.hyperparameters.n_estimators=400'],
        {
          signal,
          onProgress: (p) => {
            if (p.stage === 'training' && (p.iteration ?? 0) >= 3) aborted = true;
          },
        },
        'cancel',
      ),
    ).rejects.toBeInstanceOf(CancelledError);
  });

  it('tunes on the training split and reports every trial', async () => {
    const trials: TrialRecord[] = [];
    const result = await run(
      [
        'model.tune.enabled=true',
        'model.tune.n_trials=4',
        'model.tune.cv_folds=2',
        'model.hyperparameters.early_stopping_rounds=0',
      ],
      { onTrial: (t) => trials.push(t) },
      'tune',
    );
    expect(trials.length).toBeGreaterThanOrEqual(4);
    expect(result.trials.map((t) => t.index)).toEqual([0, 1, 2, 3]);
    expect(trials.filter((t) => t.status === 'completed').every((t) => t.score > 0.5 && t.score <= 1)).toBe(
      true,
    );
    expect(result.best_params).toBeDefined();
    expect(Object.keys(result.best_params!)).toEqual(expect.arrayContaining(['max_depth', 'learning_rate']));
  });

  it('trains the tfjs models through the same pipeline', async () => {
    const lr = await run(['model.algorithm=logistic', 'model.calibration=sigmoid'], {}, 'logistic');
    expect(lr.algorithm).toBe('logistic');
    expect(lr.metrics.roc_auc).toBeGreaterThan(0.7);
  });

  it('applies SMOTE to the training split only', async () => {
    const plain = await run(['model.calibration=none'], {}, 'nosmote');
    const smoted = await run(
      ['model.calibration=none', 'features.smote.enabled=true', 'features.smote.sampling_strategy=0.5'],
      {},
      'smote',
    );
    // the test set is untouched: same rows, same positives
    expect(smoted.metrics.rows).toBe(plain.metrics.rows);
    expect(smoted.metrics.positives).toBe(plain.metrics.positives);
    expect(smoted.bundle_sha256).not.toBe(plain.bundle_sha256);
  });
});
