import { describe, expect, it } from 'vitest';
import { FrameworkConfigSchema, type FrameworkConfigInput } from '../../../shared/config/schema';
import {
  categoricalColumn,
  codedCategoricalColumn,
  makeTable,
  numericColumn,
  rowRecord,
  takeRows,
  type Column,
  type Table,
} from '../data/table';
import type { DenseMatrix } from '../models/types';
import { FeaturePipeline } from './pipeline';
import { RecordError } from './records';

const features = (f: FrameworkConfigInput['features'] = {}) =>
  FrameworkConfigSchema.parse({ features: f }).features;

const train: Table = makeTable([
  numericColumn('ALEXA_RANK', Float64Array.from([100, NaN, 300, 400, 16000001])),
  categoricalColumn('EMPLOYEE_RANGE', ['2 to 5', '1', null, '51 to 200', '2 to 5']),
  categoricalColumn('INDUSTRY', ['RETAIL', 'INTERNET', 'RETAIL', null, 'ACCOUNTING']),
  numericColumn('usage_rows', Float64Array.from([0, 2, 4, 6, 8])),
]);
const y = Uint8Array.from([0, 1, 0, 1, 0]);
const test: Table = makeTable([
  numericColumn('ALEXA_RANK', Float64Array.from([NaN, 250])),
  categoricalColumn('EMPLOYEE_RANGE', ['10001 or more', null]),
  categoricalColumn('INDUSTRY', ['NEW_INDUSTRY', null]),
  numericColumn('usage_rows', Float64Array.from([1, 100])),
]);

const row = (m: DenseMatrix, r: number) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols));

describe('FeaturePipeline for gbdt (peer encoding)', () => {
  const p = FeaturePipeline.fit(train, y, features(), { forAlgorithm: 'gbdt' });

  it('keeps numerics as they are (NaN = missing) and codes categories in the peer order', () => {
    const m = p.transform(train);
    expect(m.columns).toEqual(['ALEXA_RANK', 'EMPLOYEE_RANGE', 'INDUSTRY', 'usage_rows']);
    // EMPLOYEE_RANGE: natural size order of the seen values, missing last: 1, 2 to 5, 51 to 200, __MISSING__
    // INDUSTRY: sorted, missing last: ACCOUNTING, INTERNET, RETAIL, __MISSING__
    expect(row(m, 0)).toEqual([100, 1, 2, 0]);
    expect(row(m, 1)).toEqual([NaN, 0, 1, 2]);
    expect(row(m, 2)).toEqual([300, 3, 2, 4]);
    expect(row(m, 3)).toEqual([400, 2, 3, 6]);
    expect(row(m, 4)).toEqual([16000001, 1, 0, 8]);
  });

  it('maps unseen categories to -1 and missing to the fitted missing code', () => {
    const m = p.transform(test);
    expect(row(m, 0)).toEqual([NaN, -1, -1, 1]);
    expect(row(m, 1)).toEqual([250, 3, 3, 100]);
  });

  it('reports the ordinal columns and the input signature', () => {
    expect(p.categoricalFeatureIndices()).toEqual([1, 2]);
    expect(p.signature().columns).toEqual([
      { name: 'ALEXA_RANK', type: 'number', nullable: true },
      { name: 'EMPLOYEE_RANGE', type: 'category', categories: ['1', '2 to 5', '51 to 200'], nullable: true },
      {
        name: 'INDUSTRY',
        type: 'category',
        categories: ['ACCOUNTING', 'INTERNET', 'RETAIL'],
        nullable: true,
      },
      { name: 'usage_rows', type: 'number', nullable: true },
    ]);
  });

  it('sorts a column whose values are not all in the configured order', () => {
    const t = makeTable([categoricalColumn('EMPLOYEE_RANGE', ['2 to 5', 'lots', '1'])]);
    const q = FeaturePipeline.fit(t, new Uint8Array(3), features(), { forAlgorithm: 'gbdt' });
    expect(q.signature().columns[0].categories).toEqual(['1', '2 to 5', 'lots']);
  });

  it('imputes with training medians when SMOTE is on (SMOTE cannot take NaN)', () => {
    const q = FeaturePipeline.fit(train, y, features({ smote: { enabled: true } }), { forAlgorithm: 'gbdt' });
    // median of the training ALEXA_RANK values 100, 300, 400, 16000001
    expect(row(q.transform(test), 0)[0]).toBe(350);
  });
});

