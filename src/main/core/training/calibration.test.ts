import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Rng } from '../util/rng';
import { calibratorFromJSON, fitCalibrator, logit } from './calibration';

const PYTHON = '/usr/bin/python3';

/** sklearn reference: isotonic (clip) and Platt sigmoid fitted on the logits, as CalibratedClassifierCV does. */
const SKLEARN_SCRIPT = `
import json, sys
import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.calibration import _sigmoid_calibration
from scipy.special import expit
d = json.load(open(sys.argv[1]))
s = np.array(d['scores'], dtype=np.float64); y = np.array(d['y'], dtype=np.float64)
q = np.array(d['queries'], dtype=np.float64)
iso = IsotonicRegression(out_of_bounds='clip').fit(s, y)
a, b = _sigmoid_calibration(np.array(d['logits'], dtype=np.float64), y)
print(json.dumps({
  'iso_x': iso.X_thresholds_.tolist(), 'iso_y': iso.y_thresholds_.tolist(),
  'iso_pred': iso.predict(q).tolist(),
  'a': float(a), 'b': float(b),
  'sig_pred': expit(-(a * np.array(d['query_logits']) + b)).tolist(),
}))
`;

interface Reference {
  iso_x: number[];
  iso_y: number[];
  iso_pred: number[];
  a: number;
  b: number;
  sig_pred: number[];
}

