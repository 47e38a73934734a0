import type { FrameworkConfig } from '../../../shared/config/schema';
import type { Dataset } from './dataset';
import { loadFlat } from './flat';
import { loadHubspot } from './hubspot';

export interface LoadDatasetOptions {
  onProgress?(msg: string): void;
}

/** The one entry point: reads the configured source and returns company-level rows with labels. */
export async function loadDataset(config: FrameworkConfig, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const progress = options.onProgress ?? (() => {});
  return config.data.source === 'hubspot' ? loadHubspot(config, progress) : loadFlat(config, progress);
}
