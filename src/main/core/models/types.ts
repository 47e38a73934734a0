/**
 * What every model works on and offers. Model code knows nothing of storage, configs or files.
 */

/** Row-major float matrix; NaN marks a missing value. `columns` names the features in order. */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float32Array;
  columns: string[];
}

/** Binary labels, 0 or 1. */
export type Labels = Uint8Array;

export interface IterationEvent {
  iteration: number; // 1-based
  total: number;
  train_loss: number;
  valid_loss?: number;
  train_auc?: number;
  valid_auc?: number;
}

export interface CancelSignal {
  readonly aborted: boolean;
}

export interface FitOptions {
  /** Validation data for early stopping and progress curves. */
  valid?: { X: DenseMatrix; y: Labels };
  onIteration?: (event: IterationEvent) => void;
  /** Checked between iterations; fitting stops with a CancelledError when aborted. */
  signal?: CancelSignal;
}

export class CancelledError extends Error {
  constructor(message = 'Cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** A serialised model: plain JSON with a `kind` tag and a format version, both checked on load. */
export interface SerializedModel {
  kind: string;
  format_version: number;
  [key: string]: unknown;
}

export interface Estimator {
  readonly kind: string;
  fit(X: DenseMatrix, y: Labels, options?: FitOptions): Promise<void>;
  /** Probability of class 1 for each row. */
  predictProba(X: DenseMatrix): Float64Array;
  /** The same probabilities, possibly computed on several threads (large batches). */
  predictProbaAsync?(X: DenseMatrix): Promise<Float64Array>;
  toJSON(): SerializedModel;
  /** Importance per feature name (gain for trees, |weight| for linear models), summing to 1. */
  featureImportance(): Record<string, number>;
  /** Per-iteration history recorded during fit (for progress curves). */
  history(): IterationEvent[];
}
