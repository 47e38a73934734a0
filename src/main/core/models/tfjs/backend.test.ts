import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ensureTfBackend, tf, wasmBinaryDir } from './backend';

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
});
