/**
 * `mlsys`: the command line, with the GUI's abilities. Each command lives in ./commands/<name>.ts and
 * exports `register(program)`; a failing command prints a clear message and exits non-zero.
 * The executable entry is ./index.ts.
 */
import { Command, CommanderError } from 'commander';
import { appVersion } from '../core/app/version';
import { commandModules } from './commands';
import { CliError } from './errors';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('mlsys')
    .description('ml-sys: config-driven tabular classifiers — train, evaluate, register, promote, serve')
    .version(appVersion())
    .showHelpAfterError()
    .exitOverride();
  for (const mod of commandModules) mod.register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      console.error(`error: ${err.message}`);
      return err.exitCode;
    }
    console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.MLSYS_DEBUG && err instanceof Error) console.error(err.stack);
    return 1;
  }
}
