import type { Command } from 'commander';
import * as info from './info';

export interface CommandModule {
  register(program: Command): void;
}

/** Every CLI command module; add one line per new module. */
export const commandModules: CommandModule[] = [info];
