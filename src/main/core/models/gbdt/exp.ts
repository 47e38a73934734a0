/**
 * exp(x) for x <= 0 from IEEE basic operations only (no Math.exp, whose last bit is engine-specific),
 * so the AssemblyScript copy in assembly/kernels.ts returns bit-identical results: TS and wasm
 * gradient updates, hence models, match exactly. Relative error about 1e-15; 0 below -708.
 */
const ROUND = 1.5 * 2 ** 52;
const INV_LN2 = 1.4426950408889634;
const LN2_HI = 6.9314718036912382e-1;
const LN2_LO = 1.9082149292705877e-10;
const C3 = 1 / 6;
const C4 = 1 / 24;
const C5 = 1 / 120;
const C6 = 1 / 720;
const C7 = 1 / 5040;
const C8 = 1 / 40320;
const C9 = 1 / 362880;
const C10 = 1 / 3628800;
const C11 = 1 / 39916800;
const C12 = 1 / 479001600;

/** POW2[j] = 2^-j exactly. */
const POW2 = new Float64Array(1024);
POW2[0] = 1;
for (let j = 1; j < POW2.length; j++) POW2[j] = POW2[j - 1] * 0.5;

export function expNonPositive(x: number): number {
  if (!(x >= -708)) return 0;
  const k = x * INV_LN2 + ROUND - ROUND;
  const r = x - k * LN2_HI - k * LN2_LO;
  const p =
    1 +
    r *
      (1 +
        r *
          (0.5 +
            r *
              (C3 +
                r *
                  (C4 +
                    r *
                      (C5 + r * (C6 + r * (C7 + r * (C8 + r * (C9 + r * (C10 + r * (C11 + r * C12)))))))))));
  return p * POW2[-k];
}
