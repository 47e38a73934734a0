/** Default cap on points per plotted curve. */
export const DEFAULT_MAX_POINTS = 400;

/**
 * Indices of at most `maxPoints` points of a polyline that keep its shape for plotting. Half the
 * budget is spaced evenly along the L1 path length (|dx| + |dy|), which follows every bend of a
 * monotone curve such as ROC; the other half is spaced evenly along x, so a noisy stretch (the
 * saw-tooth of a PR curve at low recall) cannot use up the whole budget. First and last points are
 * always kept; NaN coordinates (single-class curves) count as zero length.
 */
export function downsampleIndices(
  x: Float64Array,
  y: Float64Array,
  maxPoints = DEFAULT_MAX_POINTS,
): number[] {
  const n = x.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  if (maxPoints < 2) throw new RangeError('maxPoints must be at least 2.');
  const keep = new Uint8Array(n);
  keep[0] = 1;
  keep[n - 1] = 1;
  const perMeasure = Math.floor((maxPoints - 2) / 2);
  markEvenly(keep, n, perMeasure, (i) => finiteAbs(x[i] - x[i - 1]) + finiteAbs(y[i] - y[i - 1]));
  markEvenly(keep, n, perMeasure, (i) => finiteAbs(x[i] - x[i - 1]));
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return out;
}

function finiteAbs(d: number): number {
  return Number.isNaN(d) ? 0 : Math.abs(d);
}

/** Marks the first index at which the cumulative step length reaches each of `count` even targets. */
function markEvenly(keep: Uint8Array, n: number, count: number, step: (i: number) => number): void {
  if (count <= 0) return;
  let total = 0;
  for (let i = 1; i < n; i++) total += step(i);
  if (total === 0) return;
  const spacing = total / (count + 1);
  let next = spacing;
  let acc = 0;
  for (let i = 1; i < n && next < total; i++) {
    acc += step(i);
    if (acc >= next) {
      keep[i] = 1;
      while (next <= acc) next += spacing;
    }
  }
}

/** Picks the given indices of a typed array into a plain (JSON-serialisable) array. */
export function pick(a: Float64Array, indices: number[]): number[] {
  return indices.map((i) => a[i]);
}
