import { formatMetricNumber } from '../../../shared/util/metric-format';

/** Metrics where a smaller value is better; everything else is "higher is better". */
const LOWER_IS_BETTER = /(loss|brier|ece|error|rmse|mae|cost)/i;

export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric);
}

/** Index of the best value (ties: the first), or -1 when there is none or all values are equal. */
export function bestIndex(metric: string, values: (number | null | undefined)[]): number {
  let best = -1;
  const lower = lowerIsBetter(metric);
  values.forEach((v, i) => {
    if (v === null || v === undefined || Number.isNaN(v)) return;
    const b = best < 0 ? undefined : values[best]!;
    if (b === undefined || (lower ? v < b : v > b)) best = i;
  });
  const present = values.filter((v) => v !== null && v !== undefined && !Number.isNaN(v));
  if (present.length > 1 && present.every((v) => v === present[0])) return -1;
  return best;
}

/** A metric's value (`name`: the metric, so that only counts show as integers; see formatMetricNumber). */
export function formatMetric(v: number | null | undefined, name?: string): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  return formatMetricNumber(v, name);
}

export function formatDelta(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (v === 0) return '±0';
  return `${v > 0 ? '+' : '−'}${Math.abs(v).toFixed(4)}`;
}

/** Raw metric name → its calibrated twin, e.g. `roc_auc` → `roc_auc_calibrated`. */
export function calibratedName(metric: string): string {
  return `${metric}_calibrated`;
}

/** Base metric names (without the `_calibrated` suffix), preferred ones first. */
export function baseMetricNames(metrics: Record<string, number>): string[] {
  const preferred = ['roc_auc', 'pr_auc', 'log_loss', 'brier', 'f1', 'precision', 'recall', 'accuracy'];
  const names = new Set(Object.keys(metrics).map((m) => m.replace(/_calibrated$/, '')));
  return [
    ...preferred.filter((p) => names.has(p)),
    ...[...names].filter((n) => !preferred.includes(n)).sort(),
  ];
}
