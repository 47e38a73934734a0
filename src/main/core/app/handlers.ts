import path from 'node:path';
import { ApiError, type Handlers } from '../../../shared/api';
import type { RunSource, RunOverrides } from '../../../shared/api/dto';
import { ConfigError } from '../../../shared/config/errors';
import { validateConfigText } from '../../../shared/config/validate';
import { formatIssue } from '../../../shared/config/layers';
import { loadConfig, type ResolvedConfig } from '../config/load';
import { RegistryError } from '../registry';
import type { BackendContext } from './context';
import {
  configFilePath,
  listConfigFiles,
  loadConfigText,
  readConfigFile,
  writeConfigFile,
} from './config-files';
import { toPromotionDto, toRunDetailDto, toRunSummaryDto, toVersionDto } from './dto-mapping';
import { describeForApi, previewForApi } from './data-service';
import { appVersion } from './version';

/** Maps expected core errors to API errors a client can show as they are. */
async function guard<T>(fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err instanceof ConfigError) throw new ApiError('bad_request', err.message, { issues: err.issues });
    if (err instanceof RegistryError) {
      const notFound = /^No (such|run|version|model)|not found|has no version/i.test(err.message);
      throw new ApiError(notFound ? 'not_found' : 'conflict', err.message);
    }
    throw err;
  }
}

