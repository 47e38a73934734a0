import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError, loadConfig } from '../../core/config/load';
import { DataError } from '../../core/data/errors';
import { CliError } from '../errors';

function positiveInt(name: string, min: number) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new CliError(`${name} expects an integer ≥ ${min}, got "${v}"`, 2);
    return n;
  };
}

const collect = (v: string, acc: string[]) => [...acc, v];

interface DescribeOptions {
  config: string;
  json?: boolean;
  rows?: number;
  dataDir?: string;
  randomState?: number;
  set: string[];
}

export function register(program: Command): void {
  const data = program
    .command('data')
    .description('generate sample data and describe the configured dataset');

  data
    .command('generate')
    .description('write deterministic synthetic HubSpot CSVs (customers, noncustomers, usage_actions)')
    .requiredOption('--companies <n>', 'number of distinct companies', positiveInt('--companies', 1))
    .option('--seed <s>', 'random seed', positiveInt('--seed', 0), 0)
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { companies: number; seed: number; out: string; json?: boolean }) => {
      const { generateSample } = await import('../../core/data/generate');
      const outDir = path.resolve(opts.out);
      let info;
      try {
        info = generateSample({ companies: opts.companies, seed: opts.seed, outDir });
      } catch (err) {
        throw new CliError(`cannot write to ${outDir}: ${(err as Error).message}`);
      }
      if (opts.json) {
        console.log(JSON.stringify({ out: outDir, ...info }));
        return;
      }
      console.log(`wrote ${outDir}`);
      console.log(
        `  ${info.companies} companies, ${info.customers} customers (${(100 * info.pos_rate).toFixed(2)} %), ` +
          `${info.noncustomer_duplicate_rows} duplicate non-customer rows`,
      );
      console.log(
        `  ${info.usage_rows} usage rows (${info.orphan_usage_rows} for unknown ids), ${info.total_s} s`,
      );
    });

  data
    .command('describe')
    .description('load the configured data and print rows, class balance and per-column statistics')
    .requiredOption('--config <file>', 'config YAML, e.g. config/base_config.yaml')
    .option('--json', 'print the summary as JSON')
    .option('--rows <n>', 'also print the first n rows', positiveInt('--rows', 1))
    .option('--data-dir <dir>', 'override data.data_dir')
    .option('--random-state <n>', 'override data.random_state', positiveInt('--random-state', 0))
    .option('--set <key=value>', 'override any config key (repeatable)', collect, [])
    .action(async (opts: DescribeOptions) => {
      // the data layer (DuckDB) loads only for the commands that read data: `mlsys` starts faster
      const { loadDataset } = await import('../../core/data/load');
      const { describeDataset, formatSummary, previewRows } = await import('../../core/data/describe');
      try {
        const resolved = await loadConfig(opts.config, {
          overrides: { dataDir: opts.dataDir, randomState: opts.randomState, set: opts.set },
        });
        const ds = await loadDataset(resolved.config, {
          onProgress: opts.json ? undefined : (m) => process.stderr.write(`… ${m}\n`),
        });
        const summary = describeDataset(ds);
        const preview = opts.rows ? previewRows(ds, opts.rows) : undefined;
        if (opts.json) {
          console.log(JSON.stringify(preview ? { ...summary, preview } : summary, null, 2));
          return;
        }
        console.log(formatSummary(summary));
        if (preview) {
          console.log('');
          console.log(preview.columns.join('\t'));
          for (const r of preview.rows) console.log(r.map((v) => (v === null ? '' : String(v))).join('\t'));
        }
      } catch (err) {
        if (err instanceof ConfigError) throw new CliError(`invalid config\n${err.message}`);
        if (err instanceof DataError) throw new CliError(err.message);
        throw err;
      }
    });
}
