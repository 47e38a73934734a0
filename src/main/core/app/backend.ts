import { mkdirSync } from 'node:fs';
import type { Handlers } from '../../../shared/api';
import { EventBus } from './events';
import { createHandlers } from './handlers';
import { resolveAppPaths, type AppPaths } from './paths';
import type { BackendContext } from './context';

export interface BackendOptions {
  env?: NodeJS.ProcessEnv;
  paths?: Partial<AppPaths>;
  scoringPort?: number;
  scoringHost?: string;
}

export interface Backend {
  handlers: Handlers;
  events: EventBus;
  paths: AppPaths;
  close(): Promise<void>;
}

/** Starts the services behind the app API. Hosts (browser-mode server, Electron) call this once. */
export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const paths = { ...resolveAppPaths(options.env), ...options.paths };
  mkdirSync(paths.home, { recursive: true });
  const events = new EventBus();
  const host = options.scoringHost ?? '127.0.0.1';
  const port = options.scoringPort ?? 8000;
  const ctx: BackendContext = { paths, events, scoringUrl: () => `http://${host}:${port}` };
  const handlers = createHandlers(ctx);
  return {
    handlers,
    events,
    paths,
    async close() {},
  };
}
