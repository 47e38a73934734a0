import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CliError } from '../errors';
import { REGISTRY_PATH_HELP, withRegistry } from './runs';

export function register(program: Command): void {
  program
    .command('export <run>')
    .description("write a run's resolved config snapshot; `mlsys train --config <it>` reproduces the run")
    .requiredOption('-o, --output <file>', 'where to write the YAML')
    .option('--force', 'overwrite an existing file')
    .option('--registry-path <dir>', REGISTRY_PATH_HELP)
    .action(async (runId: string, opts: { output: string; force?: boolean; registryPath?: string }) => {
      await withRegistry(opts.registryPath, (r) => {
        const run = r.getRun(runId);
        if (!run) throw new CliError(`No run with id ${runId}.`);
        const out = path.resolve(opts.output);
        if (existsSync(out) && !opts.force)
          throw new CliError(`${opts.output} exists; use --force to overwrite it`);
        mkdirSync(path.dirname(out), { recursive: true });
        // Byte-for-byte the stored snapshot, so its hash equals the run's config_hash.
        writeFileSync(out, run.config_yaml);
        console.log(
          `wrote the config snapshot of run ${run.id} (config ${run.config_hash.slice(0, 12)}…) to ${opts.output}`,
        );
      });
    });
}
