import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { Command } from 'commander';
import { loadConfig, type ConfigOverrides, type ResolvedConfig } from '../../core/config/load';
import { newRunId, Registry } from '../../core/registry';
import { disposeTrainingWorker, runTrainingInWorker, startTrainingWorker } from '../../core/training/runner';
import { createQueuedRun, mirrorToMlflowIfConfigured, recordRunResult } from '../../core/training/record';
import { CancelledError } from '../../core/models/types';
import { CliError } from '../errors';
import { takePrestartedWorker } from '../prestart';
import { formatMetricsTable } from '../metrics-table';
import { createProgressReporter } from '../progress';

interface TrainOptions {
  config: string;
  tune?: boolean;
  calibrationSize?: string;
  output?: string;
  dataDir?: string;
  registryPath?: string;
  randomState?: string;
  set: string[];
  name?: string;
  json?: boolean;
  progress: boolean;
}

export function parseNumberOption(
  flag: string,
  raw: string | undefined,
  check: (n: number) => boolean,
  expected: string,
) {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || !check(n))
    throw new CliError(`${flag}: expected ${expected}, got "${raw}"`, 2);
  return n;
}

export function overridesFrom(opts: {
  dataDir?: string;
  registryPath?: string;
  randomState?: string;
  calibrationSize?: string;
  set?: string[];
  tune?: boolean;
}): ConfigOverrides {
  const set = [...(opts.set ?? [])];
  if (opts.tune) set.push('model.tune.enabled=true');
  const calibrationSize = parseNumberOption(
    '--calibration-size',
    opts.calibrationSize,
    (n) => n >= 0 && n < 1,
    'a number in [0, 1)',
  );
  return {
    dataDir: opts.dataDir,
    registryPath: opts.registryPath,
    randomState: parseNumberOption(
      '--random-state',
      opts.randomState,
      (n) => Number.isInteger(n) && n >= 0,
      'a non-negative integer',
    ),
    calibrationSize,
    set,
  };
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a model from a config: load → features → fit → calibrate → evaluate → register')
    .option('-c, --config <file>', 'config YAML', 'config/base_config.yaml')
    .option('--tune', 'run the hyperparameter search (model.tune) first')
    .option('--calibration-size <fraction>', 'hold out this share of train to calibrate on (e.g. 0.1)')
    .option('-o, --output <file>', 'also copy the model bundle here (e.g. artifacts/model.bundle)')
    .option('--data-dir <dir>', 'override data.data_dir')
    .option('--registry-path <dir>', 'override serving.model_registry_path')
    .option('--random-state <n>', 'override data.random_state')
    .option(
      '--set <key=value>',
      'override any config key (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option('--name <name>', 'a name for the run')
    .option('--json', 'print the result as JSON')
    .option('--no-progress', 'no progress output')
    .action(async (opts: TrainOptions) => {
      // the worker boots (imports DuckDB and the learners) while the config and registry load; the
      // executable started it before loading the CLI (../prestart.ts)
      const worker = takePrestartedWorker() ?? startTrainingWorker();
      try {
        await train(opts, worker);
      } finally {
        // a job that ran has terminated it; one that never started (e.g. a config error) has not
        disposeTrainingWorker(worker);
      }
    });
}

async function train(opts: TrainOptions, worker: Worker): Promise<void> {
  const overrides = overridesFrom(opts);
  let resolved = await loadConfig(opts.config, { overrides });
  if ((overrides.calibrationSize ?? 0) > 0 && resolved.config.model.calibration === 'none') {
    // asking for a calibration holdout means calibrating: isotonic, as the original CLI did
    resolved = await loadConfig(opts.config, {
      overrides: { ...overrides, set: ['model.calibration=isotonic', ...(overrides.set ?? [])] },
    });
  }
  const config = resolved.config;
  // the worker starts on the job at once; the run is recorded while it reads the data
  const runId = newRunId();
  const reporter = createProgressReporter(opts.progress && !opts.json);
  const handle = runTrainingInWorker(
    {
      run_id: runId,
      config_yaml: resolved.yaml,
      config: resolved.config,
      out_dir: path.join(config.artifacts_path, runId),
      base_dir: process.cwd(),
    },
    {
      onProgress: (p) => reporter.update(p),
      onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
    },
    { worker },
  );
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nstopping after the current step (Ctrl-C again to quit at once)\n');
      handle.cancel();
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  let registry: Registry;
  try {
    registry = openRunRecord(resolved, runId, opts.name);
  } catch (err) {
    // nowhere to record the run: stop the training (after its data step) before reporting the error
    process.off('SIGINT', onSigint);
    reporter.stop();
    handle.cancel(0);
    await handle.result.catch(() => {});
    throw err;
  }
  try {
    let result;
    try {
      result = await handle.result;
    } catch (err) {
      reporter.stop();
      const cancelled = err instanceof CancelledError;
      const message = err instanceof Error ? err.message : String(err);
      registry.setRunStatus(runId, cancelled ? 'cancelled' : 'failed', { error: message });
      await mirrorToMlflowIfConfigured(registry, runId, resolved, (m) => process.stderr.write(`${m}\n`));
      throw new CliError(`run ${runId} ${cancelled ? 'was cancelled' : 'failed'}: ${message}`);
    } finally {
      process.off('SIGINT', onSigint);
    }
    reporter.stop();
    // the results and the status in one commit: a run is never left half-recorded as succeeded
    const outcome = registry.transaction(() => {
      const recorded = recordRunResult(registry, runId, resolved, result);
      registry.setRunStatus(runId, 'succeeded');
      return recorded;
    });
    await mirrorToMlflowIfConfigured(registry, runId, resolved, (m) => process.stderr.write(`${m}\n`));
    if (opts.output) {
      mkdirSync(path.dirname(path.resolve(opts.output)), { recursive: true });
      copyFileSync(result.bundle_path, opts.output);
    }
    if (opts.json) {
      console.log(
        JSON.stringify(
          {
            run_id: runId,
            bundle: result.bundle_path,
            bundle_sha256: result.bundle_sha256,
            metrics: result.metrics,
            seconds: result.seconds,
            model: {
              name: outcome.version.name,
              version: outcome.version.version,
              promoted: outcome.promoted,
              reason: outcome.reason,
            },
          },
          null,
          2,
        ),
      );
      return;
    }
    console.log(
      `run ${runId} succeeded (${config.model.algorithm}, ${result.seconds.total?.toFixed(1) ?? '?'} s)`,
    );
    console.log(formatMetricsTable(result.metrics));
    console.log(`bundle     ${result.bundle_path}${opts.output ? ` (copied to ${opts.output})` : ''}`);
    console.log(`sha256     ${result.bundle_sha256}`);
    console.log(
      `registered ${outcome.version.name} v${outcome.version.version} — ${outcome.promoted ? 'now the champion' : 'not promoted'}: ${outcome.reason}`,
    );
  } finally {
    registry.close();
  }
}

/** Opens the registry and records the run as running (under the id its job already carries). */
function openRunRecord(resolved: ResolvedConfig, runId: string, name: string | undefined): Registry {
  const registry = Registry.open(resolved.config.serving.model_registry_path);
  try {
    createQueuedRun(registry, resolved, { id: runId, name, status: 'running' });
    return registry;
  } catch (err) {
    registry.close();
    throw err;
  }
}
