/**
 * Seeded stratified splits: each class is shuffled on its own and cut in the same proportion, so both
 * parts keep the class balance. Same labels + same seed ⇒ the same rows.
 */
import { Rng } from '../util/rng';

function classIndices(y: ArrayLike<number>): [Int32Array, Int32Array] {
  let n1 = 0;
  for (let i = 0; i < y.length; i++) if (y[i]) n1++;
  const pos = new Int32Array(n1);
  const neg = new Int32Array(y.length - n1);
  let a = 0;
  let b = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i]) pos[a++] = i;
    else neg[b++] = i;
  }
  return [neg, pos];
}

/**
 * `testSize` of the rows (rounded per class, at least one of each class that has two or more rows)
 * go to `test`, the rest to `train`. Both index arrays are ascending. `stratify: false` (config
 * `data.stratify`) draws the rows without regard to the class.
 */
export function stratifiedSplit(
  y: ArrayLike<number>,
  testSize: number,
  seed: number,
  stratify = true,
): { train: Int32Array; test: Int32Array } {
  if (!(testSize > 0 && testSize < 1)) throw new Error(`testSize must be in (0, 1), got ${testSize}`);
  const rng = new Rng(seed);
  const inTest = new Uint8Array(y.length);
  let tests = 0;
  const groups = stratify ? classIndices(y) : [Int32Array.from({ length: y.length }, (_, i) => i)];
  for (const idx of groups) {
    const perm = rng.shuffle(idx.slice());
    let nTest = Math.round(perm.length * testSize);
    if (perm.length >= 2) nTest = Math.min(perm.length - 1, Math.max(1, nTest));
    for (let i = 0; i < nTest; i++) inTest[perm[i]] = 1;
    tests += nTest;
  }
  // both parts in ascending row order, collected in one pass instead of sorted
  const train = new Int32Array(y.length - tests);
  const test = new Int32Array(tests);
  for (let i = 0, a = 0, b = 0; i < y.length; i++) {
    if (inTest[i]) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}

/** k stratified folds: every row is in exactly one fold's `valid`; each class is spread evenly. */
export function stratifiedKFold(
  y: ArrayLike<number>,
  k: number,
  seed: number,
): { train: Int32Array; valid: Int32Array }[] {
  if (!(Number.isInteger(k) && k >= 2)) throw new Error(`k must be an integer ≥ 2, got ${k}`);
  if (k > y.length) throw new Error(`k (${k}) is larger than the number of rows (${y.length})`);
  const rng = new Rng(seed);
  const fold = new Int32Array(y.length);
  let offset = 0;
  for (const idx of classIndices(y)) {
    const perm = rng.shuffle(idx.slice());
    // continue the round-robin across classes so fold sizes differ by at most one
    for (let i = 0; i < perm.length; i++) fold[perm[i]] = (offset + i) % k;
    offset = (offset + perm.length) % k;
  }
  const out: { train: Int32Array; valid: Int32Array }[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const valid: number[] = [];
    for (let i = 0; i < y.length; i++) (fold[i] === f ? valid : train).push(i);
    out.push({ train: Int32Array.from(train), valid: Int32Array.from(valid) });
  }
  return out;
}
