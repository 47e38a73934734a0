/**
 * FrameworkConfig: the one document that drives a run. Every section has defaults, so an empty file
 * is a valid config; every object is strict, so a misspelt key is an error. docs/CONFIG.md lists every
 * key with its default.
 */
import { z } from 'zod';
import { EMPLOYEE_RANGE_ORDER, USAGE_COUNTERS } from './constants';
import { bool, int, isoDate, num, oneOf, str } from './fields';

export { EMPLOYEE_RANGE_ORDER, MISSING_CATEGORY, USAGE_COUNTERS } from './constants';

const strList = (what: string) => z.array(str(what), { error: `expected a list of ${what}s` });

// ---------------------------------------------------------------------------------------------- data
export const DataSchema = z.strictObject({
  /** hubspot = customers + noncustomers + usage CSVs; csv / parquet = one table with a target column. */
  source: oneOf(['hubspot', 'csv', 'parquet']).default('hubspot'),
  data_dir: str('a folder path').default('data'),
  files: z
    .strictObject({
      customers: str('a file name').default('customers.csv'),
      noncustomers: str('a file name').default('noncustomers.csv'),
      usage: str('a file name').default('usage_actions.csv'),
      /** The single table for source csv / parquet. */
      table: str('a file name').default('data.csv'),
    })
    .prefault({}),
  id_column: str('a column name').default('id'),
  /** Label column of a csv / parquet table (values 0/1, true/false or yes/no). */
  target_column: str('a column name').default('target'),
  random_state: int({ min: 0, max: 4294967295 }).default(42),
  test_size: num({ gt: 0, lt: 1 }).default(0.2),
  /** Share of the training split held out for calibration (used when model.calibration ≠ none). */
  calibration_size: num({ min: 0, lt: 1 }).default(0.1),
  stratify: bool().default(true),
});

// ------------------------------------------------------------------------------------------ features
export const UsageFeaturesSchema = z.strictObject({
  /** all_time = the peer's 26 per-company aggregates; windows = per-window aggregates before the cutoff. */
  mode: oneOf(['all_time', 'windows']).default('all_time'),
  counters: strList('usage column name')
    .min(1, { error: 'expected at least one counter' })
    .default([...USAGE_COUNTERS]),
  aggregations: z
    .array(oneOf(['sum', 'mean', 'max']), { error: 'expected a list of sum | mean | max' })
    .default(['sum', 'mean', 'max']),
  /** usage_rows: number of usage rows per company (before the cutoff). */
  row_count: bool().default(true),
  /** days_since_last_usage: days from the last usage row to the company's cutoff. */
  recency: bool().default(true),
  /** Window lengths in days (windows mode). */
  windows: z
    .array(int({ min: 1, max: 3650 }), { error: 'expected a list of window lengths in days' })
    .min(1, { error: 'expected at least one window' })
    .default([7, 28, 90]),
  /** Distinct active weeks per window (windows mode). */
  active_weeks: bool().default(true),
  /** Per counter: daily rate in the shortest window minus daily rate in the longest (windows mode). */
  trend: bool().default(true),
});

export const CutoffSchema = z.strictObject({
  /**
   * point_in_time: customers' usage counts only up to CLOSEDATE, non-customers' up to the snapshot date.
   * none: every usage row counts (the peer's definition; leaks post-conversion usage — parity only).
   */
  rule: oneOf(['point_in_time', 'none']).default('point_in_time'),
  /** Snapshot date for non-customers; null = the latest WHEN_TIMESTAMP in the usage table. */
  snapshot_date: isoDate().nullable().default(null),
});

export const CategoricalSchema = z.strictObject({
  /** Categorical columns; null = every text column of the table. */
  columns: strList('column name').nullable().default(null),
  /** For logistic / mlp; gbdt always uses ordinal codes. */
  encoding: oneOf(['ordinal', 'onehot']).default('ordinal'),
  /** Explicit category order per column; other columns are sorted. Missing is its own last category. */
  orders: z
    .record(z.string(), strList('category'), {
      error: 'expected a map from column name to a list of categories',
    })
    .default({ EMPLOYEE_RANGE: [...EMPLOYEE_RANGE_ORDER] }),
});

export const MissingSchema = z.strictObject({
  /** Numeric imputation for logistic / mlp and before SMOTE; gbdt otherwise keeps NaN as missing. */
  numeric: oneOf(['median', 'mean', 'zero']).default('median'),
  /** Add a 0/1 "<column>__missing" feature for every numeric column with missing values in train. */
  indicators: bool().default(false),
});

export const SmoteSchema = z.strictObject({
  enabled: bool().default(false),
  kind: oneOf(['smote', 'smotenc']).default('smotenc'),
  k_neighbors: int({ min: 1, max: 100 }).default(5),
  /** Minority / majority ratio after resampling (imbalanced-learn's float sampling_strategy). */
  sampling_strategy: num({ gt: 0, max: 1 }).default(1),
});

