import type { DenseMatrix, Estimator, FitOptions, IterationEvent, Labels, SerializedModel } from '../types';
import { forwardProba, trainNetwork, type DenseLayer, type TrainSpec } from './network';

/** What LogisticRegression and MlpClassifier share: fitting, prediction, history and checks. */
export abstract class NetworkEstimator implements Estimator {
  abstract readonly kind: string;
  protected layers: DenseLayer[] | undefined;
  protected columns: string[] = [];
  protected fitHistory: IterationEvent[] = [];
  protected bestEpoch = 0;

  protected abstract spec(): TrainSpec;
  protected abstract get name(): string;
  abstract toJSON(): SerializedModel;
  abstract featureImportance(): Record<string, number>;

  async fit(X: DenseMatrix, y: Labels, options?: FitOptions): Promise<void> {
    const result = await trainNetwork(this.name, this.spec(), X, y, options);
    this.layers = result.layers;
    this.columns = [...X.columns];
    this.fitHistory = result.history;
    this.bestEpoch = result.bestEpoch;
  }

  predictProba(X: DenseMatrix): Float64Array {
    const layers = this.fitted();
    if (X.cols !== layers[0].inputs) {
      throw new Error(`${this.name}: X has ${X.cols} columns, the model was trained on ${layers[0].inputs}`);
    }
    // NaN would silently propagate to every output; refuse it like fit does.
    for (let i = 0; i < X.data.length; i++) {
      if (!Number.isFinite(X.data[i])) {
        const c = i % X.cols;
        throw new Error(
          `${this.name}: non-finite value at row ${Math.floor(i / X.cols)}, column '${X.columns[c] ?? c}'`,
        );
      }
    }
    return forwardProba(layers, X);
  }

  history(): IterationEvent[] {
    return this.fitHistory.map((e) => ({ ...e }));
  }

  /** The 1-based epoch whose weights were kept (early stopping restores the best one). */
  get bestIteration(): number {
    return this.bestEpoch;
  }

  protected fitted(): DenseLayer[] {
    if (!this.layers) throw new Error(`${this.name}: not fitted`);
    return this.layers;
  }

  /** Normalises non-negative per-feature scores to sum 1 (uniform when all are zero). */
  protected normalisedImportance(scores: ArrayLike<number>): Record<string, number> {
    let total = 0;
    for (let i = 0; i < scores.length; i++) total += scores[i];
    const out: Record<string, number> = {};
    this.columns.forEach((c, i) => {
      out[c] = total > 0 ? scores[i] / total : 1 / this.columns.length;
    });
    return out;
  }
}
