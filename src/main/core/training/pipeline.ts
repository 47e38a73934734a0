/**
 * One training run, end to end: config → data → split → features → (SMOTE) → (tuning) → fit →
 * (calibration) → evaluation → ModelBundle + artifacts. Runs inside a training worker; emits typed
 * progress and honours cancellation between steps and boosting iterations.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunEvaluation } from '../../../shared/api/dto';
import type { FrameworkConfig } from '../../../shared/config/schema';
import { appVersion } from '../app/version';
import { ModelBundle, sha256, writeBundle } from '../bundle/bundle';
import { stratifiedSplit, type Dataset } from '../data';
import { chooseThreshold, evaluate, type EvaluationReport } from '../evaluation';
import { FeaturePipeline, smote } from '../features';
import { createEstimator, prestartEstimatorThreads } from '../models/factory';
import { CancelledError, type CancelSignal, type DenseMatrix, type IterationEvent } from '../models/types';
import { fitCalibrator, type Calibrator } from './calibration';
import { startLoadStage, type LoadStage } from './load-stage';
import type { ProgressUpdate, TrainingJob, TrainingResult, TrialRecord } from './protocol';
import { tuneHyperparameters } from './tune-model';

export interface PipelineHooks {
  signal?: CancelSignal;
  /** The job's data, already being loaded (startLoadStage with the job's config); else the pipeline starts it. */
  load?: LoadStage;
  onProgress?(p: ProgressUpdate): void;
  onTrial?(t: TrialRecord): void;
  onWarning?(message: string): void;
}

/** Rows of a dataset picked by index, with their labels. */
interface Part {
  idx: Int32Array;
  y: Uint8Array;
}

function pick(y: Uint8Array, idx: Int32Array): Uint8Array {
  const out = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}

function compose(outer: Int32Array, inner: Int32Array): Int32Array {
  const out = new Int32Array(inner.length);
  for (let i = 0; i < inner.length; i++) out[i] = outer[inner[i]];
  return out;
}

function concatRows(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Rows r0..r1 of a matrix, as a view of its data. */
function rowRange(X: DenseMatrix, r0: number, r1: number): DenseMatrix {
  return { rows: r1 - r0, cols: X.cols, data: X.data.subarray(r0 * X.cols, r1 * X.cols), columns: X.columns };
}

export interface Splits {
  fit: Part;
  calibration: Part | null;
  valid: Part | null;
  test: Part;
}

/**
 * Seeded, stratified splits: test from all rows; the calibration holdout from the rest (when the model
 * is calibrated); a validation part from what remains when early stopping needs one.
 */
export function makeSplits(y: Uint8Array, config: FrameworkConfig): Splits {
  const seed = config.data.random_state;
  const stratify = config.data.stratify;
  const all = stratifiedSplit(y, config.data.test_size, seed, stratify);
  let fit = all.train;
  let calibration: Int32Array | null = null;
  if (config.model.calibration !== 'none' && config.data.calibration_size > 0) {
    const s = stratifiedSplit(pick(y, fit), config.data.calibration_size, seed + 1, stratify);
    calibration = compose(fit, s.test);
    fit = compose(fit, s.train);
  }
  let valid: Int32Array | null = null;
  const early =
    config.model.algorithm === 'gbdt'
      ? config.model.hyperparameters.early_stopping_rounds > 0
      : config.model.hyperparameters.patience > 0;
  if (early) {
    const s = stratifiedSplit(pick(y, fit), 0.1, seed + 2, stratify);
    valid = compose(fit, s.test);
    fit = compose(fit, s.train);
  }
  const part = (idx: Int32Array): Part => ({ idx, y: pick(y, idx) });
  return {
    fit: part(fit),
    calibration: calibration ? part(calibration) : null,
    valid: valid ? part(valid) : null,
    test: part(all.test),
  };
}

/** Fingerprint of the evaluation rows: the champion policy compares metrics only on equal fingerprints. */
export function evalFingerprint(
  dataFingerprint: string,
  config: FrameworkConfig,
  testIdx: Int32Array,
): string {
  const h = sha256(Buffer.from(testIdx.buffer, testIdx.byteOffset, testIdx.byteLength));
  return sha256(`${dataFingerprint}:${config.data.test_size}:${config.data.random_state}:${h}`);
}

/** Maps the evaluation report to the API's RunEvaluation (what curves.json holds). */
export function toRunEvaluation(
  report: EvaluationReport,
  policy: string,
  importance: Record<string, number>,
  y: Uint8Array,
  p: Float64Array,
): RunEvaluation {
  const c = report.curves;
  // keep at most ~2,000 scored rows so the GUI can recompute a confusion matrix at any threshold
  const step = Math.max(1, Math.ceil(y.length / 2000));
  const ys: number[] = [];
  const ps: number[] = [];
  for (let i = 0; i < y.length; i += step) {
    ys.push(y[i]);
    ps.push(p[i]);
  }
  return {
    threshold: report.threshold,
    threshold_policy: policy,
    confusion: report.confusion,
    roc: { x: c.roc.fpr, y: c.roc.tpr, thresholds: c.roc.thresholds },
    pr: { x: c.pr.recall, y: c.pr.precision, thresholds: c.pr.thresholds },
    reliability: {
      mean_predicted: c.reliability.mean_predicted,
      fraction_positive: c.reliability.fraction_positive,
      count: c.reliability.count,
    },
    reliability_raw: c.reliability_raw
      ? {
          mean_predicted: c.reliability_raw.mean_predicted,
          fraction_positive: c.reliability_raw.fraction_positive,
          count: c.reliability_raw.count,
        }
      : undefined,
    gains: {
      group: c.gains.fraction.map((_, i) => i + 1),
      cumulative_gain: c.gains.cumulative_gain,
      lift: c.gains.lift,
    },
    threshold_table: report.threshold_table.rows.map((r) => ({
      threshold: r.threshold,
      precision: r.precision,
      recall: r.recall,
      f1: r.f1,
      mcc: r.mcc,
      cost: r.cost,
    })),
    chosen: report.threshold_table.chosen,
    scores: { y: ys, p: ps },
    report_text: report.report_text,
    feature_importance: Object.entries(importance)
      .map(([feature, gain]) => ({ feature, gain }))
      .sort((a, b) => b.gain - a.gain || a.feature.localeCompare(b.feature)),
  };
}

const finiteOrUndefined = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);

