import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../core/config';
import { BundleIntegrityError, flattenParams, type Registry } from '../../core/registry';
import { parseBundle } from '../../core/registry/bundles';
import { mirrorRunToMlflow } from '../../core/registry/mlflow';
import { CliError } from '../errors';
import { REGISTRY_PATH_HELP, withRegistry } from './runs';

interface RegisterOptions {
  config: string;
  metrics: string;
  primaryMetric?: string;
  name?: string;
  minImprovement?: string;
  reason?: string;
  mlflow?: boolean;
  json?: boolean;
  registryPath?: string;
}

/** Final metrics from an evaluation JSON: its `metrics` object (as `mlsys evaluate -o` writes), else the top level. */
export function readEvalMetrics(file: string): {
  metrics: Record<string, number>;
  eval_fingerprint?: string;
} {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new CliError(`--metrics ${file}: cannot read JSON (${(err as Error).message})`);
  }
  const source = doc.metrics && typeof doc.metrics === 'object' ? doc.metrics : doc;
  const metrics = Object.fromEntries(
    Object.entries(flattenParams(source)).filter(
      (e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1]),
    ),
  );
  if (Object.keys(metrics).length === 0) throw new CliError(`--metrics ${file}: no numeric metrics found`);
  const fp = doc.eval_fingerprint;
  return { metrics, ...(typeof fp === 'string' ? { eval_fingerprint: fp } : {}) };
}

function readBundleMetadata(file: string): { metadata: Record<string, unknown>; signature: unknown } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new CliError(`bundle ${file} not found`);
  }
  const bundle = parseBundle(bytes, file);
  const metadata = (bundle.metadata ?? {}) as Record<string, unknown>;
  return { metadata, signature: bundle.signature ?? null };
}

/** The run the bundle came from: reused when this registry tracked it, else recorded now from the config. */
function ensureRun(
  registry: Registry,
  runId: string | undefined,
  resolved: Awaited<ReturnType<typeof loadConfig>>,
  metadata: Record<string, unknown>,
  metrics: Record<string, number>,
): string {
  if (runId && registry.getRun(runId)) return runId;
  const run = registry.createRun({
    id: runId && /^[\w.-]{1,64}$/.test(runId) ? runId : undefined,
    experiment: resolved.config.tracking.experiment_name,
    name: 'manual registration',
    config_yaml: resolved.yaml,
    config_hash: typeof metadata.config_hash === 'string' ? metadata.config_hash : resolved.hash,
    params: flattenParams(resolved.config),
    seed: resolved.config.data.random_state,
    data_fingerprint: typeof metadata.data_fingerprint === 'string' ? metadata.data_fingerprint : '',
    tags: { ...resolved.config.tracking.tags, registered_by: 'mlsys register' },
    status: 'running',
  });
  registry.logMetrics(run.id, metrics);
  registry.setRunStatus(run.id, 'succeeded');
  return run.id;
}

async function action(bundlePath: string, opts: RegisterOptions): Promise<void> {
  const resolved = await loadConfig(opts.config);
  const serving = resolved.config.serving;
  const { metrics, eval_fingerprint: evalFpFromMetrics } = readEvalMetrics(opts.metrics);
  let metadata: Record<string, unknown>;
  let signature: unknown;
  try {
    ({ metadata, signature } = readBundleMetadata(bundlePath));
  } catch (err) {
    if (err instanceof BundleIntegrityError) throw new CliError(err.message);
    throw err;
  }
  const evalFp =
    typeof metadata.eval_fingerprint === 'string' ? metadata.eval_fingerprint : evalFpFromMetrics;
  if (!evalFp)
    throw new CliError(
      `${bundlePath}: the bundle metadata has no eval_fingerprint (nor does ${opts.metrics})`,
    );
  let minImprovement = serving.min_improvement;
  if (opts.minImprovement !== undefined) {
    minImprovement = Number(opts.minImprovement);
    if (!Number.isFinite(minImprovement) || minImprovement < 0) {
      throw new CliError(`--min-improvement: expected a number ≥ 0, got "${opts.minImprovement}"`, 2);
    }
  }
  const name = opts.name ?? serving.model_name;
  const primary = opts.primaryMetric ?? serving.primary_metric;
  await withRegistry(opts.registryPath, async (registry) => {
    const runId = ensureRun(
      registry,
      typeof metadata.run_id === 'string' ? metadata.run_id : undefined,
      resolved,
      metadata,
      metrics,
    );
    const res = registry.registerModelVersion({
      name,
      run_id: runId,
      bundle_path: path.resolve(bundlePath),
      metrics,
      primary_metric: primary,
      min_improvement: minImprovement,
      eval_fingerprint: evalFp,
      signature: signature as Parameters<Registry['registerModelVersion']>[0]['signature'],
      reason: opts.reason,
    });
    let mlflow: unknown;
    if (opts.mlflow) {
      const uri = resolved.config.tracking.mlflow_uri ?? process.env.MLFLOW_TRACKING_URI;
      if (!uri)
        console.warn(
          'warning: --mlflow given but neither tracking.mlflow_uri nor MLFLOW_TRACKING_URI is set',
        );
      else {
        mlflow = await mirrorRunToMlflow(registry, runId, uri, {
          extraArtifacts: [{ name: 'model.bundle', file: res.version.bundle_path }],
        });
      }
    }
    if (opts.json) {
      console.log(JSON.stringify({ ...res, ...(mlflow ? { mlflow } : {}) }, null, 2));
      return;
    }
    console.log(
      `registered ${name} v${res.version.version} (run ${runId}, bundle sha256 ${res.version.bundle_sha256.slice(0, 12)}…)`,
    );
    console.log(
      res.promoted ? `champion: v${res.version.version} — ${res.reason}` : `not promoted — ${res.reason}`,
    );
  });
}

export function register(program: Command): void {
  program
    .command('register <bundle>')
    .description(
      'register a model bundle by hand: copy it into the registry and promote it if it beats the champion',
    )
    .requiredOption('-c, --config <file>', 'the config the bundle was trained with')
    .requiredOption('--metrics <file>', 'evaluation JSON (e.g. from `mlsys evaluate -o eval.json`)')
    .option('--primary-metric <name>', 'metric that decides promotion (default serving.primary_metric)')
    .option('--name <model>', 'model name (default serving.model_name)')
    .option('--min-improvement <x>', 'required gain over the champion (default serving.min_improvement)')
    .option('--reason <text>', 'recorded in the promotion log')
    .option('--mlflow', 'also log the run to MLflow (tracking.mlflow_uri or MLFLOW_TRACKING_URI)')
    .option('--json', 'print JSON')
    .option('--registry-path <dir>', REGISTRY_PATH_HELP)
    .action(action);
}
