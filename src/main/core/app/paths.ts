import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

/** The project root: the nearest folder above this file that holds package.json. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export interface AppPaths {
  /** Where the app keeps its registry and artifacts: MLSYS_HOME, else `<root>/.mlsys`. */
  home: string;
  root: string;
  configDir: string;
  dataDir: string;
  registryPath: string;
  artifactsPath: string;
}

export function resolveAppPaths(env: NodeJS.ProcessEnv = process.env, root = projectRoot()): AppPaths {
  const home = path.resolve(env.MLSYS_HOME ?? path.join(root, '.mlsys'));
  return {
    home,
    root,
    configDir: path.join(root, 'config'),
    dataDir: path.join(root, 'data'),
    registryPath: path.join(home, 'registry'),
    artifactsPath: path.join(home, 'artifacts'),
  };
}