describe('FeaturePipeline for logistic / mlp', () => {
  it('imputes, one-hot encodes (unseen → all zeros) and standardises with training statistics', () => {
    const p = FeaturePipeline.fit(
      train,
      y,
      features({ categorical: { encoding: 'onehot' }, missing: { numeric: 'median', indicators: true } }),
      { forAlgorithm: 'logistic' },
    );
    expect(p.featureNames()).toEqual([
      'ALEXA_RANK',
      'EMPLOYEE_RANGE=1',
      'EMPLOYEE_RANGE=2 to 5',
      'EMPLOYEE_RANGE=51 to 200',
      'EMPLOYEE_RANGE=__MISSING__',
      'INDUSTRY=ACCOUNTING',
      'INDUSTRY=INTERNET',
      'INDUSTRY=RETAIL',
      'INDUSTRY=__MISSING__',
      'usage_rows',
      'ALEXA_RANK__missing',
    ]);
    expect(p.categoricalFeatureIndices()).toEqual([]);
    const m = p.transform(train);
    // standardised numeric columns: mean 0, std 1 on the training rows
    for (const c of [0, 9]) {
      const v = Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + c]);
      const mu = v.reduce((a, b) => a + b, 0) / v.length;
      const sd = Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / v.length);
      expect(mu).toBeCloseTo(0, 5);
      expect(sd).toBeCloseTo(1, 5);
    }
    expect(row(m, 1).slice(1, 9)).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
    expect(row(m, 1)[10]).toBe(1);
    const t = p.transform(test);
    expect(row(t, 0).slice(1, 9)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]); // both categories unseen
    expect(row(t, 1).slice(1, 9)).toEqual([0, 0, 0, 1, 0, 0, 0, 1]); // both missing
    expect(t.data.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('ordinal encoding for logistic is standardised too', () => {
    const p = FeaturePipeline.fit(train, y, features(), { forAlgorithm: 'mlp' });
    const m = p.transform(train);
    const v = Array.from({ length: m.rows }, (_, r) => m.data[r * m.cols + 1]);
    expect(v.reduce((a, b) => a + b, 0) / v.length).toBeCloseTo(0, 5);
    expect(p.categoricalFeatureIndices()).toEqual([1, 2]);
  });

  it('fits on the rows it is given only', () => {
    const first = takeRows(train, [0, 1, 2]);
    const p = FeaturePipeline.fit(first, y.subarray(0, 3), features(), { forAlgorithm: 'logistic' });
    expect(p.signature().columns[2].categories).toEqual(['INTERNET', 'RETAIL']);
    // ALEXA_RANK median of the three fitting rows (100, NaN, 300) is 200; the row 16000001 is not seen
    const q = FeaturePipeline.fit(first, y.subarray(0, 3), features({ scaling: 'none' }), {
      forAlgorithm: 'logistic',
    });
    expect(row(q.transform(test), 0)[0]).toBe(200);
  });
});

describe('dictionary-coded categorical columns (the HubSpot loaders give them)', () => {
  /** The same table with its categorical columns as codes over a dictionary in another order, with an unused entry. */
  const coded = (t: Table): Table =>
    makeTable(
      t.columns.map((c): Column => {
        if (c.kind !== 'categorical') return c;
        const dictionary = ['UNUSED', ...new Set(c.values.filter((v): v is string => v !== null))].reverse();
        const codes = Int32Array.from(c.values, (v) => (v === null ? 0 : dictionary.indexOf(v) + 1));
        // the pipeline must work from the codes alone
        return Object.defineProperty(codedCategoricalColumn(c.name, codes, dictionary), 'values', {
          get: () => {
            throw new Error(`${c.name} was read as text`);
          },
        });
      }),
    );

  it('read as text on demand, without being turned into text to make a table', () => {
    const c = codedCategoricalColumn('X', Int32Array.from([2, 0, 1, 2]), ['a', 'b']);
    const t = makeTable([c, numericColumn('n', new Float64Array(4))]);
    expect(t.rows).toBe(4);
    expect(c.values).toEqual(['b', null, 'a', 'b']);
    expect(rowRecord(t, 1)).toEqual({ X: null, n: 0 });
  });

  for (const [label, algorithm, f] of [
    ['gbdt (ordinal)', 'gbdt', {}],
    ['logistic (one-hot, standardised)', 'logistic', {}],
    ['logistic (ordinal, standardised)', 'logistic', { categorical: { encoding: 'ordinal' } }],
  ] as const) {
    it(`fit and transform as the same values in text: ${label}`, () => {
      const rows = [4, 0, 2, 3];
      for (const fitRows of [undefined, rows]) {
        const plain = FeaturePipeline.fit(train, y, features(f), { forAlgorithm: algorithm, rows: fitRows });
        const fromCodes = FeaturePipeline.fit(coded(train), y, features(f), {
          forAlgorithm: algorithm,
          rows: fitRows,
        });
        expect(fromCodes.toJSON()).toEqual(plain.toJSON());
        for (const [table, at] of [
          [train, undefined],
          [train, rows],
          [test, undefined],
          [test, [1, 1, 0]],
        ] as const) {
          const a = plain.transform(table, at);
          const b = fromCodes.transform(coded(table), at);
          expect(Array.from(b.data)).toEqual(Array.from(a.data));
        }
      }
    });
  }
});

