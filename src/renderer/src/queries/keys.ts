import type { RunListQuery, RunSource } from '../../../shared/api';

/** Query keys; the first element is always the API name so events can invalidate by prefix. */
export const keys = {
  appInfo: () => ['app.info'] as const,
  configsList: () => ['configs.list'] as const,
  configsRead: (path: string) => ['configs.read', path] as const,
  dataDescribe: (source: RunSource) => ['data.describe', source] as const,
  dataPreview: (source: RunSource, limit: number) => ['data.preview', source, limit] as const,
  runsList: (query: RunListQuery) => ['runs.list', query] as const,
  runsGet: (runId: string) => ['runs.get', runId] as const,
  runsDiff: (a: string, b: string) => ['runs.diff', a, b] as const,
  runsMetrics: (runId: string) => ['runs.metrics', runId] as const,
  runsCurves: (runId: string) => ['runs.curves', runId] as const,
  /** Live progress fed by `run.progress` events (no API call behind it). */
  runLive: (runId: string) => ['live.progress', runId] as const,
  registryVersions: (name?: string) => ['registry.versions', name ?? null] as const,
  registryChampion: (name?: string) => ['registry.champion', name ?? null] as const,
  registryHistory: (name?: string) => ['registry.history', name ?? null] as const,
  servingStatus: () => ['serving.status'] as const,
};
