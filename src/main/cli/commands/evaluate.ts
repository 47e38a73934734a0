import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { ModelBundle } from '../../core/bundle/bundle';
import { loadConfig } from '../../core/config/load';
import { evaluate } from '../../core/evaluation';
import { Registry } from '../../core/registry';
import { CliError } from '../errors';
import { formatMetricsTable } from '../metrics-table';
import { overridesFrom } from './train';

interface EvaluateOptions {
  config: string;
  model?: string;
  useRegistry?: boolean;
  modelVersion?: string;
  dataDir?: string;
  registryPath?: string;
  randomState?: string;
  calibrationSize?: string;
  set: string[];
  split: string;
  output?: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('evaluate')
    .description(
      'score a dataset with a bundle (its own signature and feature pipeline) and report the metrics',
    )
    .option('-c, --config <file>', 'config YAML (data source and split)', 'config/base_config.yaml')
    .option('--model <bundle>', 'a .bundle file')
    .option('--use-registry', "use the registry's champion (or --model-version)")
    .option('--model-version <n>', 'with --use-registry: this version instead of the champion')
    .option('--data-dir <dir>', 'override data.data_dir')
    .option('--registry-path <dir>', 'override serving.model_registry_path')
    .option('--random-state <n>', 'override data.random_state (must match the training run)')
    .option(
      '--calibration-size <fraction>',
      'accepted for symmetry with train; the test split does not depend on it',
    )
    .option(
      '--set <key=value>',
      'override any config key (repeatable)',
      (v: string, acc: string[]) => [...acc, v],
      [],
    )
    .option(
      '--split <which>',
      "'test' (the training run's test split: same seed, same rows) or 'all'",
      'test',
    )
    .option('-o, --output <file>', 'write the metrics JSON here')
    .option('--json', 'print JSON')
    .action(async (opts: EvaluateOptions) => {
      if (!opts.model && !opts.useRegistry)
        throw new CliError('choose a model: --model <bundle> or --use-registry', 2);
      if (opts.split !== 'test' && opts.split !== 'all')
        throw new CliError(`--split: expected test or all, got "${opts.split}"`, 2);
      const { config } = await loadConfig(opts.config, { overrides: overridesFrom(opts) });
      const { readBundle, ModelBundle } = await import('../../core/bundle/bundle');
      const { loadDataset, takeRows } = await import('../../core/data');
      const { makeSplits } = await import('../../core/training/pipeline');
      let bundle: ModelBundle;
      let source: string;
      if (opts.model) {
        bundle = readBundle(opts.model);
        source = opts.model;
      } else {
        const registry = Registry.open(config.serving.model_registry_path);
        try {
          const ref = opts.modelVersion === undefined ? 'champion' : Number(opts.modelVersion);
          if (typeof ref === 'number' && !Number.isInteger(ref))
            throw new CliError(`--model-version: expected an integer, got "${opts.modelVersion}"`, 2);
          if (ref === 'champion' && !registry.getChampion(config.serving.model_name)) {
            throw new CliError(
              `model "${config.serving.model_name}" has no champion yet: run \`mlsys train\` first`,
            );
          }
          const loaded = registry.loadBundle(config.serving.model_name, ref);
          bundle = ModelBundle.fromDocument(loaded.bundle, loaded.version.bundle_path);
          source = `${loaded.version.name} v${loaded.version.version}`;
        } finally {
          registry.close();
        }
      }
      const ds = await loadDataset(config);
      let rows: Int32Array;
      let y: Uint8Array;
      if (opts.split === 'test') {
        const s = makeSplits(ds.y, config);
        rows = s.test.idx;
        y = s.test.y;
      } else {
        rows = Int32Array.from({ length: ds.y.length }, (_, i) => i);
        y = ds.y;
      }
      const X = bundle.features.transform(takeRows(ds.table, rows));
      const pRaw = bundle.predictMatrixRaw(X);
      const p = bundle.calibrator ? bundle.calibrator.applyAll(pRaw) : pRaw;
      const t = config.model.threshold;
      const report = evaluate(y, p, {
        threshold: bundle.threshold,
        pRaw: bundle.calibrator ? pRaw : undefined,
        costFp: t.cost_fp,
        costFn: t.cost_fn,
      });
      const metrics = Object.fromEntries(
        Object.entries(report.metrics).filter(([, v]) => Number.isFinite(v)),
      );
      const out = { model: source, split: opts.split, rows: y.length, threshold: bundle.threshold, metrics };
      if (opts.output) {
        mkdirSync(path.dirname(path.resolve(opts.output)), { recursive: true });
        writeFileSync(opts.output, JSON.stringify(out, null, 2) + '\n');
      }
      if (opts.json) {
        console.log(JSON.stringify(out, null, 2));
        return;
      }
      console.log(
        `evaluated ${source} on ${y.length} rows (${opts.split} split), threshold ${bundle.threshold}`,
      );
      console.log(formatMetricsTable(metrics));
      console.log('\n' + report.report_text);
      if (opts.output) console.log(`metrics written to ${opts.output}`);
    });
}
