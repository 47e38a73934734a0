/** Builds estimators from the config's model section and restores them from their JSON. */
import { availableParallelism } from 'node:os';
import type { ModelConfig } from '../../../shared/config/schema';
import { GbdtClassifier, prestartGbdtWorkers } from './gbdt';
import { LogisticRegression, MlpClassifier } from './tfjs';
import type { Estimator, SerializedModel } from './types';

/**
 * A fresh estimator for `model` with `hyperparameters` (the config's, or a tuning trial's) and the
 * run's seed.
 */
export function createEstimator(
  model: ModelConfig,
  seed: number,
  hyperparameters: Record<string, unknown> = model.hyperparameters,
): Estimator {
  switch (model.algorithm) {
    case 'gbdt': {
      const n_threads = gbdtThreads(hyperparameters);
      // AUC needs a sort of all rows: take about 20 points for the progress curves, not one per round
      const rounds = Number(hyperparameters.n_estimators ?? 100);
      const eval_every = Math.max(1, Math.ceil(rounds / 20));
      return new GbdtClassifier({ eval_every, ...hyperparameters, n_threads, seed });
    }
    case 'logistic': {
      const { learning_rate, epochs, batch_size, l2, patience } =
        hyperparameters as ModelConfig['hyperparameters'] & Record<string, number>;
      return new LogisticRegression({ learning_rate, epochs, batch_size, l2, patience, seed });
    }
    case 'mlp': {
      const h = hyperparameters as Record<string, unknown>;
      return new MlpClassifier({
        hidden_units: h.hidden_units as number[],
        dropout: h.dropout as number,
        learning_rate: h.learning_rate as number,
        epochs: h.epochs as number,
        batch_size: h.batch_size as number,
        l2: h.l2 as number,
        patience: h.patience as number,
        seed,
      });
    }
  }
}

/** Threads of a GBDT fit: the config's n_threads, where 0 (or none) means "all cores". */
function gbdtThreads(hyperparameters: Record<string, unknown>): number {
  const threads = Number(hyperparameters.n_threads ?? 0);
  return threads > 0 ? threads : Math.max(1, Math.min(64, availableParallelism()));
}

/**
 * Starts the threads a fit of `model` will use now, while the caller does other work (loading data),
 * so the fit does not wait for them to boot.
 */
export function prestartEstimatorThreads(model: ModelConfig): void {
  if (model.algorithm === 'gbdt') prestartGbdtWorkers(gbdtThreads(model.hyperparameters) - 1);
}

export function estimatorFromJSON(json: SerializedModel): Estimator {
  switch (json.kind) {
    case 'gbdt':
      return GbdtClassifier.fromJSON(json);
    case 'logistic':
      return LogisticRegression.fromJSON(json);
    case 'mlp':
      return MlpClassifier.fromJSON(json);
    default:
      throw new Error(`Unknown model kind "${String(json.kind)}" (expected gbdt, logistic or mlp)`);
  }
}
