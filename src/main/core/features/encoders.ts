/**
 * Fitted per-column state: ordinal categories and numeric statistics. Fitted on the training split
 * only; applied unchanged to test data and to records at scoring time.
 */
import { MISSING_CATEGORY } from '../../../shared/config/constants';

/**
 * Category order: the configured order when every seen value is in it (EMPLOYEE_RANGE's natural size
 * order), else sorted; missing is its own category with the last code when the training data has it.
 */
export function fitCategories(values: (string | null)[], order?: readonly string[]): string[] {
  const seen = new Set<string>();
  let missing = false;
  for (const v of values) {
    if (v === null) missing = true;
    else seen.add(v);
  }
  return categoriesOf(seen, missing, order);
}

/** fitCategories from the distinct values seen and whether a missing value was. */
export function categoriesOf(
  seen: ReadonlySet<string>,
  missing: boolean,
  order?: readonly string[],
): string[] {
  let cats: string[];
  if (order && [...seen].every((v) => order.includes(v))) cats = order.filter((v) => seen.has(v));
  else cats = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (missing || seen.has(MISSING_CATEGORY)) {
    cats = cats.filter((c) => c !== MISSING_CATEGORY);
    cats.push(MISSING_CATEGORY);
  }
  return cats;
}

/** Code lookup: null → the missing category's code (or -1 if unseen in training); unknown → -1. */
export function categoryCoder(categories: readonly string[]): (v: string | null) => number {
  const map = new Map(categories.map((c, i) => [c, i]));
  const missingCode = map.get(MISSING_CATEGORY) ?? -1;
  return (v) => (v === null ? missingCode : (map.get(v) ?? -1));
}

export function median(values: Float64Array): number {
  const v = values.filter((x) => !Number.isNaN(x)).sort();
  if (v.length === 0) return 0;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function mean(values: Float64Array): number {
  let s = 0;
  let n = 0;
  for (const x of values) {
    if (!Number.isNaN(x)) {
      s += x;
      n++;
    }
  }
  return n ? s / n : 0;
}

/** Mean and standard deviation (population) ignoring NaN; a constant column gets std 1. */
export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isNaN(x)) {
      s += x;
      n++;
    }
  }
  const m = n ? s / n : 0;
  let v = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!Number.isNaN(x)) v += (x - m) * (x - m);
  }
  const std = n ? Math.sqrt(v / n) : 0;
  return { mean: m, std: std > 1e-12 ? std : 1 };
}
