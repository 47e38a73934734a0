import { describe, expect, it } from 'vitest';
import { expNonPositiveF32 } from './exp';

describe('expNonPositiveF32', () => {
  it('agrees with Math.exp to float32 precision over [-87, 0], returns float32 values, and is 0 below', () => {
    let worst = 0;
    for (let i = 0; i <= 20000; i++) {
      const x = Math.fround(-i * 0.00435);
      const v = expNonPositiveF32(x);
      expect(Math.fround(v)).toBe(v);
      worst = Math.max(worst, Math.abs(v - Math.exp(x)) / Math.exp(x));
    }
    expect(worst).toBeLessThan(4e-7);
    expect(expNonPositiveF32(0)).toBe(1);
    expect(expNonPositiveF32(-88)).toBe(0);
  });
});
