/**
 * How a metric's value is shown, the same in the CLI's tables and in the app: counts (rows,
 * positives, …) as integers, every other metric with four decimals (one from 100 up), so a
 * precision of exactly 1 reads 1.0000 next to a recall of 0.4103.
 */

/** Metric names that count things. */
const COUNT_METRIC = /^(rows|positives|negatives|support|tp|fp|tn|fn|trials|n_[a-z0-9_]+|[a-z0-9_]+_count)$/;

export function isCountMetric(name: string): boolean {
  return COUNT_METRIC.test(name.replace(/_calibrated$/, ''));
}

/**
 * `v` for display. With a metric `name`, only counts are shown as integers; without one (a
 * parameter, a cost), any integer is.
 */
export function formatMetricNumber(v: number, name?: string): string {
  const asInteger = name === undefined ? Number.isInteger(v) : Number.isInteger(v) && isCountMetric(name);
  if (asInteger) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(4);
}
