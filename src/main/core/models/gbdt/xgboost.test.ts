import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GbdtClassifier } from './classifier';
import { sliceRows, syntheticData } from './synthetic';

// Debian's python3-xgboost (1.7.4) is installed by .ci/run; the python3 first on PATH may not have it.
const PYTHON = '/usr/bin/python3';
const hasXgb = spawnSync(PYTHON, ['-c', 'import xgboost, numpy'], { stdio: 'ignore' }).status === 0;

const SCRIPT = `
import json, sys, numpy as np, xgboost as xgb
d = sys.argv[1]
meta = json.load(open(d + '/meta.json'))
X = np.fromfile(d + '/X.f32', dtype=np.float32).reshape(meta['rows'], meta['cols'])
b = xgb.Booster(model_file=d + '/model.json')
dm = xgb.DMatrix(X, missing=np.nan, feature_names=meta['names'] or None)
print(json.dumps({'p': b.predict(dm).astype(float).tolist(), 'version': xgb.__version__, 'trees': len(b.get_dump())}))
`;

describe('XGBoost JSON export', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gbdt-xgb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    { name: 'depth-wise', params: { n_estimators: 30, max_depth: 5, learning_rate: 0.3 } },
    {
      name: 'leaf-wise with L1, sampling and scale_pos_weight',
      params: {
        n_estimators: 20,
        max_depth: 0,
        max_leaves: 16,
        alpha: 0.5,
        subsample: 0.8,
        scale_pos_weight: 3,
      },
    },
  ];
  for (const c of cases) {
    // skipped only where Debian's xgboost is absent (CI installs it)
    it.skipIf(!hasXgb)(`loads in XGBoost 1.7 and predicts the same probabilities (${c.name})`, async () => {
      const data = syntheticData(3000, 8, 21, 0.15);
      const train = sliceRows(data, 0, 2000);
      const test = sliceRows(data, 2000, 3000);
      const m = new GbdtClassifier(c.params);
      await m.fit(train.X, train.y);
      const sub = path.join(dir, c.name.replace(/\W+/g, '_'));
      rmSync(sub, { recursive: true, force: true });
      spawnSync('mkdir', ['-p', sub]);
      writeFileSync(path.join(sub, 'model.json'), m.toXGBoostJSONString());
      writeFileSync(
        path.join(sub, 'X.f32'),
        Buffer.from(test.X.data.buffer, test.X.data.byteOffset, test.X.data.byteLength),
      );
      const names = (m.toXGBoostJSON() as { learner: { feature_names: string[] } }).learner.feature_names;
      writeFileSync(
        path.join(sub, 'meta.json'),
        JSON.stringify({ rows: test.X.rows, cols: test.X.cols, names }),
      );
      const r = spawnSync(PYTHON, ['-c', SCRIPT, sub], { encoding: 'utf8' });
      expect(r.stderr).not.toMatch(/Error/);
      const out = JSON.parse(r.stdout) as { p: number[]; version: string; trees: number };
      expect(out.version).toBe('1.7.4');
      expect(out.trees).toBe(m.treeCount);
      const ours = m.predictProba(test.X);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - out.p[i]));
      expect(worst).toBeLessThan(1e-6);
    });
  }
});
