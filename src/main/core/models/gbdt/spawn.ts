import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Name of the worker entry in the electron-vite build output. */
export const GBDT_WORKER_BUILD_NAME = 'gbdt-worker';

/** URL of tsx's ESM API (its `register()` installs the TypeScript loader in the current thread). */
function tsxApiUrl(): string {
  const resolved = createRequire(import.meta.url).resolve('tsx/esm/api');
  return pathToFileURL(resolved.replace(/\.cjs$/, '.mjs')).href;
}

/**
 * Starts the training worker: from TypeScript sources (vitest, tsx) or the built `gbdt-worker.js`
 * next to this chunk. From sources, `execArgv: ['--import', 'tsx']` is not enough on Node 20 (the
 * entry is resolved before the hooks are registered), so a tiny ESM bootstrap registers tsx first.
 */
export function startGbdtWorker(workerData: unknown): Worker {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('./worker.ts', import.meta.url).href;
    const code =
      `import { register } from ${JSON.stringify(tsxApiUrl())};\n` +
      `register();\nawait import(${JSON.stringify(entry)});\n`;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`), { workerData });
  }
  for (const rel of [`./${GBDT_WORKER_BUILD_NAME}.js`, `../${GBDT_WORKER_BUILD_NAME}.js`, './worker.js']) {
    const url = new URL(rel, import.meta.url);
    if (existsSync(fileURLToPath(url))) return new Worker(url, { workerData });
  }
  throw new Error(`GBDT worker entry ${GBDT_WORKER_BUILD_NAME}.js not found next to ${import.meta.url}`);
}