export const FeaturesSchema = z.strictObject({
  usage: UsageFeaturesSchema.prefault({}),
  cutoff: CutoffSchema.prefault({}),
  categorical: CategoricalSchema.prefault({}),
  missing: MissingSchema.prefault({}),
  /** Standardisation for logistic / mlp (gbdt ignores it). */
  scaling: oneOf(['standard', 'none']).default('standard'),
  smote: SmoteSchema.prefault({}),
  /** Keep only these features (names after aggregation); empty = all. */
  include: strList('feature name').default([]),
  exclude: strList('feature name').default([]),
});

// --------------------------------------------------------------------------------------------- model
export const GbdtHyperparametersSchema = z.strictObject({
  n_estimators: int({ min: 1, max: 100000 }).default(200),
  max_depth: int({ min: 1 }).default(6),
  /** 0 = no limit beyond max_depth. */
  max_leaves: int({ min: 0 }).default(0),
  learning_rate: num({ gt: 0, max: 1 }).default(0.1),
  lambda: num({ min: 0 }).default(1),
  alpha: num({ min: 0 }).default(0),
  gamma: num({ min: 0 }).default(0),
  min_child_weight: num({ min: 0 }).default(1),
  subsample: num({ gt: 0, max: 1 }).default(1),
  colsample_bytree: num({ gt: 0, max: 1 }).default(1),
  max_bin: int({ min: 2, max: 65535 }).default(256),
  scale_pos_weight: num({ gt: 0 }).default(1),
  /** 0 = no early stopping. */
  early_stopping_rounds: int({ min: 0 }).default(0),
  /** 0 = all available cores. */
  n_threads: int({ min: 0, max: 256 }).default(0),
});

export const LogisticHyperparametersSchema = z.strictObject({
  learning_rate: num({ gt: 0, max: 10 }).default(0.05),
  epochs: int({ min: 1, max: 10000 }).default(30),
  batch_size: int({ min: 1 }).default(512),
  l2: num({ min: 0 }).default(0.0001),
  /** Epochs without validation improvement before stopping; 0 = never stop early. */
  patience: int({ min: 0 }).default(5),
});

export const MlpHyperparametersSchema = z.strictObject({
  hidden_units: z
    .array(int({ min: 1, max: 4096 }), { error: 'expected a list of layer sizes' })
    .min(1, { error: 'expected at least one hidden layer' })
    .default([64, 32]),
  dropout: num({ min: 0, lt: 1 }).default(0.1),
  learning_rate: num({ gt: 0, max: 10 }).default(0.001),
  epochs: int({ min: 1, max: 10000 }).default(30),
  batch_size: int({ min: 1 }).default(512),
  l2: num({ min: 0 }).default(0.0001),
  patience: int({ min: 0 }).default(5),
});

export const SearchParamSchema = z
  .strictObject({
    type: oneOf(['int', 'float', 'log_float', 'categorical']),
    low: num().optional(),
    high: num().optional(),
    choices: z.array(z.unknown(), { error: 'expected a list of choices' }).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.type === 'categorical') {
      if (!p.choices || p.choices.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['choices'],
          message: 'expected a non-empty list for a categorical parameter',
          input: p.choices,
        });
      return;
    }
    if (p.low === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['low'],
        message: `expected a lower bound (low) for this ${p.type} parameter`,
        input: undefined,
      });
    if (p.high === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['high'],
        message: `expected an upper bound (high) for this ${p.type} parameter`,
        input: undefined,
      });
    if (p.low !== undefined && p.high !== undefined && !(p.low < p.high))
      ctx.addIssue({
        code: 'custom',
        path: ['high'],
        message: `expected high > low (${p.low})`,
        input: p.high,
      });
    if (p.type === 'log_float' && p.low !== undefined && p.low <= 0)
      ctx.addIssue({
        code: 'custom',
        path: ['low'],
        message: 'expected low > 0 for a log_float parameter',
        input: p.low,
      });
  });
export type SearchParam = z.output<typeof SearchParamSchema>;

function tuneSchema<S extends z.ZodRawShape>(hyperparameters: z.ZodObject<S>) {
  const space = Object.fromEntries(
    Object.keys(hyperparameters.shape).map((k) => [k, SearchParamSchema.optional()]),
  );
  return z.strictObject({
    enabled: bool().default(false),
    n_trials: int({ min: 1, max: 10000 }).default(20),
    cv_folds: int({ min: 2, max: 20 }).default(3),
    method: oneOf(['random_halving', 'tpe']).default('random_halving'),
    /** Wall-clock budget in seconds; 0 = none. */
    timeout_s: num({ min: 0 }).default(0),
    /** Search space: hyperparameter name → {type, low, high | choices}. */
    space: z.strictObject(space).prefault({}) as unknown as z.ZodPrefault<
      z.ZodType<
        Partial<Record<keyof S & string, SearchParam>>,
        Partial<Record<keyof S & string, z.input<typeof SearchParamSchema>>>
      >
    >,
  });
}

