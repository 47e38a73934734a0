import type { InputSignature } from '../../../shared/model/signature';
import type { PromotionDto } from '../../../shared/api/dto';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface CreateRunInput {
  experiment: string;
  name?: string;
  config_yaml: string;
  config_hash: string;
  /** Flattened config paths (`model.max_depth` → 6); see flattenParams. */
  params: Record<string, unknown>;
  seed: number;
  data_fingerprint: string;
  parent_run_id?: string;
  /** Key/value tags, as `tracking.tags` in the config (a bare label is a key with value ''). */
  tags?: Record<string, string>;
  notes?: string;
  status?: 'queued' | 'running';
  /** Normally generated; given only when registering a bundle whose run came from elsewhere. */
  id?: string;
}

export interface RunRecord {
  id: string;
  experiment: string;
  name: string | null;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  config_hash: string;
  data_fingerprint: string;
  seed: number;
  error: string | null;
  parent_run_id: string | null;
  tags: Record<string, string>;
  notes: string | null;
}

/** A row of the runs table as listed: the run plus its params and final metrics (any column can be shown). */
export interface RunSummary extends RunRecord {
  params: Record<string, unknown>;
  metrics: Record<string, number>;
}

export interface MetricPoint {
  step: number;
  value: number;
}

export interface ArtifactInput {
  path: string;
  kind: string;
  bytes: number;
  sha256: string;
}

export interface ArtifactRecord extends ArtifactInput {
  id: number;
  created_at: string;
}

export interface RunDetail extends RunSummary {
  config_yaml: string;
  history: Record<string, MetricPoint[]>;
  artifacts: ArtifactRecord[];
  children: RunSummary[];
  model_versions: { name: string; version: number }[];
}

export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'contains';

export interface RunFilter {
  /** `params.<path>`, `metrics.<name>`, `tags.<key>`, `tags` (has key), or a run column (status, name, seed, …). */
  key: string;
  op: FilterOp;
  value: string | number;
}

export interface ListRunsQuery {
  experiment?: string;
  status?: RunStatus | RunStatus[];
  filter?: RunFilter[];
  /** `started_at` | `created_at` | `metrics.roc_auc` | `params.model.algorithm` | … ; default created_at desc. */
  sort?: { key: string; dir: 'asc' | 'desc' };
  limit?: number;
  offset?: number;
  /** A run id: its children (tuning trials) only; null: top-level runs only; absent: all runs. */
  parent?: string | null;
}

export interface ListRunsResult {
  total: number;
  runs: RunSummary[];
}

export interface RunDiff {
  config: { path: string; a: unknown; b: unknown }[];
  metrics: { name: string; a: number | null; b: number | null; delta: number | null }[];
}

export interface ModelVersion {
  name: string;
  version: number;
  run_id: string;
  /** Absolute path of the registry's read-only copy. */
  bundle_path: string;
  bundle_sha256: string;
  bundle_bytes: number;
  metrics: Record<string, number>;
  primary_metric: string;
  eval_fingerprint: string;
  signature: InputSignature | null;
  created_at: string;
  created_by: string;
  /** Why it was or was not promoted when registered. */
  decision: string;
  aliases: string[];
}

export interface RegisterVersionInput {
  name: string;
  run_id: string;
  /** The bundle file to copy in (it is never modified, and the copy is read-only). */
  bundle_path: string;
  /**
   * The sha256 the bundle's producer computed over the document it serialized (a training result's
   * `bundle_sha256`): a file with exactly those bytes is not parsed again to check that it is a bundle.
   */
  bundle_sha256?: string;
  metrics: Record<string, number>;
  primary_metric: string;
  min_improvement: number;
  eval_fingerprint: string;
  signature: InputSignature | null;
  /** Default: inferred from the metric name (losses and errors are lower-is-better). */
  greater_is_better?: boolean;
  who?: string;
  reason?: string;
}

export interface MetricComparison {
  metric: string;
  champion_value: number;
  candidate_value: number;
}

export interface RegisterVersionResult {
  version: ModelVersion;
  promoted: boolean;
  reason: string;
  compared?: MetricComparison;
}

/** One row of the append-only promotion log; the API carries it unchanged (`to_version` is the champion after it). */
export type PromotionLogEntry = PromotionDto;
export type PromotionAction = PromotionDto['action'];

export interface ModelSummary {
  name: string;
  created_at: string;
  versions: number;
  latest_version: number | null;
  champion: number | null;
  aliases: Record<string, number>;
}

export interface ExperimentSummary {
  name: string;
  created_at: string;
  runs: number;
}
