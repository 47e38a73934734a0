import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset';
import { describeDataset, formatSummary, previewRows } from './describe';
import { categoricalColumn, makeTable, numericColumn } from './table';

const ds: Dataset = {
  source: 'hubspot',
  table: makeTable([
    numericColumn('ALEXA_RANK', Float64Array.from([10, NaN, 30, 50])),
    categoricalColumn('INDUSTRY', ['RETAIL', null, 'RETAIL', 'INTERNET']),
  ]),
  y: Uint8Array.from([1, 0, 0, 0]),
  ids: ['a', 'b', 'c', 'd'],
  categorical: ['INDUSTRY'],
  warnings: ['something odd'],
  fingerprint: 'f'.repeat(64),
  files: ['/x/customers.csv'],
  rawRows: { customers: 1, noncustomers: 3, usage: 9 },
  snapshotDate: '2020-01-01 00:00:00',
  droppedAfterCutoff: 2,
  timings: { load_s: 0, features_s: 0 },
};

describe('describeDataset', () => {
  it('summarises rows, balance and each column', () => {
    const s = describeDataset(ds);
    expect(s).toMatchObject({ rows: 4, positives: 1, negatives: 3, positive_rate: 0.25, dropped_after_cutoff: 2 });
    expect(s.columns.find((c) => c.name === 'ALEXA_RANK')).toEqual({
      name: 'ALEXA_RANK',
      type: 'number',
      missing: 1,
      missing_pct: 25,
      min: 10,
      max: 50,
      mean: 30,
    });
    expect(s.columns.find((c) => c.name === 'INDUSTRY')).toEqual({
      name: 'INDUSTRY',
      type: 'category',
      missing: 1,
      missing_pct: 25,
      distinct: 2,
      top: [
        { value: 'RETAIL', count: 2 },
        { value: 'INTERNET', count: 1 },
      ],
    });
    const text = formatSummary(s);
    expect(text).toContain('class balance 1 positive (25.00 %), 3 negative');
    expect(text).toContain('warning: something odd');
  });

  it('previews the first rows with missing values as null', () => {
    expect(previewRows(ds, 2)).toEqual({
      columns: ['id', 'label', 'ALEXA_RANK', 'INDUSTRY'],
      rows: [
        ['a', 1, 10, 'RETAIL'],
        ['b', 0, null, null],
      ],
      total_rows: 4,
    });
  });
});
