import type { Command } from 'commander';
import type { PromotionLogEntry } from '../../core/registry';
import { CliError } from '../errors';
import { REGISTRY_PATH_HELP, withRegistry } from './runs';

export function describeChange(e: PromotionLogEntry): string {
  const values =
    e.metric && (e.from_value !== null || e.to_value !== null)
      ? ` (${e.metric}: ${e.from_value ?? '—'} → ${e.to_value ?? '—'})`
      : '';
  return `${e.name}: champion v${e.from_version ?? '—'} → v${e.to_version}${values} by ${e.who}: ${e.reason}`;
}

export function register(program: Command): void {
  program
    .command('promote <model> <version>')
    .description('make a version the champion (logged with who, when, why and the metric values)')
    .requiredOption('--reason <text>', 'why (recorded in the promotion log)')
    .option('--json', 'print the log entry as JSON')
    .option('--registry-path <dir>', REGISTRY_PATH_HELP)
    .action(
      async (
        model: string,
        version: string,
        opts: { reason: string; json?: boolean; registryPath?: string },
      ) => {
        const v = Number(version.replace(/^v/, ''));
        if (!Number.isInteger(v) || v < 1)
          throw new CliError(`version: expected a positive integer, got "${version}"`, 2);
        await withRegistry(opts.registryPath, (r) => {
          const entry = r.promote(model, v, { reason: opts.reason });
          console.log(opts.json ? JSON.stringify(entry, null, 2) : `promoted ${describeChange(entry)}`);
        });
      },
    );
}
