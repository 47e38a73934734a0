import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng';
import * as tf from '@tensorflow/tfjs';
import { ensureTfBackend } from './backend';
import { assertFinite, forwardProba, type DenseLayer } from './network';
import { xor } from './test-data';

function randomLayers(sizes: number[], rng: Rng): DenseLayer[] {
  return sizes.slice(0, -1).map((inputs, i) => {
    const outputs = sizes[i + 1];
    const weights = Float32Array.from({ length: inputs * outputs }, () => rng.normal());
    const bias = Float32Array.from({ length: outputs }, () => rng.normal() * 0.5);
    return { inputs, outputs, weights, bias };
  });
}

describe('forwardProba (plain TypeScript)', () => {
  it('matches the same network evaluated by tfjs', async () => {
    await ensureTfBackend();
    const { X } = xor(200, 7);
    const layers = randomLayers([3, 8, 5, 1], new Rng(3));
    const ours = forwardProba(layers, X);
    const theirs = tf.tidy(() => {
      let a = tf.tensor2d(X.data, [X.rows, X.cols]);
      layers.forEach((l, i) => {
        a = tf.add(tf.matMul(a, tf.tensor2d(l.weights, [l.inputs, l.outputs])), tf.tensor1d(l.bias));
        if (i < layers.length - 1) a = tf.relu(a);
      });
      return tf.sigmoid(a).dataSync();
    });
    let maxDiff = 0;
    for (let i = 0; i < X.rows; i++) maxDiff = Math.max(maxDiff, Math.abs(ours[i] - theirs[i]));
    expect(maxDiff).toBeLessThan(1e-6);
    // not a degenerate network: outputs actually vary
    expect(Math.max(...ours) - Math.min(...ours)).toBeGreaterThan(0.3);
  });

  it('assertFinite names the offending cell', () => {
    const X = { rows: 2, cols: 2, data: Float32Array.of(0, 1, NaN, 2), columns: ['a', 'b'] };
    expect(() => assertFinite(X, 'M')).toThrow(/row 1, column 0 \('a'\)/);
  });
});

describe('forwardProba batching', () => {
  it('scores a row identically alone and inside any batch', () => {
    const { X } = xor(11, 3);
    const layers = randomLayers([3, 5, 4, 1], new Rng(8));
    const all = forwardProba(layers, X);
    for (let r = 0; r < X.rows; r++) {
      const one = { ...X, rows: 1, data: X.data.slice(r * 3, r * 3 + 3) };
      expect(forwardProba(layers, one)[0]).toBe(all[r]);
    }
  });
});
