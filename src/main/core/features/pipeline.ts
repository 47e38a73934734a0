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
import { MISSING_CATEGORY } from '../../../shared/config/constants';
import { columnLength, type CategoricalColumn, type Column, type Table } from '../data/table';
import type { DenseMatrix } from '../models/types';
import { categoriesOf, categoryCoder, fitCategories, mean, meanStd, median } from './encoders';
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

/** The column's values as text (null = missing), of the rows in `rows` (all rows when absent). */
function columnText(c: Column, rows?: ArrayLike<number>): (string | null)[] {
  const text = (v: string | number | null) =>
    typeof v === 'number' ? (Number.isNaN(v) ? null : String(v)) : v;
  if (!rows) return c.kind === 'categorical' ? c.values : Array.from(c.values, text);
  const out = new Array<string | null>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = text(c.values[rows[i]]);
  return out;
}

/** fitCategories over the rows `rows` of a categorical column (through its codes when it has them). */
function fitColumnCategories(
  c: CategoricalColumn,
  rows: ArrayLike<number> | undefined,
  order?: readonly string[],
): string[] {
  if (!c.coded) return fitCategories(columnText(c, rows), order);
  const { codes, dictionary } = c.coded;
  const present = new Uint8Array(dictionary.length + 1);
  if (rows) for (let i = 0; i < rows.length; i++) present[codes[rows[i]]] = 1;
  else for (let i = 0; i < codes.length; i++) present[codes[i]] = 1;
  const seen = new Set<string>();
  for (let k = 1; k < present.length; k++) if (present[k]) seen.add(dictionary[k - 1]);
  return categoriesOf(seen, present[0] === 1, order);
}

/** Category codes (categoryCoder's) of the rows `rows` of a column: one lookup per dictionary entry when it has codes. */
function categoryCodes(
  c: Column,
  rows: ArrayLike<number> | undefined,
  categories: readonly string[],
): Int32Array {
  const code = categoryCoder(categories);
  const n = rows ? rows.length : columnLength(c);
  const out = new Int32Array(n);
  if (c.kind === 'categorical' && c.coded) {
    const { codes, dictionary } = c.coded;
    const lut = Int32Array.from({ length: dictionary.length + 1 }, (_, k) =>
      code(k > 0 ? dictionary[k - 1] : null),
    );
    if (rows) for (let r = 0; r < n; r++) out[r] = lut[codes[rows[r]]];
    else for (let r = 0; r < n; r++) out[r] = lut[codes[r]];
    return out;
  }
  const text = columnText(c, rows);
  for (let r = 0; r < n; r++) out[r] = code(text[r]);
  return out;
}

function numericValues(values: Float64Array, rows?: ArrayLike<number>): Float64Array {
  if (!rows) return values;
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = values[rows[i]];
  return out;
}

/** data[r * cols + j] = (x − mean) / std for rows r0..r1, x = v[rows[r]] (or v[r]), NaN → fill unless null. */
function fillNumeric(
  data: Float32Array,
  cols: number,
  j: number,
  v: Float64Array,
  rows: ArrayLike<number> | undefined,
  r0: number,
  r1: number,
  fill: number | null,
  m: number,
  sd: number,
): void {
  if (rows && fill === null && m === 0 && sd === 1) {
    for (let r = r0; r < r1; r++) data[r * cols + j] = v[rows[r]];
    return;
  }
  for (let r = r0; r < r1; r++) {
    let x = v[rows ? rows[r] : r];
    if (fill !== null && Number.isNaN(x)) x = fill;
    data[r * cols + j] = (x - m) / sd;
  }
}

/** Rows per block of `transform`: the block's slice of the output stays in cache while columns fill it. */
const TRANSFORM_BLOCK = 2048;

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

  /** Fits on the rows of `table` listed in `options.rows` (all rows when absent). */
  static fit(
    table: Table,
    _y: Uint8Array,
    features: FeaturesConfig,
    options: { forAlgorithm: Algorithm; rows?: ArrayLike<number> },
  ): FeaturePipeline {
    const rows = options.rows;
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
        const order = features.categorical.orders[c.name];
        const categories =
          c.kind === 'categorical'
            ? fitColumnCategories(c, rows, order)
            : fitCategories(columnText(c, rows), order);
        const encoding = trees ? 'ordinal' : features.categorical.encoding;
        let scale: CategoricalStep['scale'] = null;
        if (encoding === 'ordinal' && standardise) scale = meanStd(categoryCodes(c, rows, categories));
        return { name: c.name, type: 'category', categories, encoding, scale };
      }
      if (!impute && !standardise)
        return { name: c.name, type: 'number', impute: null, indicator: false, scale: null };
      const values = numericValues(c.values, rows);
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

  /**
   * The model matrix of `rows` of `table` (all rows when absent), in that order. `shared`: over a
   * SharedArrayBuffer, so that a multi-threaded learner's threads can read it without a copy.
   */
  transform(table: Table, rows?: ArrayLike<number>, options: { shared?: boolean } = {}): DenseMatrix {
    const n = rows ? rows.length : table.rows;
    const cols = this.columns.length;
    const data = options.shared
      ? new Float32Array(new SharedArrayBuffer(4 * n * cols))
      : new Float32Array(n * cols);
    const byName = new Map(table.columns.map((c) => [c.name, c]));
    const columnOf = (s: Step) => {
      const c = byName.get(s.name);
      if (!c) throw new Error(`transform: the table has no column ${s.name}`);
      if (s.type === 'number' && c.kind !== 'numeric')
        throw new Error(`transform: column ${s.name} must be numeric`);
      return c;
    };
    // categoricals become codes once (a Map lookup per row); then every block fills all columns
    const sources = this.steps.map((s) => {
      const c = columnOf(s);
      if (s.type === 'number') return (c as { values: Float64Array }).values;
      return categoryCodes(c, rows, s.categories);
    });
    // output column of each step, and of each missing-value indicator (after all steps)
    const at: number[] = [];
    let next = 0;
    for (const s of this.steps) {
      at.push(next);
      next += s.type === 'category' && s.encoding === 'onehot' ? s.categories.length : 1;
    }
    const indicatorAt = new Map<number, number>();
    this.steps.forEach((s, k) => {
      if (s.type === 'number' && s.indicator) indicatorAt.set(k, next++);
    });
    for (let r0 = 0; r0 < n; r0 += TRANSFORM_BLOCK) {
      const r1 = Math.min(n, r0 + TRANSFORM_BLOCK);
      for (let k = 0; k < this.steps.length; k++) {
        const s = this.steps[k];
        const j = at[k];
        if (s.type === 'number') {
          const v = sources[k] as Float64Array;
          fillNumeric(data, cols, j, v, rows, r0, r1, s.impute, s.scale?.mean ?? 0, s.scale?.std ?? 1);
          const ind = indicatorAt.get(k);
          if (ind !== undefined) {
            for (let r = r0; r < r1; r++) data[r * cols + ind] = Number.isNaN(v[rows ? rows[r] : r]) ? 1 : 0;
          }
          continue;
        }
        const codes = sources[k] as Int32Array;
        if (s.encoding === 'onehot') {
          for (let r = r0; r < r1; r++) {
            const c = codes[r];
            if (c >= 0) data[r * cols + j + c] = 1;
          }
        } else {
          const m = s.scale?.mean ?? 0;
          const sd = s.scale?.std ?? 1;
          for (let r = r0; r < r1; r++) data[r * cols + j] = (codes[r] - m) / sd;
        }
      }
    }
    return { rows: n, cols, data, columns: [...this.columns] };
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
