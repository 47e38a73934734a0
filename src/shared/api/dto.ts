/** Data shapes exchanged over the app API (both transports). Plain JSON only. */
import type { InputSignature, ModelIdentity, Prediction } from '../model/signature';

export type { InputSignature, ModelIdentity, Prediction };

// ── configs ─────────────────────────────────────────────────────────────────────────────────────
export interface ConfigFileInfo {
  /** Path relative to the config folder, e.g. `base_config.yaml`, `experiments/deep.yaml`. */
  path: string;
  kind: 'base' | 'experiment';
  modified_at: string;
  bytes: number;
}

export interface ConfigIssueDto {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
  /** `file:line:col path: message`, ready to print. */
  formatted: string;
}

export interface ConfigValidation {
  ok: boolean;
  issues: ConfigIssueDto[];
  /** The resolved config (after `extends:`), as the run would store it. */
  resolved_yaml?: string;
  hash?: string;
}

// ── data ────────────────────────────────────────────────────────────────────────────────────────
export interface ColumnSummary {
  name: string;
  type: 'number' | 'category' | 'id' | 'target';
  missing: number;
  missing_pct: number;
  min?: number;
  max?: number;
  mean?: number;
  distinct?: number;
  top?: { value: string; count: number }[];
}

export interface DataSummary {
  source: string;
  files: string[];
  rows: number;
  positives: number;
  negatives: number;
  positive_rate: number;
  columns: ColumnSummary[];
  warnings: string[];
  fingerprint: string;
}

export interface DataPreview {
  columns: string[];
  rows: (string | number | null)[][];
  total_rows: number;
}

// ── runs ────────────────────────────────────────────────────────────────────────────────────────
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export type RunStage =
  | 'queued'
  | 'loading'
  | 'features'
  | 'tuning'
  | 'training'
  | 'calibrating'
  | 'evaluating'
  | 'saving'
  | 'registering'
  | 'done';

export interface RunProgress {
  run_id: string;
  stage: RunStage;
  /** 0..100 over the whole run. */
  percent: number;
  message?: string;
  iteration?: number;
  total?: number;
  train_loss?: number;
  valid_loss?: number;
  train_auc?: number;
  valid_auc?: number;
}

export interface RunSource {
  /** A config file path (relative to the config folder) … */
  configPath?: string;
  /** … or the YAML text itself (the editor's buffer, or a snapshot). */
  configText?: string;
}

export interface RunOverrides {
  /** `key.path=value` pairs, as `mlsys train --set`. */
  set?: string[];
  tune?: boolean;
  calibrationSize?: number;
  randomState?: number;
}

export interface RunSummary {
  run_id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  parent_run_id: string | null;
  algorithm: string;
  config_hash: string;
  /** Flattened config paths → value, for filtering, sorting and diffs. */
  params: Record<string, string | number | boolean | null>;
  /** Final metric values (e.g. roc_auc, roc_auc_calibrated, pr_auc, log_loss, brier, f1…). */
  metrics: Record<string, number>;
  tags: Record<string, string>;
  model_version: number | null;
  is_champion: boolean;
}

export interface ArtifactDto {
  path: string;
  kind: string;
  bytes: number;
  sha256: string;
}

export interface RunDetail extends RunSummary {
  config_yaml: string;
  error: string | null;
  data_fingerprint: string;
  seed: number;
  notes: string;
  artifacts: ArtifactDto[];
  children: RunSummary[];
  /** Latest progress while queued or running. */
  progress: RunProgress | null;
}

export interface RunFilter {
  /** `status`, `experiment`, `params.<path>` or `metrics.<name>`. */
  key: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains';
  value: string | number;
}

export interface RunListQuery {
  experiment?: string;
  status?: RunStatus;
  filter?: RunFilter[];
  sort?: { key: string; dir: 'asc' | 'desc' };
  limit?: number;
  offset?: number;
  /** `null`: top-level runs only (default); a run id: that run's tuning trials. */
  parent?: string | null;
}

export interface RunDiff {
  a: string;
  b: string;
  /** Changed config keys only, as dotted paths with both values. */
  config: { path: string; a: unknown; b: unknown }[];
  metrics: { name: string; a: number | null; b: number | null; delta: number | null }[];
}

export interface MetricPoint {
  step: number;
  value: number;
}

export interface RunMetrics {
  final: Record<string, number>;
  history: Record<string, MetricPoint[]>;
}

export interface Curve {
  x: number[];
  y: number[];
  thresholds?: number[];
}

export interface ThresholdRow {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  mcc: number;
  cost: number;
}

export interface RunEvaluation {
  threshold: number;
  threshold_policy: string;
  confusion: { tp: number; fp: number; tn: number; fn: number };
  roc: Curve;
  pr: Curve;
  reliability: { mean_predicted: number[]; fraction_positive: number[]; count: number[] };
  gains: { group: number[]; cumulative_gain: number[]; lift: number[] };
  threshold_table: ThresholdRow[];
  /** The thresholds each policy would pick on the test set (for reference; the run used `threshold`). */
  chosen?: {
    max_f1: { threshold: number; value: number };
    max_mcc: { threshold: number; value: number };
    min_cost: { threshold: number; value: number };
  };
  /** Reliability of the uncalibrated probabilities, when a calibrator was fitted. */
  reliability_raw?: { mean_predicted: number[]; fraction_positive: number[]; count: number[] };
  /** Test-set labels and probabilities, down-sampled, so the GUI can recompute a confusion matrix at any threshold. */
  scores?: { y: number[]; p: number[] };
  report_text: string;
  feature_importance: { feature: string; gain: number }[];
}

// ── registry ────────────────────────────────────────────────────────────────────────────────────
export interface ModelVersionDto {
  name: string;
  version: number;
  run_id: string;
  bundle_sha256: string;
  bundle_bytes: number;
  created_at: string;
  metrics: Record<string, number>;
  primary_metric: string;
  eval_fingerprint: string;
  aliases: string[];
  is_champion: boolean;
  signature: InputSignature;
}

export interface PromotionDto {
  id: number;
  name: string;
  /** register: first version became champion; promote / rollback: champion changed; not-promoted /
   * not-compared: a version was registered and the champion stayed (the reason says why). */
  action: 'register' | 'promote' | 'rollback' | 'not-promoted' | 'not-compared';
  from_version: number | null;
  /** The champion after this entry. */
  to_version: number | null;
  candidate_version: number | null;
  at: string;
  who: string;
  reason: string;
  metric: string | null;
  from_value: number | null;
  to_value: number | null;
}

export interface RegisterOutcome {
  version: ModelVersionDto;
  promoted: boolean;
  reason: string;
}

// ── serving ─────────────────────────────────────────────────────────────────────────────────────
export interface ServingStatus {
  running: boolean;
  host: string;
  port: number;
  url: string;
  model: ModelIdentity | null;
  started_at: string | null;
  requests_total: number;
  predictions_total: number;
  errors_total: number;
  last_error: string | null;
}

// ── snapshots ───────────────────────────────────────────────────────────────────────────────────
export interface ConfigSnapshot {
  run_id: string;
  file_name: string;
  yaml: string;
  hash: string;
}
