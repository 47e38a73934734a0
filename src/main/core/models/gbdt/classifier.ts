import type { DenseMatrix, Estimator, FitOptions, IterationEvent, Labels, SerializedModel } from '../types';
import {
  addMargins,
  emptyForest,
  type Forest,
  packForest,
  type PackedForest,
  predictRowMargin,
  sigmoid,
  treeCount,
} from './forest';
import { type GbdtParams, resolveParams } from './params';
import { deserializeGbdt, GBDT_KIND, type SerializedGbdt, serializeGbdt } from './serialize';
import { trainGbdt, validateData } from './train';
import { wasmAddMargins, wasmAddMarginsParallel } from './wasm-predict';
import { stringifyXGBoostModel, toXGBoostModel } from './xgboost';

export type ImportanceType = 'gain' | 'cover';

/** Histogram gradient-boosted trees for binary classification (logistic loss). */
export class GbdtClassifier implements Estimator {
  readonly kind = GBDT_KIND;
  readonly params: GbdtParams;
  private forest: Forest = emptyForest();
  private packed: PackedForest = packForest(this.forest);
  private featureNames: string[] = [];
  private events: IterationEvent[] = [];
  private best = 0;

  constructor(params: Partial<GbdtParams> = {}) {
    this.params = resolveParams(params);
  }

  /**
   * 1-based iteration with the lowest validation logloss (with early stopping, the model keeps
   * exactly this many trees); 0 when fitted without validation data.
   */
  get bestIteration(): number {
    return this.best;
  }

  get treeCount(): number {
    return treeCount(this.forest);
  }

  get features(): readonly string[] {
    return this.featureNames;
  }

  async fit(X: DenseMatrix, y: Labels, options: FitOptions = {}): Promise<void> {
    const result = await trainGbdt(X, y, this.params, options);
    this.forest = result.forest;
    this.packed = packForest(result.forest);
    this.events = result.history;
    this.best = result.bestIteration;
    this.featureNames =
      X.columns.length === X.cols ? [...X.columns] : Array.from({ length: X.cols }, (_, i) => `f${i}`);
  }

  private checkColumns(cols: number): void {
    if (cols !== this.featureNames.length) {
      throw new RangeError(`GBDT: model has ${this.featureNames.length} features, input has ${cols}`);
    }
  }

  /** Margins (log-odds) for each row. */
  predictRaw(X: DenseMatrix): Float64Array {
    validateData(X);
    this.checkColumns(X.cols);
    const out = new Float64Array(X.rows).fill(this.forest.baseMargin);
    if (!wasmAddMargins(this.packed, X.data, X.rows, X.cols, out))
      addMargins(this.packed, X.data, X.rows, X.cols, out);
    return out;
  }

  predictProba(X: DenseMatrix): Float64Array {
    const m = this.predictRaw(X);
    for (let i = 0; i < m.length; i++) m[i] = sigmoid(m[i]);
    return m;
  }

  /** predictProba on up to `n_threads` threads for large batches (same values). */
  async predictProbaAsync(X: DenseMatrix): Promise<Float64Array> {
    validateData(X);
    this.checkColumns(X.cols);
    const m = new Float64Array(X.rows).fill(this.forest.baseMargin);
    if (!(await wasmAddMarginsParallel(this.packed, X.data, X.rows, X.cols, m, this.params.n_threads)))
      addMargins(this.packed, X.data, X.rows, X.cols, m);
    for (let i = 0; i < m.length; i++) m[i] = sigmoid(m[i]);
    return m;
  }

  /** Probability for one row of feature values in model order (NaN = missing); allocation-free. */
  predictRow(values: ArrayLike<number>): number {
    return sigmoid(predictRowMargin(this.packed, values));
  }

  /** Total gain (default) or cover of each feature's splits, normalised to sum to 1. */
  featureImportance(type: ImportanceType = 'gain'): Record<string, number> {
    const sums = new Float64Array(this.featureNames.length);
    const src = type === 'cover' ? this.forest.cover : this.forest.gain;
    for (let i = 0; i < this.forest.feature.length; i++) {
      const f = this.forest.feature[i];
      if (f >= 0) sums[f] += src[i];
    }
    let total = 0;
    for (const s of sums) total += s;
    const out: Record<string, number> = {};
    this.featureNames.forEach((name, f) => {
      out[name] = total > 0 ? sums[f] / total : 0;
    });
    return out;
  }

  history(): IterationEvent[] {
    return this.events.map((e) => ({ ...e }));
  }

  toJSON(): SerializedGbdt {
    return serializeGbdt({
      params: this.params,
      featureNames: this.featureNames,
      forest: this.forest,
      history: this.events,
      bestIteration: this.best,
    });
  }

  static fromJSON(json: SerializedModel): GbdtClassifier {
    const s = deserializeGbdt(json);
    const m = new GbdtClassifier(s.params);
    m.forest = s.forest;
    m.packed = packForest(s.forest);
    m.featureNames = s.featureNames;
    m.events = s.history;
    m.best = s.bestIteration;
    return m;
  }

  /**
   * The model in XGBoost 1.7's JSON format. Write it with toXGBoostJSONString(): XGBoost's reader
   * refuses integer literals in float fields, which plain JSON.stringify produces.
   */
  toXGBoostJSON(): object {
    return toXGBoostModel(this.forest, this.params, this.featureNames);
  }

  /** XGBoost model file text (model.json), loadable with `xgboost.Booster(model_file=...)`. */
  toXGBoostJSONString(): string {
    return stringifyXGBoostModel(this.toXGBoostJSON());
  }
}
