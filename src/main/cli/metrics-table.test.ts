import { describe, expect, it } from 'vitest';
import { formatMetricsTable } from './metrics-table';

describe('formatMetricsTable', () => {
  it('puts raw and calibrated side by side, counts as integers and metrics with four decimals', () => {
    const table = formatMetricsTable({
      roc_auc: 0.91512,
      roc_auc_calibrated: 0.91498,
      precision: 1,
      recall: 0,
      rows: 1000,
    });
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^metric\s+raw\s+calibrated$/);
    expect(lines).toContainEqual(expect.stringMatching(/^precision\s+1\.0000$/));
    expect(lines).toContainEqual(expect.stringMatching(/^recall\s+0\.0000$/));
    expect(lines).toContainEqual(expect.stringMatching(/^roc_auc\s+0\.9151\s+0\.9150$/));
    expect(lines).toContainEqual(expect.stringMatching(/^rows\s+1000$/));
  });
});
