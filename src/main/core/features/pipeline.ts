/**
 * FeaturePipeline: raw company-level columns → the model's float matrix, with state fitted on the
 * training split only and reused unchanged for test data and scoring records (no training/serving skew).
 *
 * gbdt: numeric columns pass through (NaN = missing, handled by the trees), categoricals become
 *   ordinal codes (missing = its own last code, unseen = -1). With SMOTE enabled numerics are imputed
 *   first (SMOTE cannot interpolate NaN), as the peer does.
 * logistic / mlp: numerics imputed (median | mean | zero, optional missing indicators), categoricals
 *   one-hot (unseen → all zeros) or ordinal, then numeric and ordinal columns standardised.
 */
import { closest } from '../../../shared/config/suggest';
import type { Algorithm, FeaturesConfig } from '../../../shared/config/schema';
import type { InputSignature } from '../../../shared/model/signature';
import { MISSING_CATEGORY } from '../../../shared/config/schema';
import type { Column, Table } from '../data/table';
import type { DenseMatrix } from '../models/types';
import { categoryCoder, fitCategories, mean, meanStd, median } from './encoders';
import { recordsToTable, type InputSpec } from './records';

export const FEATURE_PIPELINE_KIND = 'feature_pipeline';
export const FEATURE_PIPELINE_FORMAT = 1;

interface NumericStep {
  name: string;
  type: 'number';
  /** Value for NaN; null = keep NaN. */
  impute: number | null;
  /** Emit `<name>__missing` (0/1) at the end of the matrix. */
  indicator: boolean;
  scale: { mean: number; std: number } | null;
}

interface CategoricalStep {
  name: string;
  type: 'category';
  categories: string[];
  encoding: 'ordinal' | 'onehot';
  scale: { mean: number; std: number } | null;
}

type Step = NumericStep | CategoricalStep;

export interface SerializedFeaturePipeline {
  kind: typeof FEATURE_PIPELINE_KIND;
  format_version: number;
  algorithm: Algorithm;
  steps: Step[];
  columns: string[];
}

function columnText(c: Column): (string | null)[] {
  if (c.kind === 'categorical') return c.values;
  return Array.from(c.values, (v) => (Number.isNaN(v) ? null : String(v)));
}

function checkNames(key: string, names: readonly string[], available: readonly string[]): void {
  for (const n of names) {
    if (!available.includes(n)) {
      const near = closest(n, available);
      throw new Error(
        `features.${key}: unknown feature "${n}"${near ? ` — did you mean "${near}"?` : ''} (features: ${available.join(', ')})`,
      );
    }
  }
}

export class FeaturePipeline {
  private constructor(
    private readonly algorithm: Algorithm,
    private readonly steps: Step[],
    private readonly columns: string[],
  ) {}

  static fit(
    table: Table,
    _y: Uint8Array,
    features: FeaturesConfig,
    options: { forAlgorithm: Algorithm },
  ): FeaturePipeline {
    const algorithm = options.forAlgorithm;
    const trees = algorithm === 'gbdt';
    const available = table.columns.map((c) => c.name);
    checkNames('include', features.include, available);
    checkNames('exclude', features.exclude, available);
    const listed = features.categorical.columns;
    const inputs = table.columns.filter(
      (c) =>
        (features.include.length === 0 || features.include.includes(c.name)) &&
        !features.exclude.includes(c.name),
    );
    if (inputs.length === 0) throw new Error('features: no input columns left after include/exclude');
    const impute = !trees || features.smote.enabled;
    const standardise = !trees && features.scaling === 'standard';
    const steps: Step[] = inputs.map((c): Step => {
      if (c.kind === 'categorical' || (listed ?? []).includes(c.name)) {
        const text = columnText(c);
        const categories = fitCategories(text, features.categorical.orders[c.name]);
        const encoding = trees ? 'ordinal' : features.categorical.encoding;
        let scale: CategoricalStep['scale'] = null;
        if (encoding === 'ordinal' && standardise) {
          const code = categoryCoder(categories);
          scale = meanStd(Float64Array.from(text, code));
        }
        return { name: c.name, type: 'category', categories, encoding, scale };
      }
      const values = c.values;
      const hasNaN = values.some((v) => Number.isNaN(v));
      const fill = !impute
        ? null
        : features.missing.numeric === 'median'
          ? median(values)
          : features.missing.numeric === 'mean'
            ? mean(values)
            : 0;
      let scale: NumericStep['scale'] = null;
      if (standardise)
        scale = meanStd(fill === null ? values : values.map((v) => (Number.isNaN(v) ? fill : v)));
      return {
        name: c.name,
        type: 'number',
        impute: fill,
        indicator: impute && features.missing.indicators && hasNaN,
        scale,
      };
    });
    return new FeaturePipeline(algorithm, steps, FeaturePipeline.outputColumns(steps));
  }

