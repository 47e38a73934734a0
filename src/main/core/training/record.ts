/**
 * Writes what a training run produced into the registry: metrics, curves, artifacts, tuning trials as
 * child runs, and the model version (promoted by the champion policy). Used by the app's run queue
 * and by `mlsys train`, so both record runs identically.
 */
import { flattenObject } from '../../../shared/util/flatten';
import type { ResolvedConfig } from '../config/load';
import { mirrorRunToMlflow, type Registry, type RegisterVersionResult } from '../registry';
import type { TrainingResult, TrialRecord } from './protocol';

export function createQueuedRun(
  registry: Registry,
  resolved: ResolvedConfig,
  options: { name?: string; status?: 'queued' | 'running'; id?: string } = {},
) {
  return registry.createRun({
    id: options.id,
    experiment: resolved.config.tracking.experiment_name,
    name: options.name,
    config_yaml: resolved.yaml,
    config_hash: resolved.hash,
    params: flattenObject(resolved.config),
    seed: resolved.config.data.random_state,
    data_fingerprint: '',
    tags: resolved.config.tracking.tags,
    status: options.status ?? 'queued',
  });
}

export function recordTrial(
  registry: Registry,
  parentRunId: string,
  parent: ResolvedConfig,
  t: TrialRecord,
): void {
  const child = registry.createRun({
    experiment: parent.config.tracking.experiment_name,
    name: `trial ${t.index}`,
    config_yaml: parent.yaml,
    config_hash: parent.hash,
    params: Object.fromEntries(Object.entries(t.params).map(([k, v]) => [`model.hyperparameters.${k}`, v])),
    seed: parent.config.data.random_state,
    data_fingerprint: '',
    parent_run_id: parentRunId,
    tags: { 'tuning-trial': String(t.index), status: t.status },
    status: 'running',
  });
  const metrics: Record<string, number> = { resource: t.resource, seconds: t.seconds };
  if (Number.isFinite(t.score)) metrics.cv_score = t.score;
  registry.logMetrics(child.id, metrics);
  registry.setRunStatus(child.id, t.status === 'failed' ? 'failed' : 'succeeded', { error: t.error });
}

/**
 * Records a finished run's outputs (tuning trials become child runs, one per configuration with its
 * last rung's score) and registers its model version, in one transaction. The run's status is left
 * to the caller (which may call this inside its own `registry.transaction` to set it in the same commit).
 */
export function recordRunResult(
  registry: Registry,
  runId: string,
  resolved: ResolvedConfig,
  result: TrainingResult,
): RegisterVersionResult {
  return registry.transaction(() => recordRunWrites(registry, runId, resolved, result));
}

function recordRunWrites(
  registry: Registry,
  runId: string,
  resolved: ResolvedConfig,
  result: TrainingResult,
): RegisterVersionResult {
  registry.logMetrics(runId, result.metrics);
  for (const [name, points] of Object.entries(result.history)) {
    if (points.length > 0) registry.logMetricHistory(runId, name, points);
  }
  for (const a of result.artifacts) registry.addArtifact(runId, a);
  for (const t of result.trials) recordTrial(registry, runId, resolved, t);
  registry.setRunDataFingerprint(runId, result.data_fingerprint);
  const s = resolved.config.serving;
  return registry.registerModelVersion({
    name: s.model_name,
    run_id: runId,
    bundle_path: result.bundle_path,
    bundle_sha256: result.bundle_sha256,
    metrics: result.metrics,
    primary_metric: s.primary_metric,
    min_improvement: s.min_improvement,
    eval_fingerprint: result.eval_fingerprint,
    signature: result.signature,
  });
}

/**
 * When `tracking.mlflow_uri` is set, mirrors the finished run (params, metrics, curves, artifacts) to
 * MLflow. Never throws: an MLflow failure is one warning, and the run stays recorded locally.
 */
export async function mirrorToMlflowIfConfigured(
  registry: Registry,
  runId: string,
  resolved: ResolvedConfig,
  warn: (message: string) => void,
): Promise<void> {
  const uri = resolved.config.tracking.mlflow_uri;
  if (!uri) return;
  try {
    await mirrorRunToMlflow(registry, runId, uri, { warn });
  } catch (err) {
    warn(`warning: MLflow tracking failed (${err instanceof Error ? err.message : String(err)})`);
  }
}
