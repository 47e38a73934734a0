import type { Command } from 'commander';
import * as info from './info';
import * as train from './train';
import * as evaluate from './evaluate';
import * as serve from './serve';
import * as runs from './runs';
import * as registerCmd from './register';
import * as promote from './promote';
import * as rollback from './rollback';
import * as exportCmd from './export';
import * as data from './data';

export interface CommandModule {
  register(program: Command): void;
}

/** Every CLI command module; add one line per new module. */
export const commandModules: CommandModule[] = [
  info,
  train,
  evaluate,
  serve,
  runs,
  registerCmd,
  promote,
  rollback,
  exportCmd,
  data,
];
