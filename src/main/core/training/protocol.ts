/** The typed messages between a training worker and its host. */
import type { ArtifactDto, InputSignature, RunEvaluation, RunProgress } from '../../../shared/api/dto';
import type { FrameworkConfig } from '../../../shared/config/schema';

export interface TrainingJob {
  run_id: string;
  /** The resolved config snapshot (YAML); the worker trains exactly this. */
  config_yaml: string;
  /**
   * `config_yaml` already validated (the host's ResolvedConfig.config): the worker then skips parsing
   * the YAML again. It must be the config the snapshot reloads to (configFromSnapshot).
   */
  config?: FrameworkConfig;
  /** Folder for this run's artifacts (`artifacts_path/<run_id>`). */
  out_dir: string;
  /** Where relative paths in the config resolve. */
  base_dir: string;
  /** Shared cancellation flag: Int32Array(1) over a SharedArrayBuffer; 1 = cancel. */
  cancel_flag?: SharedArrayBuffer;
}

export interface TrialRecord {
  index: number;
  params: Record<string, number | string>;
  score: number;
  resource: number;
  status: 'completed' | 'pruned' | 'failed';
  error?: string;
  seconds: number;
}

export interface TrainingResult {
  run_id: string;
  algorithm: string;
  bundle_path: string;
  bundle_sha256: string;
  bundle_bytes: number;
  metrics: Record<string, number>;
  /** Per-iteration curves: train_loss, valid_loss, train_auc, valid_auc. */
  history: Record<string, { step: number; value: number }[]>;
  artifacts: ArtifactDto[];
  data_fingerprint: string;
  eval_fingerprint: string;
  signature: InputSignature;
  evaluation: RunEvaluation;
  trials: TrialRecord[];
  best_params?: Record<string, number | string>;
  warnings: string[];
  seconds: Record<string, number>;
}

export type ProgressUpdate = Omit<RunProgress, 'run_id'>;

/** `dispose`: exit without a job (after any work DuckDB is doing for the worker; see disposeTrainingWorker). */
export type HostToWorker = { type: 'start'; job: TrainingJob } | { type: 'dispose' };

export type WorkerToHost =
  | { type: 'progress'; progress: ProgressUpdate }
  | { type: 'trial'; trial: TrialRecord }
  | { type: 'warning'; message: string }
  | { type: 'done'; result: TrainingResult }
  | { type: 'failed'; error: string; cancelled: boolean };
