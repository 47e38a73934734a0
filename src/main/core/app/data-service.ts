import type { DataPreview, DataSummary } from '../../../shared/api/dto';
import type { ResolvedConfig } from '../config/load';
import type { Dataset } from '../data';

// DuckDB loads on first use (about half a second), not when the app starts
const data = () => import('../data');

/**
 * The data cell's summary and preview. Loading the sample takes a moment, so the last dataset is
 * kept per (config hash) for the preview that usually follows the summary.
 */
let cache: { hash: string; ds: Dataset } | undefined;

async function datasetFor(resolved: ResolvedConfig): Promise<Dataset> {
  if (cache?.hash === resolved.hash) return cache.ds;
  const ds = await (await data()).loadDataset(resolved.config);
  cache = { hash: resolved.hash, ds };
  return ds;
}

export async function describeForApi(resolved: ResolvedConfig): Promise<DataSummary> {
  return (await data()).describeDataset(await datasetFor(resolved));
}

export async function previewForApi(resolved: ResolvedConfig, limit: number): Promise<DataPreview> {
  const n = Math.max(1, Math.min(1000, Math.trunc(limit)));
  return (await data()).previewRows(await datasetFor(resolved), n);
}