/** The app API implemented over core: exactly one handler per name in the contract. */
export function createHandlers(ctx: BackendContext): Handlers {
  const modelName = (name?: string) => name || ctx.defaults.serving.model_name;

  async function resolveSource(src: RunSource, overrides: RunOverrides = {}): Promise<ResolvedConfig> {
    const options = {
      env: ctx.env,
      cwd: ctx.paths.root,
      overrides: {
        set: overrides.set,
        calibrationSize: overrides.calibrationSize,
        randomState: overrides.randomState,
      },
    };
    if (overrides.tune) options.overrides.set = [...(options.overrides.set ?? []), 'model.tune.enabled=true'];
    if (typeof src.configText === 'string') {
      const virtual = src.configPath
        ? configFilePath(ctx.paths.configDir, src.configPath)
        : path.join(ctx.paths.configDir, 'experiments', 'unsaved.yaml');
      return loadConfigText(src.configText, virtual, options);
    }
    const rel = src.configPath ?? 'base_config.yaml';
    return loadConfig(configFilePath(ctx.paths.configDir, rel), options);
  }

  const championOf = (name: string) => ctx.registry.getChampion(name);

  return {
    'app.info': async () => ({
      name: 'ml-sys',
      version: appVersion(),
      dataDir: ctx.defaults.data.data_dir,
      configDir: ctx.paths.configDir,
      registryPath: ctx.registry.dir,
      artifactsPath: ctx.defaults.artifacts_path,
      scoringUrl: ctx.serving.status().url,
      home: ctx.paths.home,
      modelName: ctx.defaults.serving.model_name,
      primaryMetric: ctx.defaults.serving.primary_metric,
    }),

    'configs.list': async () => listConfigFiles(ctx.paths.configDir),
    'configs.read': async ({ path: rel }) =>
      guard(() => ({ path: rel, text: readConfigFile(ctx.paths.configDir, rel) })),
    'configs.validate': async ({ text, path: rel }) => {
      const fileName = rel ?? 'unsaved.yaml';
      const quick = validateConfigText(text, fileName);
      if (!quick.ok) {
        return {
          ok: false,
          issues: quick.issues.map((i) => ({ ...i, path: i.path, formatted: formatIssue(i) })),
        };
      }
      try {
        const resolved = await resolveSource({ configText: text, configPath: rel });
        return { ok: true, issues: [], resolved_yaml: resolved.yaml, hash: resolved.hash };
      } catch (err) {
        if (err instanceof ConfigError) {
          return { ok: false, issues: err.issues.map((i) => ({ ...i, formatted: formatIssue(i) })) };
        }
        throw err;
      }
    },
    'configs.save': async ({ path: rel, text, overwrite }) =>
      guard(async () => {
        configFilePath(ctx.paths.configDir, rel);
        await resolveSource({ configText: text, configPath: rel }); // refuse to save an invalid config
        return writeConfigFile(ctx.paths.configDir, rel, text, overwrite ?? false);
      }),

    'data.describe': async (src) => guard(async () => describeForApi(await resolveSource(src))),
    'data.preview': async (src) =>
      guard(async () => previewForApi(await resolveSource(src), src.limit ?? 50)),

    'runs.start': async ({ overrides, name, ...src }) =>
      guard(async () => {
        const resolved = await resolveSource(src, overrides);
        const runId = ctx.startRun(resolved, name);
        return { run_id: runId, status: 'queued' as const };
      }),
    'runs.cancel': async ({ run_id }) =>
      guard(() => {
        const run = ctx.registry.getRun(run_id);
        if (!run) throw new ApiError('not_found', `No such run: ${run_id}`);
        if (!ctx.queue.cancel(run_id)) {
          throw new ApiError(
            'conflict',
            `Run ${run_id} is ${run.status}; only queued or running runs can be cancelled`,
          );
        }
        return { run_id, status: ctx.registry.getRun(run_id)?.status ?? run.status };
      }),
    'runs.list': async (query) =>
      guard(() => {
        const result = ctx.registry.listRuns({
          ...query,
          parent: query.parent === undefined ? null : query.parent,
        });
        const versions = new Map<string, number>();
        for (const v of ctx.registry.listVersions(modelName())) versions.set(v.run_id, v.version);
        const champion = championOf(modelName());
        return {
          total: result.total,
          runs: result.runs.map((r) => toRunSummaryDto(r, champion, versions.get(r.id) ?? null)),
        };
      }),
    'runs.get': async ({ run_id }) =>
      guard(() => {
        const run = ctx.registry.getRun(run_id);
        if (!run) throw new ApiError('not_found', `No such run: ${run_id}`);
        return toRunDetailDto(run, championOf(modelName()), ctx.queue.progress(run_id));
      }),
    'runs.diff': async ({ a, b }) => guard(() => ({ a, b, ...ctx.registry.diffRuns(a, b) })),
    'runs.metrics': async ({ run_id }) =>
      guard(() => {
        const run = ctx.registry.getRun(run_id);
        if (!run) throw new ApiError('not_found', `No such run: ${run_id}`);
        return { final: run.metrics, history: run.history };
      }),
    'runs.curves': async ({ run_id }) =>
      guard(() => {
        const run = ctx.registry.getRun(run_id);
        if (!run) throw new ApiError('not_found', `No such run: ${run_id}`);
        return ctx.readEvaluation(run);
      }),

    'registry.versions': async ({ name }) =>
      guard(() => ctx.registry.listVersions(modelName(name)).map(toVersionDto)),
    'registry.champion': async ({ name }) =>
      guard(() => {
        const c = championOf(modelName(name));
        return c ? toVersionDto(c) : null;
      }),
    'registry.promote': async ({ name, version, reason }) =>
      guard(() => {
        const n = modelName(name);
        const previous = championOf(n)?.version ?? null;
        const entry = ctx.registry.promote(n, version, { reason: reason || 'Promoted from the app' });
        ctx.championChanged(n, previous);
        return toPromotionDto(entry);
      }),
    'registry.rollback': async ({ name, reason }) =>
      guard(() => {
        const n = modelName(name);
        const previous = championOf(n)?.version ?? null;
        const entry = ctx.registry.rollback(n, { reason: reason || 'Rolled back from the app' });
        ctx.championChanged(n, previous);
        return toPromotionDto(entry);
      }),
    'registry.history': async ({ name }) =>
      guard(() => ctx.registry.promotionHistory(modelName(name)).map(toPromotionDto)),

    'serving.status': async () => ctx.serving.status(),
    'serving.start': async ({ port }) => guard(() => ctx.serving.start(port)),
    'serving.stop': async () => guard(() => ctx.serving.stop()),
    'serving.port': async ({ port }) =>
      guard(() => {
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new ApiError('bad_request', `Invalid port: ${String(port)} (expected an integer 0-65535)`);
        }
        return ctx.serving.restart(port);
      }),

    'snapshots.export': async ({ run_id }) =>
      guard(() => {
        const run = ctx.registry.getRun(run_id);
        if (!run) throw new ApiError('not_found', `No such run: ${run_id}`);
        return {
          run_id,
          file_name: `${run.name ?? run_id}.snapshot.yaml`.replace(/[^\w.-]+/g, '_'),
          yaml: run.config_yaml,
          hash: run.config_hash,
        };
      }),
  };
}