describe('include / exclude', () => {
  it('selects input columns and rejects unknown names with a suggestion', () => {
    const p = FeaturePipeline.fit(train, y, features({ exclude: ['INDUSTRY'] }), { forAlgorithm: 'gbdt' });
    expect(p.featureNames()).toEqual(['ALEXA_RANK', 'EMPLOYEE_RANGE', 'usage_rows']);
    const q = FeaturePipeline.fit(train, y, features({ include: ['usage_rows', 'ALEXA_RANK'] }), {
      forAlgorithm: 'gbdt',
    });
    expect(q.featureNames()).toEqual(['ALEXA_RANK', 'usage_rows']);
    expect(() =>
      FeaturePipeline.fit(train, y, features({ include: ['usage_row'] }), { forAlgorithm: 'gbdt' }),
    ).toThrow(/features\.include: unknown feature "usage_row" — did you mean "usage_rows"\?/);
  });
});

describe('scoring records', () => {
  for (const algorithm of ['gbdt', 'logistic'] as const) {
    it(`${algorithm}: records transform exactly like the training table (no skew)`, () => {
      const p = FeaturePipeline.fit(train, y, features({ categorical: { encoding: 'onehot' } }), {
        forAlgorithm: algorithm,
      });
      for (const t of [train, test]) {
        const records = Array.from({ length: t.rows }, (_, i) => rowRecord(t, i));
        const a = p.transform(t);
        const b = p.transformRecords(records);
        expect(Array.from(b.data)).toEqual(Array.from(a.data));
      }
    });
  }

  const p = FeaturePipeline.fit(train, y, features(), { forAlgorithm: 'gbdt' });

  it('absent and null fields are missing; extra fields are ignored', () => {
    const m = p.transformRecords([{ INDUSTRY: 'RETAIL', id: 7 }]);
    expect(row(m, 0)).toEqual([NaN, 3, 2, NaN]);
  });

  it('throws RecordError naming the record and field for a wrong type, NaN or Infinity', () => {
    const bad = (records: Record<string, unknown>[]) => {
      try {
        p.transformRecords(records);
      } catch (e) {
        return e as RecordError;
      }
      throw new Error('expected a RecordError');
    };
    const e1 = bad([{ ALEXA_RANK: 1 }, { ALEXA_RANK: 'high' }]);
    expect(e1).toBeInstanceOf(RecordError);
    expect(e1).toMatchObject({ index: 1, field: 'ALEXA_RANK' });
    expect(e1.message).toBe('record 1: ALEXA_RANK: expected a number or null, got the text "high"');
    expect(bad([{ usage_rows: NaN }]).message).toBe(
      'record 0: usage_rows: expected a finite number, got NaN',
    );
    expect(bad([{ usage_rows: Infinity }]).message).toBe(
      'record 0: usage_rows: expected a finite number, got Infinity',
    );
    expect(bad([{ INDUSTRY: ['RETAIL'] }]).message).toBe(
      'record 0: INDUSTRY: expected a category (text) or null, got a list',
    );
    expect(bad([null as unknown as Record<string, unknown>]).field).toBe('(record)');
  });
});

describe('serialisation', () => {
  it('round-trips through JSON to an identical transform', () => {
    for (const algorithm of ['gbdt', 'logistic', 'mlp'] as const) {
      const p = FeaturePipeline.fit(
        train,
        y,
        features({ categorical: { encoding: 'onehot' }, missing: { indicators: true } }),
        { forAlgorithm: algorithm },
      );
      const q = FeaturePipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
      expect(Array.from(q.transform(test).data)).toEqual(Array.from(p.transform(test).data));
      expect(q.signature()).toEqual(p.signature());
      expect(q.toJSON()).toEqual(p.toJSON());
    }
  });

  it('checks the kind tag and format version', () => {
    const doc = FeaturePipeline.fit(train, y, features(), { forAlgorithm: 'gbdt' }).toJSON();
    expect(() => FeaturePipeline.fromJSON({ ...doc, kind: 'gbdt' })).toThrow(/not a feature pipeline/);
    expect(() => FeaturePipeline.fromJSON({ ...doc, format_version: 99 })).toThrow(/format_version 99/);
    expect(() => FeaturePipeline.fromJSON({ ...doc, columns: ['x'] })).toThrow(/do not match/);
  });
});
