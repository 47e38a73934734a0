/**
 * `mlsys train` starts its training worker before the CLI's own modules load (./index.ts): the worker
 * loads DuckDB and the pipeline on another core while this thread loads commander, the config schema
 * and the registry, reads the config and opens the registry.
 */
import type { Worker } from 'node:worker_threads';
import { disposeTrainingWorker, startTrainingWorker } from '../core/training/runner';

let prestarted: Worker | undefined;

/** The command word: the first argument that is not an option (the program's own options take no value). */
function commandOf(argv: string[]): string | undefined {
  return argv.find((a) => !a.startsWith('-'));
}

/** Starts the training worker when `argv` runs `train` (and not just its help). */
export function prestartWorkerFor(argv: string[]): void {
  if (prestarted || commandOf(argv) !== 'train' || argv.some((a) => a === '-h' || a === '--help')) return;
  prestarted = startTrainingWorker();
}

/** The worker prestartWorkerFor started, handed out once. */
export function takePrestartedWorker(): Worker | undefined {
  const worker = prestarted;
  prestarted = undefined;
  return worker;
}

/** Ends a prestarted worker nobody took (the command failed before it needed one). */
export function discardPrestartedWorker(): void {
  const worker = takePrestartedWorker();
  if (worker) disposeTrainingWorker(worker);
}
