/**
 * exp(x) for x <= 0 in float32 from IEEE basic operations only (each rounded with Math.fround; no
 * Math.exp, whose last bit is engine-specific), so the AssemblyScript copy in assembly/kernels.ts
 * returns bit-identical results: TS and wasm gradient updates, hence models, match exactly. Relative
 * error about 2e-7 (float32 precision, as XGBoost's gradients); 0 below -87.
 */
const f = Math.fround;
const R32 = f(12582912);
const INV_LN2 = f(1.4426950408889634);
const LN2_HI = f(0.693145751953125);
const LN2_LO = f(1.428606765330187e-6);
const C3 = f(1 / 6);
const C4 = f(1 / 24);
const C5 = f(1 / 120);
const C6 = f(1 / 720);

/** POW2[j] = 2^-j exactly (j <= 126 here). */
const POW2 = new Float64Array(150);
POW2[0] = 1;
for (let j = 1; j < POW2.length; j++) POW2[j] = POW2[j - 1] * 0.5;

/** `x` must be a float32 value (Math.fround'ed). */
export function expNonPositiveF32(x: number): number {
  if (!(x >= -87)) return 0;
  const k = f(f(f(x * INV_LN2) + R32) - R32);
  const r = f(f(x - f(k * LN2_HI)) - f(k * LN2_LO));
  let p = f(C5 + f(r * C6));
  p = f(C4 + f(r * p));
  p = f(C3 + f(r * p));
  p = f(0.5 + f(r * p));
  p = f(1 + f(r * p));
  p = f(1 + f(r * p));
  return f(p * POW2[-k]);
}