  private static outputColumns(steps: Step[]): string[] {
    const cols: string[] = [];
    for (const s of steps) {
      if (s.type === 'category' && s.encoding === 'onehot')
        for (const c of s.categories) cols.push(`${s.name}=${c}`);
      else cols.push(s.name);
    }
    for (const s of steps) if (s.type === 'number' && s.indicator) cols.push(`${s.name}__missing`);
    return cols;
  }

  /** Output feature names, in matrix column order. */
  featureNames(): string[] {
    return [...this.columns];
  }

  /** The raw input columns a table or record must carry. */
  inputs(): InputSpec[] {
    return this.steps.map((s) => ({ name: s.name, type: s.type }));
  }

  /** Matrix columns holding ordinal category codes (for SMOTENC and categorical-aware models). */
  categoricalFeatureIndices(): number[] {
    const out: number[] = [];
    let j = 0;
    for (const s of this.steps) {
      if (s.type === 'category' && s.encoding === 'onehot') j += s.categories.length;
      else {
        if (s.type === 'category') out.push(j);
        j++;
      }
    }
    return out;
  }

  signature(): InputSignature {
    return {
      columns: this.steps.map((s) =>
        s.type === 'category'
          ? {
              name: s.name,
              type: 'category' as const,
              categories: s.categories.filter((c) => c !== MISSING_CATEGORY),
              nullable: true,
            }
          : { name: s.name, type: 'number' as const, nullable: true },
      ),
    };
  }

  transform(table: Table): DenseMatrix {
    const rows = table.rows;
    const cols = this.columns.length;
    const data = new Float32Array(rows * cols);
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    let j = 0;
    const indicators: { src: Float64Array }[] = [];
    for (const s of this.steps) {
      const c = byName.get(s.name);
      if (!c) throw new Error(`transform: the table has no column ${s.name}`);
      if (s.type === 'number') {
        if (c.kind !== 'numeric') throw new Error(`transform: column ${s.name} must be numeric`);
        const v = c.values;
        const fill = s.impute;
        const m = s.scale?.mean ?? 0;
        const sd = s.scale?.std ?? 1;
        for (let r = 0; r < rows; r++) {
          let x = v[r];
          if (Number.isNaN(x) && fill !== null) x = fill;
          data[r * cols + j] = (x - m) / sd;
        }
        if (s.indicator) indicators.push({ src: v });
        j++;
      } else {
        const text = columnText(c);
        const code = categoryCoder(s.categories);
        if (s.encoding === 'onehot') {
          for (let r = 0; r < rows; r++) {
            const k = code(text[r]);
            if (k >= 0) data[r * cols + j + k] = 1;
          }
          j += s.categories.length;
        } else {
          const m = s.scale?.mean ?? 0;
          const sd = s.scale?.std ?? 1;
          for (let r = 0; r < rows; r++) data[r * cols + j] = (code(text[r]) - m) / sd;
          j++;
        }
      }
    }
    for (const { src } of indicators) {
      for (let r = 0; r < rows; r++) data[r * cols + j] = Number.isNaN(src[r]) ? 1 : 0;
      j++;
    }
    return { rows, cols, data, columns: [...this.columns] };
  }

  /** Scoring-time transform of raw records; throws RecordError naming the record and field. */
  transformRecords(records: Record<string, unknown>[]): DenseMatrix {
    return this.transform(recordsToTable(records, this.inputs()));
  }

  toJSON(): SerializedFeaturePipeline {
    return {
      kind: FEATURE_PIPELINE_KIND,
      format_version: FEATURE_PIPELINE_FORMAT,
      algorithm: this.algorithm,
      steps: this.steps.map((s) => ({
        ...s,
        ...(s.type === 'category' ? { categories: [...s.categories] } : {}),
      })),
      columns: [...this.columns],
    };
  }

  static fromJSON(doc: unknown): FeaturePipeline {
    const d = doc as Partial<SerializedFeaturePipeline> | null;
    if (!d || typeof d !== 'object' || d.kind !== FEATURE_PIPELINE_KIND) {
      throw new Error(
        `not a feature pipeline (kind ${JSON.stringify(d?.kind)}, expected "${FEATURE_PIPELINE_KIND}")`,
      );
    }
    if (d.format_version !== FEATURE_PIPELINE_FORMAT) {
      throw new Error(`feature pipeline format_version ${String(d.format_version)} is not supported`);
    }
    if (!Array.isArray(d.steps) || !Array.isArray(d.columns) || !d.algorithm) {
      throw new Error('feature pipeline: steps, columns and algorithm are required');
    }
    const steps = d.steps.map((s) => ({ ...s }));
    const columns = FeaturePipeline.outputColumns(steps);
    if (columns.join('\u0000') !== d.columns.join('\u0000')) {
      throw new Error('feature pipeline: the stored columns do not match its steps');
    }
    return new FeaturePipeline(d.algorithm, steps, columns);
  }
}
