/**
 * The whole app API: one entry per call, typed args and result. Both transports carry these names
 * unchanged; `src/main/core/app/handlers.ts` implements every one of them exactly once.
 */
export interface AppInfo {
  name: string;
  version: string;
  dataDir: string;
  registryPath: string;
  artifactsPath: string;
  scoringUrl: string;
  home: string;
  transport?: 'http' | 'ipc';
}

export interface ApiMap {
  'app.info': { args: Record<string, never>; result: AppInfo };
}

export type ApiName = keyof ApiMap;
export type ApiArgs<N extends ApiName> = ApiMap[N]['args'];
export type ApiResult<N extends ApiName> = ApiMap[N]['result'];

export type Handlers = { [N in ApiName]: (args: ApiArgs<N>) => Promise<ApiResult<N>> };

/** Runtime list of names; the preload allow-lists exactly these. Typed so a missing name fails to compile. */
const apiNameRecord: { [N in ApiName]: true } = {
  'app.info': true,
};
export const API_NAMES = Object.keys(apiNameRecord) as ApiName[];

export function isApiName(name: unknown): name is ApiName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiNameRecord, name);
}

/** Server → client events. */
export interface EventMap {
  'app.ready': { at: string };
}
export type EventName = keyof EventMap;

const eventNameRecord: { [E in EventName]: true } = {
  'app.ready': true,
};
export const EVENT_NAMES = Object.keys(eventNameRecord) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(eventNameRecord, name);
}
