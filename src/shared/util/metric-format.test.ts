import { describe, expect, it } from 'vitest';
import { formatMetricNumber, isCountMetric } from './metric-format';

describe('formatMetricNumber', () => {
  it('shows a named metric with four decimals even when it is a whole number', () => {
    expect(formatMetricNumber(1, 'precision')).toBe('1.0000');
    expect(formatMetricNumber(0, 'recall')).toBe('0.0000');
    expect(formatMetricNumber(0.41025641, 'recall')).toBe('0.4103');
    expect(formatMetricNumber(1, 'roc_auc_calibrated')).toBe('1.0000');
  });

  it('shows counts as integers', () => {
    expect(formatMetricNumber(1000, 'rows')).toBe('1000');
    expect(formatMetricNumber(39, 'positives')).toBe('39');
    expect(formatMetricNumber(12, 'n_trials')).toBe('12');
    expect(formatMetricNumber(3, 'leaf_count')).toBe('3');
    expect(isCountMetric('precision_at_10pct')).toBe(false);
  });

  it('large values with one decimal; without a name, integers as integers', () => {
    expect(formatMetricNumber(1234.5678, 'cost')).toBe('1234.6');
    expect(formatMetricNumber(6)).toBe('6');
    expect(formatMetricNumber(0.1)).toBe('0.1000');
  });
});
