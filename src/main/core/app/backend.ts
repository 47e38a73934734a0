import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../../../shared/api';
import type { RunEvaluation } from '../../../shared/api/dto';
import { loadConfig, type ResolvedConfig } from '../config/load';
import { Registry } from '../registry';
import type { TrainingResult } from '../training/protocol';
import { createQueuedRun, mirrorToMlflowIfConfigured, recordRunResult } from '../training/record';
import type { BackendContext } from './context';
import { EventBus } from './events';
import { createHandlers } from './handlers';
import { resolveAppPaths, type AppPaths } from './paths';
import { RunQueue, type StartWorker } from './run-queue';
import { ServingManager } from './serving-manager';

export interface BackendOptions {
  env?: NodeJS.ProcessEnv;
  paths?: Partial<AppPaths>;
  /** Base config the app's defaults come from (model name, primary metric, serving port). */
  baseConfig?: string;
  /** Scoring port; default from the config (`serving.port`). 0 = any free port. */
  scoringPort?: number;
  /** Start the scoring server with the backend (default true). */
  startScoring?: boolean;
  workers?: number;
  /** For tests: replaces the worker-thread runner. */
  startWorker?: StartWorker;
}

export interface Backend {
  handlers: Handlers;
  events: EventBus;
  paths: AppPaths;
  registry: Registry;
  queue: RunQueue;
  serving: ServingManager;
  close(): Promise<void>;
}

/** Training runs at once: MLSYS_WORKERS, default 1 (a run already uses both cores of a 2-core machine). */
export function workerCount(env: NodeJS.ProcessEnv): number {
  const n = Number(env.MLSYS_WORKERS ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 64) {
    throw new Error(`MLSYS_WORKERS must be an integer from 1 to 64, got "${env.MLSYS_WORKERS}"`);
  }
  return n;
}

/** Starts the services behind the app API. Hosts (browser-mode server, Electron) call this once. */
export async function startBackend(options: BackendOptions = {}): Promise<Backend> {
  const env = options.env ?? process.env;
  const paths = { ...resolveAppPaths(env), ...options.paths };
  mkdirSync(paths.home, { recursive: true });
  const base = await loadConfig(options.baseConfig ?? path.join(paths.configDir, 'base_config.yaml'), {
    env,
    cwd: paths.root,
  });
  const defaults = base.config;
  const registryDir = defaults.serving.model_registry_path;
  const registry = Registry.open(registryDir);
  const events = new EventBus();
  const runConfigs = new Map<string, ResolvedConfig>();

  const serving = new ServingManager({
    registry,
    modelName: defaults.serving.model_name,
    host: defaults.serving.host,
    port: options.scoringPort ?? defaults.serving.port,
    maxBatch: defaults.serving.max_batch,
    prometheus: defaults.serving.prometheus,
    onStatus: (s) => events.emit('serving.status', s),
  });

  const championChanged = (name: string, previous: number | null) => {
    const c = registry.getChampion(name);
    if (!c) return;
    events.emit('champion.changed', {
      name,
      version: c.version,
      previous,
      model: { name, version: c.version, run_id: c.run_id, bundle_sha256: c.bundle_sha256 },
    });
    serving.poke();
  };

  const recordSuccess = (runId: string, result: TrainingResult) => {
    const resolved = runConfigs.get(runId);
    if (!resolved) throw new Error(`No config recorded for run ${runId}`);
    const name = resolved.config.serving.model_name;
    const previous = registry.getChampion(name)?.version ?? null;
    const outcome = recordRunResult(registry, runId, resolved, result);
    if (outcome.promoted) championChanged(name, previous);
  };

  const queue = new RunQueue(
    {
      onStart: (runId) => {
        registry.setRunStatus(runId, 'running');
        events.emit('run.progress', { run_id: runId, stage: 'loading', percent: 0, message: 'Starting' });
      },
      onProgress: (p) => events.emit('run.progress', p),
      onTrial: () => {}, // trials are recorded with the run's result (see recordRunResult)
      onWarning: (runId, message) => console.warn(`run ${runId}: ${message}`),
      onFinish: (runId, status, outcome) => {
        try {
          if (status === 'succeeded' && outcome.result) recordSuccess(runId, outcome.result);
          registry.setRunStatus(runId, status, { error: outcome.error });
        } catch (err) {
          const message = `Recording the run failed: ${err instanceof Error ? err.message : String(err)}`;
          try {
            registry.setRunStatus(runId, 'failed', { error: message });
          } catch {
            /* already terminal */
          }
          status = 'failed';
          outcome = { error: message };
        }
        const resolved = runConfigs.get(runId);
        if (resolved)
          void mirrorToMlflowIfConfigured(registry, runId, resolved, (m) =>
            console.warn(`run ${runId}: ${m}`),
          );
        const run = registry.getRun(runId);
        events.emit('run.finished', {
          run_id: runId,
          status,
          error: outcome.error ?? null,
          metrics: run?.metrics ?? {},
        });
        runConfigs.delete(runId);
      },
    },
    options.workers ?? workerCount(env),
    options.startWorker,
  );

  const ctx: BackendContext = {
    paths,
    env,
    events,
    registry,
    queue,
    serving,
    defaults,
    startRun(resolved, name) {
      const run = createQueuedRun(registry, resolved, { name });
      runConfigs.set(run.id, resolved);
      events.emit('run.queued', { run_id: run.id, name: run.name ?? run.id });
      queue.enqueue({
        run_id: run.id,
        config_yaml: resolved.yaml,
        out_dir: path.join(resolved.config.artifacts_path, run.id),
        base_dir: paths.root,
      });
      return run.id;
    },
    readEvaluation(run) {
      const art = run.artifacts.find((a) => a.kind === 'evaluation');
      if (!art || !existsSync(art.path)) return null;
      return JSON.parse(readFileSync(art.path, 'utf8')) as RunEvaluation;
    },
    championChanged,
  };
  const handlers = createHandlers(ctx);
  if (options.startScoring ?? true) {
    // a busy scoring port must not keep the app from starting: the serving panel shows why and
    // offers another port
    await serving.start().catch((err: unknown) => {
      console.warn(
        `ml-sys: the scoring port did not start: ${err instanceof Error ? err.message : String(err)}`,
      );
    });
  }

  return {
    handlers,
    events,
    paths,
    registry,
    queue,
    serving,
    async close() {
      await queue.shutdown();
      await serving.stop();
      registry.close();
    },
  };
}