export const ThresholdSchema = z.strictObject({
  /** fixed = `value`; max_f1 / max_mcc chosen on the validation data; cost = minimises cost_fp·FP + cost_fn·FN. */
  policy: oneOf(['fixed', 'max_f1', 'max_mcc', 'cost']).default('fixed'),
  value: num({ min: 0, max: 1 }).default(0.5),
  cost_fp: num({ min: 0 }).default(1),
  cost_fn: num({ min: 0 }).default(1),
});

const calibration = oneOf(['none', 'isotonic', 'sigmoid']).default('none');

export const GbdtModelSchema = z.strictObject({
  algorithm: z.literal('gbdt'),
  hyperparameters: GbdtHyperparametersSchema.prefault({}),
  calibration,
  tune: tuneSchema(GbdtHyperparametersSchema).prefault({}),
  threshold: ThresholdSchema.prefault({}),
});
export const LogisticModelSchema = z.strictObject({
  algorithm: z.literal('logistic'),
  hyperparameters: LogisticHyperparametersSchema.prefault({}),
  calibration,
  tune: tuneSchema(LogisticHyperparametersSchema).prefault({}),
  threshold: ThresholdSchema.prefault({}),
});
export const MlpModelSchema = z.strictObject({
  algorithm: z.literal('mlp'),
  hyperparameters: MlpHyperparametersSchema.prefault({}),
  calibration,
  tune: tuneSchema(MlpHyperparametersSchema).prefault({}),
  threshold: ThresholdSchema.prefault({}),
});

export const ALGORITHMS = ['gbdt', 'logistic', 'mlp'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export const ModelSchema = z.discriminatedUnion(
  'algorithm',
  [GbdtModelSchema, LogisticModelSchema, MlpModelSchema],
  {
    error: `expected algorithm to be one of ${ALGORITHMS.join(' | ')}`,
  },
);

// ------------------------------------------------------------------------------- tracking / serving
export const TrackingSchema = z.strictObject({
  experiment_name: str('a name').default('default'),
  tags: z
    .record(
      z.string(),
      z
        .union([z.string(), z.number(), z.boolean()], { error: 'expected a text tag value' })
        .transform((v) => String(v)),
      { error: 'expected a map of tags' },
    )
    .default({}),
  mlflow_uri: z.string({ error: 'expected a URI' }).nullable().default(null),
});

export const PRIMARY_METRICS = ['roc_auc', 'pr_auc', 'log_loss', 'brier', 'f1', 'accuracy'] as const;

export const ServingSchema = z.strictObject({
  host: str('a host name or address').default('127.0.0.1'),
  port: int({ min: 0, max: 65535 }).default(8000),
  model_registry_path: str('a folder path').default('.mlsys/registry'),
  model_name: str('a model name').default('hubspot-conversion'),
  prometheus: bool().default(true),
  /** Metric that decides promotion; log_loss and brier are lower-is-better. */
  primary_metric: oneOf(PRIMARY_METRICS).default('roc_auc'),
  /** A candidate must beat the champion's primary metric by more than this to be promoted. */
  min_improvement: num({ min: 0 }).default(0),
  /** Largest number of records one POST /score may carry. */
  max_batch: int({ min: 1, max: 1000000 }).default(10000),
});

// -------------------------------------------------------------------------------------------- root
export const FrameworkConfigSchema = z.strictObject({
  description: z.string({ error: 'expected text' }).optional(),
  data: DataSchema.prefault({}),
  features: FeaturesSchema.prefault({}),
  /** `algorithm` defaults to gbdt, so an overlay may set any other model key alone. */
  model: z.preprocess(
    (v) =>
      v === undefined
        ? { algorithm: 'gbdt' }
        : typeof v === 'object' && v !== null && !Array.isArray(v) && !('algorithm' in v)
          ? { ...v, algorithm: 'gbdt' }
          : v,
    ModelSchema,
  ) as unknown as z.ZodPrefault<typeof ModelSchema>,
  tracking: TrackingSchema.prefault({}),
  serving: ServingSchema.prefault({}),
  artifacts_path: str('a folder path').default('.mlsys/artifacts'),
});

export type FrameworkConfig = z.output<typeof FrameworkConfigSchema>;
export type FrameworkConfigInput = z.input<typeof FrameworkConfigSchema>;
export type DataConfig = FrameworkConfig['data'];
export type FeaturesConfig = FrameworkConfig['features'];
export type ModelConfig = FrameworkConfig['model'];
export type GbdtHyperparameters = z.output<typeof GbdtHyperparametersSchema>;
export type LogisticHyperparameters = z.output<typeof LogisticHyperparametersSchema>;
export type MlpHyperparameters = z.output<typeof MlpHyperparametersSchema>;
export type ServingConfig = FrameworkConfig['serving'];
export type TrackingConfig = FrameworkConfig['tracking'];

/** Keys a file may carry besides the schema: `extends` names the file this one overlays. */
export const FILE_ONLY_KEYS = ['extends'] as const;

/** Paths (dotted) whose relative values are resolved to absolute paths when a config is loaded. */
export const PATH_KEYS = ['data.data_dir', 'serving.model_registry_path', 'artifacts_path'] as const;
