import type { Command } from 'commander';
import { CliError } from '../errors';
import { describeChange } from './promote';
import { REGISTRY_PATH_HELP, withRegistry } from './runs';

export function register(program: Command): void {
  program
    .command('rollback <model>')
    .description('make the previous champion (or --to <version>) the champion again')
    .option('--reason <text>', 'why (recorded in the promotion log)')
    .option('--to <version>', 'roll back to this version instead of the previous champion')
    .option('--json', 'print the log entry as JSON')
    .option('--registry-path <dir>', REGISTRY_PATH_HELP)
    .action(
      async (
        model: string,
        opts: { reason?: string; to?: string; json?: boolean; registryPath?: string },
      ) => {
        const to = opts.to === undefined ? undefined : Number(opts.to.replace(/^v/, ''));
        if (to !== undefined && (!Number.isInteger(to) || to < 1)) {
          throw new CliError(`--to: expected a positive integer, got "${opts.to}"`, 2);
        }
        await withRegistry(opts.registryPath, (r) => {
          const entry = r.rollback(model, { reason: opts.reason, to });
          console.log(opts.json ? JSON.stringify(entry, null, 2) : `rolled back ${describeChange(entry)}`);
        });
      },
    );
}
