#!/usr/bin/env node
/**
 * The `mlsys` executable (built as out/main/cli.js; the commands are in ./program.ts). Only an entry:
 * importing it runs the CLI with this process's arguments.
 *
 * `mlsys train` starts its training worker before anything else is imported, so that the worker's
 * start-up (DuckDB, the pipeline) overlaps this thread's (commander, the config schema, the registry).
 */
import { discardPrestartedWorker, prestartWorkerFor } from './prestart';

const argv = process.argv.slice(2);
prestartWorkerFor(argv);
const { main } = await import('./program');
process.exitCode = await main(argv);
discardPrestartedWorker();
