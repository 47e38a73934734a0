import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { ensureTfBackend, wasmBinaryDir } from './backend';

describe('ensureTfBackend', () => {
  it('finds the wasm binaries and starts the wasm backend once', async () => {
    expect(existsSync(path.join(wasmBinaryDir(), 'tfjs-backend-wasm.wasm'))).toBe(true);
    const first = ensureTfBackend();
    expect(ensureTfBackend()).toBe(first);
    expect(await first).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    expect(Array.from(tf.matMul(x, x).dataSync())).toEqual([7, 10, 15, 22]);
    x.dispose();
  });

  it('falls back to the cpu backend with one warning when the wasm binaries are missing', () => {
    // a separate process: the backend choice is process-wide
    const dir = mkdtempSync(path.join(tmpdir(), 'mlsys-tf-'));
    try {
      const script = path.join(dir, 'probe.mts');
      const backendUrl = pathToFileURL(path.join(import.meta.dirname, 'backend.ts')).href;
      writeFileSync(
        script,
        `import { ensureTfBackend, loadTf } from ${JSON.stringify(backendUrl)};\nconst tf = await loadTf();\n` +
          `const a = await ensureTfBackend(); const b = await ensureTfBackend();\n` +
          `console.log(JSON.stringify({ a, b, now: tf.getBackend(), sum: tf.sum(tf.tensor([1, 2, 3])).dataSync()[0] }));\n`,
      );
      const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
        cwd: import.meta.dirname,
        encoding: 'utf8',
        env: { ...process.env, MLSYS_TF_WASM_DIR: path.join(dir, 'missing') },
        timeout: 60_000,
      });
      expect(r.status, r.stderr).toBe(0);
      const line = r.stdout
        .trim()
        .split('\n')
        .find((l) => l.startsWith('{'));
      expect(JSON.parse(line!)).toEqual({ a: 'cpu', b: 'cpu', now: 'cpu', sum: 6 });
      expect(r.stderr.match(/\[ml-sys\] TensorFlow.js wasm backend unavailable/g)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
