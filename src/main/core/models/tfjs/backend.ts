/**
 * One shared TensorFlow.js backend for the process: the wasm backend (XNNPACK, SIMD when available),
 * falling back to the pure-JS 'cpu' backend with a single warning if wasm cannot start.
 */
import type * as TfModule from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type TfBackendName = 'wasm' | 'cpu';
export type Tf = typeof TfModule;

let tfModule: Promise<Tf> | undefined;

/**
 * TensorFlow.js, imported on first use: it takes about a second to load, and only training needs it
 * (prediction runs in TypeScript from the weights), so the app and the scoring port start without it.
 */
export function loadTf(): Promise<Tf> {
  tfModule ??= import('@tensorflow/tfjs');
  return tfModule;
}

let ready: Promise<TfBackendName> | undefined;

/**
 * Folder holding the backend's .wasm binaries (a plain directory path with a trailing separator works
 * in Node). MLSYS_TF_WASM_DIR overrides it, e.g. for a packaged app that unpacks them elsewhere.
 */
export function wasmBinaryDir(): string {
  const override = process.env.MLSYS_TF_WASM_DIR;
  if (override) return override.endsWith(path.sep) ? override : override + path.sep;
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

/** MLSYS_TF_BACKEND=cpu skips wasm. */
async function init(): Promise<TfBackendName> {
  const tf = await loadTf();
  const wanted = process.env.MLSYS_TF_BACKEND === 'cpu' ? 'cpu' : 'wasm';
  if (wanted === 'wasm') {
    try {
      const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
      setWasmPaths(wasmBinaryDir());
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return 'wasm';
      }
      throw new Error("tf.setBackend('wasm') returned false");
    } catch (err) {
      console.warn(
        `[ml-sys] TensorFlow.js wasm backend unavailable (${(err as Error).message}); using the slower 'cpu' backend.`,
      );
    }
  }
  if (!(await tf.setBackend('cpu'))) throw new Error('No TensorFlow.js backend could be initialised');
  await tf.ready();
  return 'cpu';
}

/** Initialise the backend once; later calls return the same promise. */
export function ensureTfBackend(): Promise<TfBackendName> {
  ready ??= init();
  return ready;
}
