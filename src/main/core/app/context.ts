import type { RunEvaluation } from '../../../shared/api/dto';
import type { FrameworkConfig } from '../../../shared/config/schema';
import type { ResolvedConfig } from '../config/load';
import type { Registry, RunDetail } from '../registry';
import type { EventBus } from './events';
import type { AppPaths } from './paths';
import type { RunQueue } from './run-queue';
import type { ServingManager } from './serving-manager';

/** What handlers share: paths, the event bus and the live services of one backend. */
export interface BackendContext {
  paths: AppPaths;
  env: NodeJS.ProcessEnv;
  events: EventBus;
  registry: Registry;
  queue: RunQueue;
  serving: ServingManager;
  /** The base config's resolved values: default model name, primary metric, serving host/port. */
  defaults: FrameworkConfig;
  /** Records a queued run and hands it to the queue; returns its id. */
  startRun(resolved: ResolvedConfig, name?: string): string;
  /** The evaluation artifact (curves, threshold table, report) of a finished run. */
  readEvaluation(run: RunDetail): RunEvaluation | null;
  /** Tells clients (and the scoring server) that a model's champion changed. */
  championChanged(name: string, previous: number | null): void;
}
