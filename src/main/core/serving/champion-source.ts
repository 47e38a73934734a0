import { registryChampionSource } from '../bundle';
import { Registry } from '../registry';
import type { ChampionSource } from './types';

/**
 * The champion of `modelName` in the registry at `registryPath`, for hosts that own no registry handle
 * (the CLI's `mlsys serve`). `close()` releases the registry.
 */
export function createChampionSource(
  registryPath: string,
  modelName: string,
): ChampionSource & { close(): void } {
  const registry = Registry.open(registryPath);
  return { ...registryChampionSource(registry, modelName), close: () => registry.close() };
}