function sklearn(scores: Float64Array, y: Uint8Array, queries: Float64Array): Reference {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlsys-calib-'));
  try {
    const file = path.join(dir, 'data.json');
    writeFileSync(
      file,
      JSON.stringify({
        scores: Array.from(scores),
        y: Array.from(y),
        logits: Array.from(scores, logit),
        queries: Array.from(queries),
        query_logits: Array.from(queries, logit),
      }),
    );
    const r = spawnSync(PYTHON, ['-c', SKLEARN_SCRIPT, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sklearn reference failed: ${r.stderr}`);
    return JSON.parse(r.stdout) as Reference;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Miscalibrated scores: the true probability is p^2, with many exact ties and a few near-ties. */
function dataset(n: number, seed: number): { scores: Float64Array; y: Uint8Array } {
  const rng = new Rng(seed);
  const scores = new Float64Array(n);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let p = rng.next();
    // exact ties; kept off 0 and 1, whose logits (±34.5) overflow sklearn 1.2's Platt objective to inf
    // so its BFGS stops early (our Newton solver still finds the true optimum there)
    if (i % 5 === 0) p = (Math.round(p * 18) + 1) / 20;
    if (i % 97 === 1) p = 0.5 + Number.EPSILON * (i % 3); // ties within float resolution
    scores[i] = p;
    y[i] = rng.next() < p * p ? 1 : 0;
  }
  return { scores, y };
}

const queries = Float64Array.from([
  -0.5, 0, 1e-9, 0.013, 0.05, 0.1, 0.2501, 0.33, 0.5, 0.61, 0.77, 0.9, 0.999, 1, 1.7,
]);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe.skipIf(!existsSync(PYTHON))('calibration parity with scikit-learn', () => {
  for (const [n, seed] of [
    [40, 1],
    [500, 2],
    [3000, 3],
  ]) {
    it(`isotonic and sigmoid match sklearn (n=${n})`, () => {
      const { scores, y } = dataset(n, seed);
      const ref = sklearn(scores, y, queries);

      const iso = fitCalibrator('isotonic', scores, y);
      const isoJson = iso.toJSON();
      expect(isoJson.kind).toBe('isotonic');
      if (isoJson.kind !== 'isotonic') return;
      expect(isoJson.x_thresholds.length).toBe(ref.iso_x.length);
      expect(maxAbsDiff(isoJson.x_thresholds, ref.iso_x)).toBeLessThan(1e-12);
      expect(maxAbsDiff(isoJson.y_thresholds, ref.iso_y)).toBeLessThan(1e-9);
      expect(maxAbsDiff(iso.applyAll(queries), ref.iso_pred)).toBeLessThan(1e-9);

      const sig = fitCalibrator('sigmoid', scores, y);
      const sigJson = sig.toJSON();
      if (sigJson.kind !== 'sigmoid') throw new Error('expected sigmoid');
      expect(Math.abs(sigJson.a - ref.a)).toBeLessThan(1e-4);
      expect(Math.abs(sigJson.b - ref.b)).toBeLessThan(1e-4);
      expect(maxAbsDiff(sig.applyAll(queries), ref.sig_pred)).toBeLessThan(1e-6);
    });
  }
});

describe('calibration', () => {
  it('isotonic output is monotone, clipped, and fixes a miscalibrated model', () => {
    const { scores, y } = dataset(2000, 9);
    const cal = fitCalibrator('isotonic', scores, y);
    const grid = Float64Array.from({ length: 101 }, (_, i) => i / 100);
    const out = cal.applyAll(grid);
    for (let i = 1; i < out.length; i++) expect(out[i]).toBeGreaterThanOrEqual(out[i - 1]);
    expect(cal.apply(-3)).toBe(cal.apply(0));
    expect(cal.apply(7)).toBe(cal.apply(1));
    expect(cal.apply(NaN)).toBeNaN();
    // the true probability at score 0.5 is 0.25
    expect(Math.abs(cal.apply(0.5) - 0.25)).toBeLessThan(0.08);
  });

  it('sigmoid recovers a known Platt map', () => {
    // labels drawn from P(y=1 | f) = 1 / (1 + exp(-2f + 1)), i.e. A = -2, B = 1 on the logit f
    const rng = new Rng(4);
    const n = 20000;
    const scores = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const f = rng.normal() * 1.5;
      scores[i] = 1 / (1 + Math.exp(-f));
      y[i] = rng.next() < 1 / (1 + Math.exp(-2 * f + 1)) ? 1 : 0;
    }
    const json = fitCalibrator('sigmoid', scores, y).toJSON();
    if (json.kind !== 'sigmoid') throw new Error('expected sigmoid');
    expect(json.a).toBeCloseTo(-2, 1);
    expect(json.b).toBeCloseTo(1, 1);
  });

  it('round-trips through JSON and validates it', () => {
    const { scores, y } = dataset(300, 5);
    for (const kind of ['isotonic', 'sigmoid'] as const) {
      const cal = fitCalibrator(kind, scores, y);
      const loaded = calibratorFromJSON(JSON.parse(JSON.stringify(cal.toJSON())));
      expect(loaded.kind).toBe(kind);
      expect(Array.from(loaded.applyAll(queries))).toEqual(Array.from(cal.applyAll(queries)));
    }
    expect(() => calibratorFromJSON({ kind: 'beta', format_version: 1 })).toThrow(/unknown kind/);
    expect(() => calibratorFromJSON({ kind: 'sigmoid', format_version: 2, a: 1, b: 0 })).toThrow(
      /format_version/,
    );
    expect(() =>
      calibratorFromJSON({
        kind: 'isotonic',
        format_version: 1,
        x_thresholds: [0, 1],
        y_thresholds: [1, 0],
        x_min: 0,
        x_max: 1,
      }),
    ).toThrow(/increasing/);
  });

  it('handles degenerate inputs', () => {
    const one = fitCalibrator('isotonic', Float64Array.of(0.3, 0.3, 0.3), Uint8Array.of(0, 1, 1));
    expect(one.apply(0.9)).toBeCloseTo(2 / 3, 12);
    const allPos = fitCalibrator('sigmoid', Float64Array.of(0.2, 0.6, 0.9), Uint8Array.of(1, 1, 1));
    expect(Number.isFinite(allPos.apply(0.5))).toBe(true);
    expect(() => fitCalibrator('sigmoid', Float64Array.of(1.5), Uint8Array.of(1))).toThrow(/probability/);
    expect(() => fitCalibrator('isotonic', Float64Array.of(0.1, NaN), Uint8Array.of(0, 1))).toThrow(/finite/);
    expect(() => fitCalibrator('isotonic', Float64Array.of(0.1), Uint8Array.of(0, 1))).toThrow(
      /1 scores for 2/,
    );
  });
});
