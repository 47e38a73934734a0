import { describe, expect, it } from 'vitest';
import { CancelledError } from '../types';
import { LogisticRegression } from './logistic';
import { rocAuc } from './metrics';
import { linearlySeparable, xor } from './test-data';

const train = linearlySeparable(600, 1);
const test = linearlySeparable(300, 2);

describe('LogisticRegression (tfjs)', () => {
  it('learns a linearly separable problem and reports each epoch', async () => {
    const model = new LogisticRegression({ epochs: 30, batch_size: 64, learning_rate: 0.05, seed: 7 });
    const events: number[] = [];
    await model.fit(train.X, train.y, {
      valid: test,
      onIteration: (e) => {
        expect(e.total).toBe(30);
        expect(Number.isFinite(e.train_loss) && Number.isFinite(e.valid_loss!)).toBe(true);
        events.push(e.iteration);
      },
    });
    expect(events[0]).toBe(1);
    expect(events).toEqual(model.history().map((e) => e.iteration));
    expect(rocAuc(test.y, model.predictProba(test.X))).toBeGreaterThan(0.995);
    const h = model.history();
    expect(h[h.length - 1].train_loss).toBeLessThan(h[0].train_loss);

    // the true coefficients are (2, -1, 0.5, 0): signs and ordering of importance follow
    const coef = model.coefficients();
    expect(coef[0]).toBeGreaterThan(0);
    expect(coef[1]).toBeLessThan(0);
    const imp = model.featureImportance();
    expect(Object.values(imp).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    expect(imp.f0).toBeGreaterThan(imp.f1);
    expect(imp.f1).toBeGreaterThan(imp.f3);
  });

  it('is deterministic for a seed and differs across seeds', async () => {
    const fit = async (seed: number): Promise<number[]> => {
      const m = new LogisticRegression({ epochs: 5, batch_size: 32, seed });
      await m.fit(train.X, train.y);
      return [...m.coefficients(), m.intercept()];
    };
    const a = await fit(11);
    expect(await fit(11)).toEqual(a);
    expect(await fit(12)).not.toEqual(a);
  });

  it('round-trips through JSON with identical predictions', async () => {
    const model = new LogisticRegression({ epochs: 5, seed: 3 });
    await model.fit(train.X, train.y);
    const json = JSON.parse(JSON.stringify(model.toJSON()));
    expect(json.kind).toBe('logistic');
    expect(json.format_version).toBe(1);
    const loaded = LogisticRegression.fromJSON(json);
    expect(Array.from(loaded.predictProba(test.X))).toEqual(Array.from(model.predictProba(test.X)));
    expect(loaded.featureImportance()).toEqual(model.featureImportance());
    expect(() => LogisticRegression.fromJSON({ ...json, kind: 'mlp' })).toThrow();
    expect(() => LogisticRegression.fromJSON({ ...json, format_version: 2 })).toThrow();
    expect(() => LogisticRegression.fromJSON({ ...json, coef: [1] })).toThrow(/coefficients/);
  });

  it('cannot separate XOR (the MLP test relies on this)', async () => {
    const d = xor(600, 5);
    const model = new LogisticRegression({ epochs: 20, seed: 1 });
    await model.fit(d.X, d.y);
    const auc = rocAuc(d.y, model.predictProba(d.X));
    expect(auc).toBeLessThan(0.62);
  });

  it('rejects NaN inputs and bad labels with clear errors', async () => {
    const X = { ...train.X, data: train.X.data.slice() };
    X.data[5] = NaN;
    await expect(new LogisticRegression().fit(X, train.y)).rejects.toThrow(
      /non-finite value .* row 1, column 1/,
    );
    const y = train.y.slice();
    y[3] = 2;
    await expect(new LogisticRegression().fit(train.X, y)).rejects.toThrow(/label 2 at row 3/);
    expect(() => new LogisticRegression().predictProba(train.X)).toThrow(/not fitted/);
    expect(() => new LogisticRegression({ learning_rate: -1 })).toThrow();
  });

  it('stops with CancelledError when the signal is aborted', async () => {
    const signal = { aborted: false };
    const model = new LogisticRegression({ epochs: 50, seed: 1 });
    let seen = 0;
    const run = model.fit(train.X, train.y, {
      signal,
      onIteration: () => {
        seen++;
        if (seen === 2) signal.aborted = true;
      },
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(seen).toBe(2);
  });
});

describe('tensor hygiene', () => {
  it('leaves no tensors behind after fit, also when cancelled', async () => {
    const tf = await (await import('./backend')).loadTf();
    await new LogisticRegression({ epochs: 1 }).fit(train.X, train.y); // warm-up: backend init
    const before = tf.memory().numTensors;
    await new LogisticRegression({ epochs: 3 }).fit(train.X, train.y, { valid: test });
    expect(tf.memory().numTensors).toBe(before);
    const signal = { aborted: false };
    const run = new LogisticRegression({ epochs: 3 }).fit(train.X, train.y, {
      signal,
      onIteration: () => (signal.aborted = true),
    });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });
});
