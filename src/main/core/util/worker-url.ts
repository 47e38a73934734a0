import { Worker, type WorkerOptions } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Starts a worker from a sibling entry file, whether the code runs from TypeScript sources (vitest,
 * tsx) or from the electron-vite build (`out/main`, where every worker entry is emitted as
 * `<name>.js` next to the main entries).
 *
 * From sources, `execArgv: ['--import', 'tsx']` does not reach workers on Node 20, so the worker
 * starts from a tiny ES module that registers tsx's loader and then imports the `.ts` entry.
 *
 * @param callerUrl `import.meta.url` of the module that owns the worker entry
 * @param sourceRelative the entry's path relative to the caller, without extension (e.g. './worker')
 * @param builtName the entry's name in the build output (e.g. 'training-worker')
 */
export function startWorker(
  callerUrl: string,
  sourceRelative: string,
  builtName: string,
  options: WorkerOptions = {},
): Worker {
  if (callerUrl.endsWith('.ts') || callerUrl.endsWith('.tsx')) {
    const entry = new URL(`${sourceRelative}.ts`, callerUrl).href;
    const bootstrap =
      `import { register } from ${JSON.stringify(tsxApiUrl())};\n` +
      `register();\n` +
      `await import(${JSON.stringify(entry)});\n`;
    return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), options);
  }
  // Built: the caller lives in out/main or out/main/chunks; the entry sits in out/main.
  for (const rel of [`./${builtName}.js`, `../${builtName}.js`]) {
    const url = new URL(rel, callerUrl);
    if (existsSync(fileURLToPath(url))) return new Worker(url, options);
  }
  throw new Error(`Worker entry ${builtName}.js not found next to ${callerUrl}`);
}

let tsxApi: string | undefined;
function tsxApiUrl(): string {
  if (!tsxApi) {
    const require = createRequire(import.meta.url);
    tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/index\.cjs$/, 'index.mjs')).href;
  }
  return tsxApi;
}
