import { z } from 'zod';
import type { SerializedModel } from '../types';
import { NetworkEstimator } from './network-estimator';
import type { TrainSpec } from './network';
import { logisticParamsSchema, type LogisticParams } from './params';

const serializedSchema = z.object({
  kind: z.literal('logistic'),
  format_version: z.literal(1),
  params: logisticParamsSchema,
  columns: z.array(z.string()),
  coef: z.array(z.number()),
  intercept: z.number(),
  best_iteration: z.number().int().nonnegative(),
});

/** L2-regularised logistic regression trained with Adam on mini-batches (TensorFlow.js). */
export class LogisticRegression extends NetworkEstimator {
  readonly kind = 'logistic';
  readonly params: LogisticParams;

  constructor(params: Partial<LogisticParams> = {}) {
    super();
    this.params = logisticParamsSchema.parse(params);
  }

  protected get name(): string {
    return 'LogisticRegression';
  }

  protected spec(): TrainSpec {
    const p = this.params;
    return {
      hidden: [],
      dropout: 0,
      learningRate: p.learning_rate,
      epochs: p.epochs,
      batchSize: p.batch_size,
      l2: p.l2,
      patience: p.patience,
      seed: p.seed,
    };
  }

  /** Coefficients per input column, in column order. */
  coefficients(): Float32Array {
    return this.fitted()[0].weights.slice();
  }

  intercept(): number {
    return this.fitted()[0].bias[0];
  }

  featureImportance(): Record<string, number> {
    return this.normalisedImportance(this.coefficients().map(Math.abs));
  }

  toJSON(): SerializedModel {
    const [layer] = this.fitted();
    return {
      kind: this.kind,
      format_version: 1,
      params: { ...this.params },
      columns: [...this.columns],
      coef: Array.from(layer.weights),
      intercept: layer.bias[0],
      best_iteration: this.bestEpoch,
    };
  }

  static fromJSON(json: unknown): LogisticRegression {
    const s = serializedSchema.parse(json);
    if (s.coef.length !== s.columns.length) {
      throw new Error(`LogisticRegression: ${s.coef.length} coefficients for ${s.columns.length} columns`);
    }
    const model = new LogisticRegression(s.params);
    model.columns = s.columns;
    model.bestEpoch = s.best_iteration;
    model.layers = [
      {
        inputs: s.columns.length,
        outputs: 1,
        weights: Float32Array.from(s.coef),
        bias: Float32Array.of(s.intercept),
      },
    ];
    return model;
  }
}