/** Rounds without metrics are reported at most this often (ms); rounds with metrics and the last always. */
export const ROUND_PROGRESS_MS = 50;

export async function runPipeline(job: TrainingJob, hooks: PipelineHooks = {}): Promise<TrainingResult> {
  const started = performance.now();
  const seconds: Record<string, number> = {};
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    hooks.onWarning?.(m);
  };
  const progress = (p: ProgressUpdate) => hooks.onProgress?.(p);
  const checkCancel = () => {
    if (hooks.signal?.aborted) throw new CancelledError();
  };
  const timed = async <T>(name: string, fn: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const out = await fn();
    seconds[name] = (performance.now() - t) / 1000;
    return out;
  };

  // a job from the CLI or the app carries its validated config: the YAML parser and the schema are
  // then not loaded in this worker
  const config = job.config ?? (await import('../config/load')).configFromSnapshot(job.config_yaml);
  const seed = config.data.random_state;
  const algorithm = config.model.algorithm;
  // the model's threads boot while the data loads
  prestartEstimatorThreads(config.model);

  const loading = hooks.load ?? startLoadStage(config, progress);
  const ds: Dataset = await loading.dataset;
  seconds.load = (performance.now() - loading.started) / 1000;
  for (const w of ds.warnings) warn(w);
  checkCancel();

  progress({
    stage: 'features',
    percent: 10,
    message: `${ds.y.length} rows; splitting and fitting the feature pipeline`,
  });
  const { splits, pipeline, X } = await timed('features', () => {
    const splits = makeSplits(ds.y, config);
    const pipeline = FeaturePipeline.fit(ds.table, splits.fit.y, config.features, {
      forAlgorithm: algorithm,
      rows: splits.fit.idx,
    });
    // the calibration and test rows in one matrix, scored in one batch after the fit
    const nCal = splits.calibration ? splits.calibration.idx.length : 0;
    const heldOut = pipeline.transform(
      ds.table,
      splits.calibration ? concatRows(splits.calibration.idx, splits.test.idx) : splits.test.idx,
      { shared: algorithm === 'gbdt' },
    );
    const X = {
      fit: pipeline.transform(ds.table, splits.fit.idx, { shared: algorithm === 'gbdt' }),
      calibration: splits.calibration ? rowRange(heldOut, 0, nCal) : null,
      valid: splits.valid ? pipeline.transform(ds.table, splits.valid.idx) : null,
      test: rowRange(heldOut, nCal, heldOut.rows),
      heldOut,
    };
    return { splits, pipeline, X };
  });
  checkCancel();

  let Xfit: DenseMatrix = X.fit;
  let yFit: Uint8Array = splits.fit.y;
  if (config.features.smote.enabled) {
    progress({
      stage: 'features',
      percent: 14,
      message: `${config.features.smote.kind.toUpperCase()} on the training split`,
    });
    const s = config.features.smote;
    const out = await timed('smote', () =>
      smote(Xfit, yFit, {
        kind: s.kind,
        kNeighbors: s.k_neighbors,
        samplingStrategy: s.sampling_strategy,
        categorical: pipeline.categoricalFeatureIndices(),
        seed,
      }),
    );
    Xfit = out.X;
    yFit = out.y;
  }
  checkCancel();

  let hyperparameters: Record<string, unknown> = { ...config.model.hyperparameters };
  // a configuration promoted through successive-halving rungs reports once per rung: keep the latest
  const trialsByIndex = new Map<number, TrialRecord>();
  let bestParams: Record<string, number | string> | undefined;
  if (config.model.tune.enabled) {
    const tuned = await timed('tuning', () =>
      tuneHyperparameters(config, Xfit, yFit, {
        signal: hooks.signal,
        onTrial: (t) => {
          trialsByIndex.set(t.index, t);
          hooks.onTrial?.(t);
        },
        onProgress: (done, total) =>
          progress({
            stage: 'tuning',
            percent: 15 + Math.round((25 * done) / Math.max(1, total)),
            message: `trial ${done}/${total}`,
          }),
      }),
    );
    bestParams = tuned.best;
    hyperparameters = { ...hyperparameters, ...tuned.best };
  }
  checkCancel();

  const fitStart = config.model.tune.enabled ? 40 : 15;
  const model = createEstimator(config.model, seed, hyperparameters);
  const monitor = X.valid && splits.valid ? { X: X.valid, y: splits.valid.y } : undefined;
  // large batches on several threads when the model can
  const predict = (Xp: DenseMatrix) =>
    model.predictProbaAsync ? model.predictProbaAsync(Xp) : Promise.resolve(model.predictProba(Xp));
  const history: TrainingResult['history'] = { train_loss: [], valid_loss: [], train_auc: [], valid_auc: [] };
  let lastRoundSent = -Infinity;
  await timed('fit', () =>
    model.fit(Xfit, yFit, {
      valid: monitor,
      signal: hooks.signal,
      onIteration: (e: IterationEvent) => {
        for (const k of ['train_loss', 'valid_loss', 'train_auc', 'valid_auc'] as const) {
          const v = e[k];
          if (v !== undefined && Number.isFinite(v)) history[k].push({ step: e.iteration, value: v });
        }
        // a message per round would be hundreds a second on small data, each a structured clone on the
        // fitting thread while the others wait: rounds without metrics go at most every ROUND_PROGRESS_MS
        const measured = [e.train_loss, e.valid_loss, e.train_auc, e.valid_auc].some(
          (v) => finiteOrUndefined(v) !== undefined,
        );
        const at = performance.now();
        if (!measured && e.iteration < e.total && at - lastRoundSent < ROUND_PROGRESS_MS) return;
        lastRoundSent = at;
        progress({
          stage: 'training',
          percent: fitStart + Math.round(((80 - fitStart) * e.iteration) / e.total),
          iteration: e.iteration,
          total: e.total,
          // rounds between metric reports carry no numbers (NaN would reach charts and the CLI)
          train_loss: finiteOrUndefined(e.train_loss),
          valid_loss: finiteOrUndefined(e.valid_loss),
          train_auc: finiteOrUndefined(e.train_auc),
          valid_auc: finiteOrUndefined(e.valid_auc),
        });
      },
    }),
  );
  checkCancel();

  // the raw scores of the calibration and test rows, from one batch
  let heldOutScores: Promise<{ calibration: Float64Array; test: Float64Array }> | undefined;
  const heldOutRaw = () =>
    (heldOutScores ??= predict(X.heldOut).then((p) => {
      const nCal = X.calibration ? X.calibration.rows : 0;
      return { calibration: p.subarray(0, nCal), test: p.subarray(nCal) };
    }));

  let calibrator: Calibrator | null = null;
  if (config.model.calibration !== 'none') {
    if (!X.calibration || !splits.calibration) {
      warn(`model.calibration is ${config.model.calibration} but data.calibration_size is 0: not calibrated`);
    } else {
      progress({
        stage: 'calibrating',
        percent: 82,
        message: `${config.model.calibration} on ${splits.calibration.y.length} held-out rows`,
      });
      const cal = splits.calibration;
      calibrator = await timed('calibration', async () =>
        fitCalibrator(
          config.model.calibration as 'isotonic' | 'sigmoid',
          (await heldOutRaw()).calibration,
          cal.y,
        ),
      );
    }
  }

  progress({ stage: 'evaluating', percent: 86, message: `Scoring ${splits.test.y.length} test rows` });
  const { report, threshold, pTest } = await timed('evaluate', async () => {
    const held = await heldOutRaw();
    const pRaw = held.test;
    const p = calibrator ? calibrator.applyAll(pRaw) : pRaw;
    const t = config.model.threshold;
    // Policies that learn a threshold use held-out data that is not the test set when there is some.
    const choiceData =
      t.policy === 'fixed'
        ? null
        : X.calibration && splits.calibration
          ? { X: X.calibration, y: splits.calibration.y, raw: held.calibration }
          : (monitor ?? { X: X.fit, y: splits.fit.y });
    let threshold = t.value;
    if (choiceData) {
      const raw = 'raw' in choiceData ? choiceData.raw : await predict(choiceData.X);
      const pc = calibrator ? calibrator.applyAll(raw) : raw;
      threshold = chooseThreshold(t.policy, choiceData.y, pc, {
        value: t.value,
        costFp: t.cost_fp,
        costFn: t.cost_fn,
      });
    }
    const report = evaluate(splits.test.y, p, {
      threshold,
      pRaw: calibrator ? pRaw : undefined,
      costFp: t.cost_fp,
      costFn: t.cost_fn,
    });
    return { report, threshold, pTest: p };
  });
  checkCancel();

  progress({ stage: 'saving', percent: 94, message: 'Writing the bundle and artifacts' });
  const evaluation = toRunEvaluation(
    report,
    config.model.threshold.policy,
    model.featureImportance(),
    splits.test.y,
    pTest,
  );
  const evalFp = evalFingerprint(ds.fingerprint, config, splits.test.idx);
  const metrics = Object.fromEntries(Object.entries(report.metrics).filter(([, v]) => Number.isFinite(v)));
  const signature = pipeline.signature();
  const bundle = new ModelBundle(
    {
      algorithm,
      config_hash: sha256(job.config_yaml),
      data_fingerprint: ds.fingerprint,
      eval_fingerprint: evalFp,
      library_version: appVersion(),
      feature_names: X.test.columns,
      metrics,
      ...(bestParams ? { best_params: bestParams } : {}),
    },
    signature,
    threshold,
    config.model.threshold.policy,
    pipeline,
    model,
    calibrator,
  );
  const out = await timed('save', () => {
    mkdirSync(job.out_dir, { recursive: true });
    const bundlePath = path.join(job.out_dir, 'model.bundle');
    const written = writeBundle(bundlePath, bundle);
    const files: Array<[string, string, string]> = [
      ['config_snapshot.yaml', 'config', job.config_yaml],
      ['metrics.json', 'metrics', JSON.stringify(metrics, null, 2)],
      ['classification_report.txt', 'report', report.report_text],
      ['curves.json', 'evaluation', JSON.stringify(evaluation)],
    ];
    const artifacts = [{ path: bundlePath, kind: 'bundle', bytes: written.bytes, sha256: written.sha256 }];
    for (const [name, kind, text] of files) {
      const file = path.join(job.out_dir, name);
      writeFileSync(file, text);
      artifacts.push({ path: file, kind, bytes: Buffer.byteLength(text), sha256: sha256(text) });
    }
    return { bundlePath, written, artifacts };
  });
  seconds.total = (performance.now() - started) / 1000;
  progress({ stage: 'done', percent: 100, message: 'Finished' });

  return {
    run_id: job.run_id,
    algorithm,
    bundle_path: out.bundlePath,
    bundle_sha256: out.written.sha256,
    bundle_bytes: out.written.bytes,
    metrics,
    history: Object.fromEntries(Object.entries(history).filter(([, v]) => v.length > 0)),
    artifacts: out.artifacts,
    data_fingerprint: ds.fingerprint,
    eval_fingerprint: evalFp,
    signature,
    evaluation,
    trials: [...trialsByIndex.values()].sort((a, b) => a.index - b.index),
    best_params: bestParams,
    warnings,
    seconds,
  };
}
