import { describe, expect, it } from 'vitest';
import { expNonPositive } from './exp';

describe('expNonPositive', () => {
  it('agrees with Math.exp to about 1e-15 relative over [-708, 0] and is 0 below', () => {
    let worst = 0;
    for (let i = 0; i <= 20000; i++) {
      const x = -i * 0.0354;
      worst = Math.max(worst, Math.abs(expNonPositive(x) - Math.exp(x)) / Math.exp(x));
    }
    expect(worst).toBeLessThan(2e-15);
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-1000)).toBe(0);
  });
});
