import path from 'node:path';
import { resolveAppPaths } from '../app/paths';

/** The registry folder: an explicit option, else MLSYS_REGISTRY_PATH, else `<MLSYS_HOME>/registry`. */
export function resolveRegistryDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return path.resolve(option);
  if (env.MLSYS_REGISTRY_PATH) return path.resolve(env.MLSYS_REGISTRY_PATH);
  return resolveAppPaths(env).registryPath;
}
