/**
 * The whole app API: one entry per call, typed args and result. Both transports carry these names
 * unchanged; `src/main/core/app/handlers.ts` implements every one of them exactly once.
 */
import type {
  ConfigFileInfo,
  ConfigSnapshot,
  ConfigValidation,
  DataPreview,
  DataSummary,
  ModelVersionDto,
  PromotionDto,
  RunDetail,
  RunDiff,
  RunEvaluation,
  RunListQuery,
  RunMetrics,
  RunOverrides,
  RunProgress,
  RunSource,
  RunStatus,
  RunSummary,
  ServingStatus,
  ModelIdentity,
} from './dto';

export interface AppInfo {
  name: string;
  version: string;
  dataDir: string;
  configDir: string;
  registryPath: string;
  artifactsPath: string;
  scoringUrl: string;
  home: string;
  modelName: string;
  primaryMetric: string;
}

type Empty = Record<string, never>;

export interface ApiMap {
  'app.info': { args: Empty; result: AppInfo };

  'configs.list': { args: Empty; result: ConfigFileInfo[] };
  'configs.read': { args: { path: string }; result: { path: string; text: string } };
  'configs.validate': { args: { text: string; path?: string }; result: ConfigValidation };
  /** Validates first; refuses to overwrite unless `overwrite`. */
  'configs.save': { args: { path: string; text: string; overwrite?: boolean }; result: ConfigFileInfo };

  'data.describe': { args: RunSource; result: DataSummary };
  'data.preview': { args: RunSource & { limit?: number }; result: DataPreview };

  'runs.start': {
    args: RunSource & { overrides?: RunOverrides; name?: string };
    result: { run_id: string; status: RunStatus };
  };
  'runs.cancel': { args: { run_id: string }; result: { run_id: string; status: RunStatus } };
  'runs.list': { args: RunListQuery; result: { total: number; runs: RunSummary[] } };
  'runs.get': { args: { run_id: string }; result: RunDetail };
  'runs.diff': { args: { a: string; b: string }; result: RunDiff };
  'runs.metrics': { args: { run_id: string }; result: RunMetrics };
  'runs.curves': { args: { run_id: string }; result: RunEvaluation | null };

  'registry.versions': { args: { name?: string }; result: ModelVersionDto[] };
  'registry.champion': { args: { name?: string }; result: ModelVersionDto | null };
  'registry.promote': { args: { name?: string; version: number; reason?: string }; result: PromotionDto };
  'registry.rollback': { args: { name?: string; reason?: string }; result: PromotionDto };
  'registry.history': { args: { name?: string }; result: PromotionDto[] };

  'serving.status': { args: Empty; result: ServingStatus };
  'serving.start': { args: { port?: number }; result: ServingStatus };
  'serving.stop': { args: Empty; result: ServingStatus };
  /** Moves the scoring server to another port (restarts it when running). */
  'serving.port': { args: { port: number }; result: ServingStatus };

  'snapshots.export': { args: { run_id: string }; result: ConfigSnapshot };
}

export type ApiName = keyof ApiMap;
export type ApiArgs<N extends ApiName> = ApiMap[N]['args'];
export type ApiResult<N extends ApiName> = ApiMap[N]['result'];

export type Handlers = { [N in ApiName]: (args: ApiArgs<N>) => Promise<ApiResult<N>> };

/** Runtime list of names; the preload allow-lists exactly these. Typed so a missing name fails to compile. */
const apiNameRecord: { [N in ApiName]: true } = {
  'app.info': true,
  'configs.list': true,
  'configs.read': true,
  'configs.validate': true,
  'configs.save': true,
  'data.describe': true,
  'data.preview': true,
  'runs.start': true,
  'runs.cancel': true,
  'runs.list': true,
  'runs.get': true,
  'runs.diff': true,
  'runs.metrics': true,
  'runs.curves': true,
  'registry.versions': true,
  'registry.champion': true,
  'registry.promote': true,
  'registry.rollback': true,
  'registry.history': true,
  'serving.status': true,
  'serving.start': true,
  'serving.stop': true,
  'serving.port': true,
  'snapshots.export': true,
};
export const API_NAMES = Object.keys(apiNameRecord) as ApiName[];

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiNameRecord, name);
}

/** Server → client events. */
export interface EventMap {
  'run.queued': { run_id: string; name: string };
  'run.progress': RunProgress;
  'run.finished': {
    run_id: string;
    status: RunStatus;
    error: string | null;
    metrics: Record<string, number>;
  };
  'champion.changed': { name: string; version: number; previous: number | null; model: ModelIdentity };
  'serving.status': ServingStatus;
}
export type EventName = keyof EventMap;

const eventNameRecord: { [E in EventName]: true } = {
  'run.queued': true,
  'run.progress': true,
  'run.finished': true,
  'champion.changed': true,
  'serving.status': true,
};
export const EVENT_NAMES = Object.keys(eventNameRecord) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventNameRecord, name);
}
