import type { AppPaths } from './paths';
import type { EventBus } from './events';

/** What handlers share: paths, the event bus and the live services of one backend. */
export interface BackendContext {
  paths: AppPaths;
  events: EventBus;
  scoringUrl(): string;
}
