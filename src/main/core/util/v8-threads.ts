/**
 * V8's background threads on small machines. On two cores or fewer, a training run's own threads (the
 * training worker, and the helper that scans the data and then trains with it) keep every core busy,
 * and the optimising compiler's background thread only competes with them: `mlsys train` at 100k
 * companies used about 6 % less CPU and read its data about 11 % faster with the optimising compiler
 * on the thread that asked for the code (bench/results/pipeline.md). V8 reads the flag when it
 * creates an isolate, so it applies to the workers started afterwards; the calling thread's own
 * isolate keeps its compiler thread. MLSYS_V8_CONCURRENT_COMPILE=1 keeps the background compiler.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';

/** At most this many cores: compile on the requesting thread. */
export const FEW_CORES = 2;

/** Whether workers should compile optimised code on their own thread. */
export function compileOnRequestingThread(cores: number, env: NodeJS.ProcessEnv): boolean {
  return cores <= FEW_CORES && env.MLSYS_V8_CONCURRENT_COMPILE !== '1';
}

let applied = false;

/** Call before starting workers (the training runner does); the flag is set once per process. */
export function tuneV8ForWorkers(): void {
  if (applied) return;
  applied = true;
  if (compileOnRequestingThread(availableParallelism(), process.env))
    setFlagsFromString('--no-concurrent-recompilation');
}
