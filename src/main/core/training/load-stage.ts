/**
 * The pipeline's first step on its own: a training worker starts reading a job's data with only the
 * data loader loaded, and loads the rest of the pipeline while DuckDB reads (worker.ts).
 */
import type { FrameworkConfig } from '../../../shared/config/schema';
import type { Dataset } from '../data/dataset';
import { loadDataset } from '../data/load';
import type { ProgressUpdate } from './protocol';

export interface LoadStage {
  dataset: Promise<Dataset>;
  /** performance.now() when the loading began. */
  started: number;
}

/** Starts loading the configured data, with the pipeline's progress updates. */
export function startLoadStage(config: FrameworkConfig, onProgress?: (p: ProgressUpdate) => void): LoadStage {
  onProgress?.({ stage: 'loading', percent: 2, message: 'Reading data' });
  const started = performance.now();
  const dataset = loadDataset(config, {
    onProgress: (message: string) => onProgress?.({ stage: 'loading', percent: 5, message }),
  });
  dataset.catch(() => {}); // its owner awaits it, maybe only once the rest of the pipeline has loaded
  return { dataset, started };
}
