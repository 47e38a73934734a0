import { z } from 'zod';
import type { SerializedModel } from '../types';
import { NetworkEstimator } from './network-estimator';
import type { DenseLayer, TrainSpec } from './network';
import { mlpParamsSchema, type MlpParams } from './params';

const layerSchema = z.object({
  inputs: z.number().int().positive(),
  outputs: z.number().int().positive(),
  /** Row-major [inputs][outputs]. */
  weights: z.array(z.number()),
  bias: z.array(z.number()),
});

const serializedSchema = z.object({
  kind: z.literal('mlp'),
  format_version: z.literal(1),
  params: mlpParamsSchema,
  columns: z.array(z.string()),
  layers: z.array(layerSchema).min(2),
  best_iteration: z.number().int().nonnegative(),
});

/** Multi-layer perceptron: ReLU hidden layers with dropout, sigmoid output, Adam (TensorFlow.js). */
export class MlpClassifier extends NetworkEstimator {
  readonly kind = 'mlp';
  readonly params: MlpParams;

  constructor(params: Partial<MlpParams> = {}) {
    super();
    this.params = mlpParamsSchema.parse(params);
  }

  protected get name(): string {
    return 'MlpClassifier';
  }

  protected spec(): TrainSpec {
    const p = this.params;
    return {
      hidden: [...p.hidden_units],
      dropout: p.dropout,
      learningRate: p.learning_rate,
      epochs: p.epochs,
      batchSize: p.batch_size,
      l2: p.l2,
      patience: p.patience,
      seed: p.seed,
    };
  }

  /** Mean |weight| of each input's connections into the first hidden layer. */
  featureImportance(): Record<string, number> {
    const { inputs, outputs, weights } = this.fitted()[0];
    const scores = new Float64Array(inputs);
    for (let i = 0; i < inputs; i++) {
      let s = 0;
      for (let o = 0; o < outputs; o++) s += Math.abs(weights[i * outputs + o]);
      scores[i] = s / outputs;
    }
    return this.normalisedImportance(scores);
  }

  toJSON(): SerializedModel {
    return {
      kind: this.kind,
      format_version: 1,
      params: { ...this.params, hidden_units: [...this.params.hidden_units] },
      columns: [...this.columns],
      layers: this.fitted().map((l) => ({
        inputs: l.inputs,
        outputs: l.outputs,
        weights: Array.from(l.weights),
        bias: Array.from(l.bias),
      })),
      best_iteration: this.bestEpoch,
    };
  }

  static fromJSON(json: unknown): MlpClassifier {
    const s = serializedSchema.parse(json);
    const layers: DenseLayer[] = s.layers.map((l, i) => {
      if (l.weights.length !== l.inputs * l.outputs || l.bias.length !== l.outputs) {
        throw new Error(`MlpClassifier: layer ${i} has inconsistent weight or bias sizes`);
      }
      return { ...l, weights: Float32Array.from(l.weights), bias: Float32Array.from(l.bias) };
    });
    const expected = [s.columns.length, ...s.params.hidden_units, 1];
    layers.forEach((l, i) => {
      if (l.inputs !== expected[i] || l.outputs !== expected[i + 1]) {
        throw new Error(
          `MlpClassifier: layer ${i} is ${l.inputs}×${l.outputs}, expected ${expected[i]}×${expected[i + 1]}`,
        );
      }
    });
    if (layers.length !== expected.length - 1)
      throw new Error('MlpClassifier: layer count does not match hidden_units');
    const model = new MlpClassifier(s.params);
    model.columns = s.columns;
    model.bestEpoch = s.best_iteration;
    model.layers = layers;
    return model;
  }
}
