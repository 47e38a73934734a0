/**
 * Hyperparameter tuning for one run: the config's search space, scored by stratified k-fold CV AUC on
 * the training split only (the test split is never seen). Boosting rounds (gbdt) or epochs
 * (logistic, mlp) are the successive-halving resource.
 */
import type { FrameworkConfig } from '../../../shared/config/schema';
import { stratifiedKFold } from '../data';
import { rocAuc } from '../evaluation';
import { createEstimator } from '../models/factory';
import type { CancelSignal, DenseMatrix } from '../models/types';
import type { TrialRecord } from './protocol';
import { plannedEvaluations, tune, type SearchSpace } from './tuning';

export function rowsOf(X: DenseMatrix, idx: Int32Array): DenseMatrix {
  const data = new Float32Array(idx.length * X.cols);
  for (let i = 0; i < idx.length; i++)
    data.set(X.data.subarray(idx[i] * X.cols, (idx[i] + 1) * X.cols), i * X.cols);
  return { rows: idx.length, cols: X.cols, data, columns: X.columns };
}

function labelsOf(y: Uint8Array, idx: Int32Array): Uint8Array {
  const out = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = y[idx[i]];
  return out;
}

/** The default space when the config declares none: the parameters that matter most per algorithm. */
export function defaultSpace(config: FrameworkConfig): SearchSpace {
  switch (config.model.algorithm) {
    case 'gbdt':
      return {
        max_depth: { type: 'int', low: 3, high: 8 },
        learning_rate: { type: 'log_float', low: 0.02, high: 0.3 },
        min_child_weight: { type: 'log_float', low: 0.5, high: 20 },
        subsample: { type: 'float', low: 0.6, high: 1 },
        colsample_bytree: { type: 'float', low: 0.6, high: 1 },
        lambda: { type: 'log_float', low: 0.1, high: 10 },
      };
    case 'logistic':
      return {
        learning_rate: { type: 'log_float', low: 0.005, high: 0.5 },
        l2: { type: 'log_float', low: 1e-6, high: 1e-1 },
      };
    case 'mlp':
      return {
        learning_rate: { type: 'log_float', low: 0.0005, high: 0.02 },
        dropout: { type: 'float', low: 0, high: 0.5 },
        l2: { type: 'log_float', low: 1e-6, high: 1e-2 },
      };
  }
}

export async function tuneHyperparameters(
  config: FrameworkConfig,
  X: DenseMatrix,
  y: Uint8Array,
  hooks: {
    signal?: CancelSignal;
    onTrial?(t: TrialRecord): void;
    onProgress?(done: number, total: number): void;
  },
): Promise<{ best: Record<string, number | string> }> {
  const t = config.model.tune;
  const declared = Object.fromEntries(
    Object.entries(t.space).filter(([, v]) => v !== undefined),
  ) as SearchSpace;
  const space = Object.keys(declared).length > 0 ? declared : defaultSpace(config);
  const seed = config.data.random_state;
  const folds = stratifiedKFold(y, t.cv_folds, seed).map((f) => ({
    Xtr: rowsOf(X, f.train),
    ytr: labelsOf(y, f.train),
    Xte: rowsOf(X, f.valid),
    yte: labelsOf(y, f.valid),
  }));
  const resourceKey = config.model.algorithm === 'gbdt' ? 'n_estimators' : 'epochs';
  const maxResource = (config.model.hyperparameters as Record<string, number>)[resourceKey];
  const minResource = Math.max(1, Math.floor(maxResource / 9));
  // onTrial fires once per evaluation (a trial promoted through halving rungs reports at each rung)
  const planned = plannedEvaluations({ nTrials: t.n_trials, method: t.method, minResource, maxResource });
  let done = 0;
  const result = await tune({
    space,
    nTrials: t.n_trials,
    method: t.method,
    seed,
    timeoutS: t.timeout_s > 0 ? t.timeout_s : undefined,
    minResource,
    maxResource,
    signal: hooks.signal,
    objective: async (params, resource) => {
      const hp = {
        ...config.model.hyperparameters,
        ...params,
        [resourceKey]: Math.max(1, Math.round(resource)),
      };
      if (config.model.algorithm === 'gbdt') Object.assign(hp, { early_stopping_rounds: 0 });
      let sum = 0;
      for (const f of folds) {
        const model = createEstimator(config.model, seed, hp);
        await model.fit(f.Xtr, f.ytr, { signal: hooks.signal });
        sum += rocAuc(f.yte, model.predictProba(f.Xte));
      }
      return sum / folds.length;
    },
    onTrial: (trial) => {
      done++;
      hooks.onTrial?.({
        index: trial.index,
        params: trial.params as Record<string, number | string>,
        score: trial.score,
        resource: trial.resource,
        status: trial.status,
        error: trial.error,
        seconds: trial.seconds,
      });
      hooks.onProgress?.(Math.min(done, planned), planned);
    },
  });
  return { best: result.best.params as Record<string, number | string> };
}
