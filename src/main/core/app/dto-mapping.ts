/** Registry records → API DTOs. */
import type {
  ModelVersionDto,
  PromotionDto,
  RunDetail as RunDetailDto,
  RunProgress,
  RunSummary as RunSummaryDto,
} from '../../../shared/api/dto';
import type { FlatValue } from '../../../shared/util/flatten';
import type { ModelVersion, PromotionLogEntry, RunDetail, RunSummary } from '../registry';

export function toRunSummaryDto(
  r: RunSummary,
  champion: { run_id: string } | undefined,
  version: number | null,
): RunSummaryDto {
  const params = r.params as Record<string, FlatValue>;
  return {
    run_id: r.id,
    name: r.name ?? r.id,
    experiment: r.experiment,
    status: r.status,
    created_at: r.created_at,
    started_at: r.started_at,
    finished_at: r.ended_at,
    duration_s: r.duration_ms === null ? null : r.duration_ms / 1000,
    parent_run_id: r.parent_run_id,
    algorithm: String(params['model.algorithm'] ?? ''),
    config_hash: r.config_hash,
    params,
    metrics: r.metrics,
    tags: r.tags,
    model_version: version,
    is_champion: champion?.run_id === r.id,
  };
}

export function toRunDetailDto(
  r: RunDetail,
  champion: { run_id: string } | undefined,
  progress: RunProgress | undefined,
): RunDetailDto {
  const version = r.model_versions.length > 0 ? r.model_versions[r.model_versions.length - 1].version : null;
  return {
    ...toRunSummaryDto(r, champion, version),
    config_yaml: r.config_yaml,
    error: r.error,
    data_fingerprint: r.data_fingerprint,
    seed: r.seed,
    notes: r.notes ?? '',
    artifacts: r.artifacts.map((a) => ({ path: a.path, kind: a.kind, bytes: a.bytes, sha256: a.sha256 })),
    children: r.children.map((c) => toRunSummaryDto(c, champion, null)),
    progress: progress ?? null,
  };
}

export function toVersionDto(v: ModelVersion): ModelVersionDto {
  return {
    name: v.name,
    version: v.version,
    run_id: v.run_id,
    bundle_sha256: v.bundle_sha256,
    bundle_bytes: v.bundle_bytes,
    created_at: v.created_at,
    metrics: v.metrics,
    primary_metric: v.primary_metric,
    eval_fingerprint: v.eval_fingerprint,
    aliases: v.aliases,
    is_champion: v.aliases.includes('champion'),
    signature: v.signature ?? { columns: [] },
  };
}

/** The promotion log entry is the DTO already; a copy keeps registry rows and API replies apart. */
export function toPromotionDto(e: PromotionLogEntry): PromotionDto {
  return { ...e };
}
