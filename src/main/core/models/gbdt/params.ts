/**
 * Hyper-parameters of the histogram GBDT. Defaults follow XGBoost 1.7 where XGBoost has the same knob
 * (eta 0.3, max_depth 6, lambda 1, alpha 0, gamma 0, min_child_weight 1, subsample 1,
 * colsample_bytree 1, max_bin 256, scale_pos_weight 1, base_score 0.5); n_estimators 100 is the
 * XGBClassifier default.
 */
export interface GbdtParams {
  n_estimators: number;
  /** Maximum depth; 0 = unlimited (only allowed with leaf-wise growth). */
  max_depth: number;
  /** 0 = depth-wise growth; > 0 = leaf-wise (lossguide) growth with at most this many leaves. */
  max_leaves: number;
  learning_rate: number;
  /** L2 regularisation on leaf weights. */
  lambda: number;
  /** L1 regularisation on leaf weights. */
  alpha: number;
  /** Minimum loss reduction to make a split (XGBoost's min_split_loss). */
  gamma: number;
  min_child_weight: number;
  /** Row subsampling rate per tree (Bernoulli, seeded). */
  subsample: number;
  /** Fraction of features sampled per tree (seeded). */
  colsample_bytree: number;
  /** Maximum number of bins per feature, 2..256 (one bin is reserved for missing values). */
  max_bin: number;
  scale_pos_weight: number;
  /** Stop when the validation logloss has not improved for this many rounds; 0 = off. */
  early_stopping_rounds: number;
  n_threads: number;
  seed: number;
  /**
   * Report the training loss and AUC (and the validation AUC) every this many iterations and at the
   * last one; in between `train_loss` is NaN. The validation loss is computed every iteration when a
   * validation set is given (early stopping needs it). 0 = no training metrics at all: the fastest
   * setting, like XGBoost without an eval set. The training loss and AUC are over all rows up to
   * 131,072 and beyond that over an evenly spaced sample of that many rows (an exact AUC sorts all
   * margins).
   */
  eval_every: number;
}

export const DEFAULT_GBDT_PARAMS: Readonly<GbdtParams> = Object.freeze({
  n_estimators: 100,
  max_depth: 6,
  max_leaves: 0,
  learning_rate: 0.3,
  lambda: 1,
  alpha: 0,
  gamma: 0,
  min_child_weight: 1,
  subsample: 1,
  colsample_bytree: 1,
  max_bin: 256,
  scale_pos_weight: 1,
  early_stopping_rounds: 0,
  n_threads: 1,
  seed: 0,
  eval_every: 1,
});

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(`Invalid GBDT parameter: ${message}`);
}

const isInt = (v: number): boolean => Number.isInteger(v);

/** Merges `params` over the defaults and validates every value. */
export function resolveParams(params: Partial<GbdtParams> = {}): GbdtParams {
  const known = new Set(Object.keys(DEFAULT_GBDT_PARAMS));
  for (const key of Object.keys(params)) check(known.has(key), `unknown parameter '${key}'`);
  const p: GbdtParams = { ...DEFAULT_GBDT_PARAMS };
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined) (p as unknown as Record<string, number>)[k] = v as number;
  }
  for (const [k, v] of Object.entries(p)) check(typeof v === 'number' && Number.isFinite(v), `${k} = ${v}`);
  check(isInt(p.n_estimators) && p.n_estimators >= 1, 'n_estimators must be an integer >= 1');
  check(isInt(p.max_depth) && p.max_depth >= 0 && p.max_depth <= 31, 'max_depth must be an integer 0..31');
  check(isInt(p.max_leaves) && p.max_leaves >= 0, 'max_leaves must be an integer >= 0');
  check(p.max_depth > 0 || p.max_leaves > 0, 'max_depth 0 (unlimited) needs max_leaves > 0');
  check(p.max_leaves !== 1, 'max_leaves must be 0 or >= 2');
  check(p.learning_rate > 0, 'learning_rate must be > 0');
  check(p.lambda >= 0 && p.alpha >= 0 && p.gamma >= 0, 'lambda, alpha and gamma must be >= 0');
  check(p.min_child_weight >= 0, 'min_child_weight must be >= 0');
  check(p.subsample > 0 && p.subsample <= 1, 'subsample must be in (0, 1]');
  check(p.colsample_bytree > 0 && p.colsample_bytree <= 1, 'colsample_bytree must be in (0, 1]');
  check(isInt(p.max_bin) && p.max_bin >= 2 && p.max_bin <= 256, 'max_bin must be an integer 2..256');
  check(p.scale_pos_weight > 0, 'scale_pos_weight must be > 0');
  check(isInt(p.early_stopping_rounds) && p.early_stopping_rounds >= 0, 'early_stopping_rounds >= 0');
  check(isInt(p.n_threads) && p.n_threads >= 1 && p.n_threads <= 64, 'n_threads must be 1..64');
  check(isInt(p.seed), 'seed must be an integer');
  check(isInt(p.eval_every) && p.eval_every >= 0, 'eval_every must be an integer >= 0');
  return p;
}
