import { describe, expect, it } from 'vitest';
import { CancelledError } from '../types';
import { rocAuc } from './metrics';
import { MlpClassifier } from './mlp';
import { tfjsModelFromJSON } from './index';
import { xor } from './test-data';

const train = xor(800, 1);
const test = xor(400, 2);

describe('MlpClassifier (tfjs)', () => {
  it('learns XOR, which a linear model cannot', async () => {
    const model = new MlpClassifier({
      hidden_units: [16, 8],
      epochs: 60,
      batch_size: 32,
      learning_rate: 0.02,
      patience: 10,
      seed: 3,
    });
    await model.fit(train.X, train.y, { valid: test });
    expect(rocAuc(test.y, model.predictProba(test.X))).toBeGreaterThan(0.95);
    const imp = model.featureImportance();
    expect(Object.values(imp).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(Object.keys(imp)).toEqual(['f0', 'f1', 'f2']);
  });

  it('early stopping keeps the epoch with the best validation loss', async () => {
    const model = new MlpClassifier({
      hidden_units: [8],
      epochs: 200,
      learning_rate: 0.05,
      patience: 3,
      seed: 4,
    });
    // validation labels unrelated to the inputs: validation loss stops improving early
    const noisy = { X: test.X, y: test.y.map((_, i) => ((i * 7919) % 3 === 0 ? 1 : 0)) };
    await model.fit(train.X, train.y, { valid: noisy });
    const h = model.history();
    expect(h.length).toBeLessThan(200);
    const losses = h.map((e) => e.valid_loss!);
    const best = losses.indexOf(Math.min(...losses)) + 1;
    expect(model.bestIteration).toBe(best);
    expect(h.length).toBe(best + 3);
  });

  it('is deterministic for a seed, dropout included', async () => {
    const fit = async (seed: number): Promise<number[]> => {
      const m = new MlpClassifier({ hidden_units: [8, 4], dropout: 0.2, epochs: 4, batch_size: 64, seed });
      await m.fit(train.X, train.y);
      return (m.toJSON().layers as { weights: number[] }[]).flatMap((l) => l.weights);
    };
    const a = await fit(21);
    expect(await fit(21)).toEqual(a);
    expect(await fit(22)).not.toEqual(a);
    // concurrent fits in one process interleave on the backend but do not disturb each other
    const [c, d] = await Promise.all([fit(21), fit(22)]);
    expect(c).toEqual(a);
    expect(d).toEqual(await fit(22));
  });

  it('round-trips through JSON with identical predictions and validates shapes', async () => {
    const model = new MlpClassifier({ hidden_units: [6], epochs: 3, seed: 2 });
    await model.fit(train.X, train.y);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.kind).toBe('mlp');
    expect(json.format_version).toBe(1);
    const loaded = MlpClassifier.fromJSON(json);
    expect(Array.from(loaded.predictProba(test.X))).toEqual(Array.from(model.predictProba(test.X)));
    const broken = structuredClone(json);
    broken.layers[0].weights.pop();
    expect(() => MlpClassifier.fromJSON(broken)).toThrow(/inconsistent/);
    expect(() => MlpClassifier.fromJSON({ ...json, params: { ...json.params, hidden_units: [5] } })).toThrow(
      /expected/,
    );
  });

  it('stops with CancelledError when aborted between batches', async () => {
    let checks = 0;
    const signal = {
      get aborted(): boolean {
        return ++checks > 5;
      },
    };
    const model = new MlpClassifier({ hidden_units: [4], epochs: 50, batch_size: 16, seed: 1 });
    const epochs: number[] = [];
    await expect(
      model.fit(train.X, train.y, { signal, onIteration: (e) => epochs.push(e.iteration) }),
    ).rejects.toBeInstanceOf(CancelledError);
    expect(epochs).toEqual([]); // 800 rows / 16 = 50 batches per epoch; cancelled inside the first epoch
  });
});

describe('tfjsModelFromJSON', () => {
  it('dispatches on kind', async () => {
    const m = new MlpClassifier({ hidden_units: [3], epochs: 1, seed: 1 });
    await m.fit(train.X, train.y);
    const loaded = tfjsModelFromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    expect(loaded).toBeInstanceOf(MlpClassifier);
    expect(Array.from(loaded.predictProba(test.X))).toEqual(Array.from(m.predictProba(test.X)));
    expect(() => tfjsModelFromJSON({ kind: 'gbdt', format_version: 1 })).toThrow(/unknown kind 'gbdt'/);
  });
});
