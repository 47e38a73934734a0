import type { Command } from 'commander';
import { resolveAppPaths } from '../../core/app/paths';
import { appVersion } from '../../core/app/version';

export function register(program: Command): void {
  program
    .command('info')
    .description('print version and the folders ml-sys uses (MLSYS_HOME, data, registry, artifacts)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const paths = resolveAppPaths();
      const info = { version: appVersion(), ...paths };
      if (opts.json) console.log(JSON.stringify(info, null, 2));
      else for (const [k, v] of Object.entries(info)) console.log(`${k.padEnd(14)} ${v}`);
    });
}
