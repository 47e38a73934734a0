/** Thrown for inputs no metric can be computed on (empty, mismatched lengths, bad labels or scores). */
export class EvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EvaluationError';
  }
}

export interface ValidateOptions {
  /** Scores must be probabilities in [0, 1] (log loss, Brier, reliability); otherwise any finite number. */
  probabilities?: boolean;
  name?: string;
}

/** Checks y is 0/1, p is finite (and in [0, 1] when asked), both non-empty and of equal length. */
export function validateInputs(y: Uint8Array, p: Float64Array, options: ValidateOptions = {}): void {
  const name = options.name ?? 'p';
  if (y.length === 0) throw new EvaluationError('Cannot evaluate on zero rows.');
  if (y.length !== p.length) {
    throw new EvaluationError(`y has ${y.length} rows but ${name} has ${p.length}.`);
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] > 1) throw new EvaluationError(`y[${i}] = ${y[i]}; labels must be 0 or 1.`);
  }
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!Number.isFinite(v)) throw new EvaluationError(`${name}[${i}] = ${v}; scores must be finite.`);
    if (options.probabilities && (v < 0 || v > 1)) {
      throw new EvaluationError(`${name}[${i}] = ${v}; probabilities must lie in [0, 1].`);
    }
  }
}

/** Checks a 0/1 prediction vector against y. */
export function validatePredictions(y: Uint8Array, pred: Uint8Array): void {
  if (y.length === 0) throw new EvaluationError('Cannot evaluate on zero rows.');
  if (y.length !== pred.length) {
    throw new EvaluationError(`y has ${y.length} rows but pred has ${pred.length}.`);
  }
  for (let i = 0; i < y.length; i++) {
    if (y[i] > 1) throw new EvaluationError(`y[${i}] = ${y[i]}; labels must be 0 or 1.`);
    if (pred[i] > 1) throw new EvaluationError(`pred[${i}] = ${pred[i]}; predictions must be 0 or 1.`);
  }
}
