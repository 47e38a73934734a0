import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng';
import { auc, loglossFromMargins } from './metrics';

describe('metrics', () => {
  it('AUC equals the pairwise definition, ties counting half', () => {
    const rng = new Rng(5);
    const n = 300;
    const s = new Float64Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.next() < 0.3 ? 1 : 0;
      s[i] = Math.round((rng.normal() + y[i]) * 4) / 4; // coarse: many ties
    }
    let num = 0;
    let den = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (y[i] === 1 && y[j] === 0) {
          den++;
          num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
        }
      }
    }
    expect(auc(s, y)).toBeCloseTo(num / den, 12);
    expect(auc(s, new Uint8Array(n))).toBeNaN();
  });

  it('logloss from margins matches the probability form', () => {
    const m = Float64Array.from([-3, -0.5, 0, 0.7, 4]);
    const y = Uint8Array.from([0, 1, 1, 0, 1]);
    let ref = 0;
    for (let i = 0; i < m.length; i++) {
      const p = 1 / (1 + Math.exp(-m[i]));
      ref -= y[i] ? Math.log(p) : Math.log(1 - p);
    }
    expect(loglossFromMargins(m, y)).toBeCloseTo(ref / m.length, 12);
  });
});
