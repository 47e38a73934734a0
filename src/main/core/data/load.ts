import type { FrameworkConfig } from '../../../shared/config/schema';
import type { Dataset } from './dataset';
import { loadHubspot } from './hubspot';

export interface LoadDatasetOptions {
  onProgress?(msg: string): void;
}

/** The one entry point: reads the configured source and returns company-level rows with labels. */
export async function loadDataset(config: FrameworkConfig, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const progress = options.onProgress ?? (() => {});
  if (config.data.source === 'hubspot') return loadHubspot(config, progress);
  const { loadFlat } = await import('./flat'); // loads DuckDB
  return loadFlat(config, progress);
}
