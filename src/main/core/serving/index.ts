export { createScoringApp, DEFAULT_BODY_LIMIT, DEFAULT_MAX_BATCH, DEFAULT_POLL_MS } from './app';
export type { ScoringApp, ScoringAppOptions } from './app';
export { buildOpenApiDocument } from './openapi';
export { RecordError, isRecordError } from './types';
export type { ChampionSource, ScoringModel } from './types';
