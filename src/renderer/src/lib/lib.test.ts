import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Text } from '@codemirror/state';
import type { RunSummary } from '../../../shared/api';
import { issuesToDiagnostics } from '../cells/diagnostics';
import { liveSeries } from '../cells/live-curves';
import { changedPaths, diffConfigs } from './config-diff';
import { confusionAt, rates } from './confusion';
import { baseMetricNames, bestIndex, formatDelta, formatMetric, lowerIsBetter } from './metrics';
import { parcoordsDimensions } from './parcoords';
import { availableKeys, compareRuns, compileFilter, parseFilter } from './run-filter';
import { recordFromForm } from './score';
import { reliabilityWithRaw, rocTraces } from '../charts/curves';

const run = (over: Partial<RunSummary>): RunSummary => ({
  run_id: 'r1',
  name: 'a',
  experiment: 'base',
  status: 'succeeded',
  created_at: '2026-01-01T00:00:00Z',
  started_at: null,
  finished_at: null,
  duration_s: null,
  parent_run_id: null,
  algorithm: 'gbdt',
  config_hash: 'h',
  params: {},
  metrics: {},
  tags: {},
  model_version: null,
  is_champion: false,
  ...over,
});

describe('config diff', () => {
  const a = 'model:\n  algorithm: gbdt\n  max_depth: 6\n  lr: 0.1\ndata:\n  path: x\nlist: [1, 2]\n';
  const b =
    'model:\n  algorithm: gbdt\n  max_depth: 8\n  lr: 0.1\ndata:\n  path: x\n  extra: true\nlist: [1, 3]\n';

  it('finds only the changed leaves, including keys present on one side', () => {
    expect(changedPaths([parse(a), parse(b)]).map((p) => p.join('.'))).toEqual([
      'model.max_depth',
      'data.extra',
      'list',
    ]);
  });

  it('renders the changed keys as nested YAML per config, not flattened strings', () => {
    const d = diffConfigs([a, b]);
    expect(d.paths).toEqual(['model.max_depth', 'data.extra', 'list']);
    expect(parse(d.yaml[0])).toEqual({ model: { max_depth: 6 }, data: { extra: null }, list: [1, 2] });
    expect(parse(d.yaml[1])).toEqual({ model: { max_depth: 8 }, data: { extra: true }, list: [1, 3] });
    expect(d.yaml[1]).toContain('model:\n  max_depth: 8');
  });

  it('reports identical configs as no change', () => {
    expect(diffConfigs([a, a])).toEqual({ paths: [], yaml: ['', ''] });
  });
});

describe('run filter', () => {
  const runs = [
    run({
      run_id: 'r1',
      name: 'alpha',
      metrics: { roc_auc: 0.8 },
      params: { 'model.algorithm': 'gbdt', 'model.max_depth': 6 },
    }),
    run({
      run_id: 'r2',
      name: 'beta',
      metrics: { roc_auc: 0.9 },
      params: { 'model.algorithm': 'mlp', 'model.max_depth': 10 },
      status: 'failed',
    }),
    run({
      run_id: 'r3',
      name: 'gamma',
      metrics: {},
      params: { 'model.algorithm': 'gbdt', 'model.max_depth': 8 },
    }),
  ];
  const ids = (f: string, search = '') => {
    const p = parseFilter(f);
    if (!p.ok) throw new Error(p.error);
    return runs.filter(compileFilter(p.clauses, search)).map((r) => r.run_id);
  };

  it('parses clauses joined by and / comma, with quoted values', () => {
    expect(parseFilter('metrics.roc_auc >= 0.8 and params.model.algorithm = "gbdt"')).toEqual({
      ok: true,
      clauses: [
        { key: 'metrics.roc_auc', op: '>=', value: '0.8' },
        { key: 'params.model.algorithm', op: '=', value: 'gbdt' },
      ],
    });
    expect(parseFilter('roc_auc')).toMatchObject({ ok: false });
  });

  it('compares numbers numerically (10 > 8, not as text) and text case-insensitively', () => {
    expect(ids('params.model.max_depth > 8')).toEqual(['r2']);
    expect(ids('params.model.algorithm = GBDT')).toEqual(['r1', 'r3']);
    expect(ids('metrics.roc_auc > 0.5, params.model.algorithm != mlp')).toEqual(['r1']);
    expect(ids('name ~ mm')).toEqual(['r3']);
    expect(ids('status = failed')).toEqual(['r2']);
  });

  it('never matches a missing value with an ordering operator', () => {
    expect(ids('metrics.roc_auc < 1')).toEqual(['r1', 'r2']);
  });

  it('combines the free-text search with the clauses', () => {
    expect(ids('', 'BET')).toEqual(['r2']);
    expect(ids('params.model.algorithm = gbdt', 'r3')).toEqual(['r3']);
  });

  it('sorts with missing values last in both directions', () => {
    expect([...runs].sort(compareRuns('metrics.roc_auc', 'desc')).map((r) => r.run_id)).toEqual([
      'r2',
      'r1',
      'r3',
    ]);
    expect([...runs].sort(compareRuns('metrics.roc_auc', 'asc')).map((r) => r.run_id)).toEqual([
      'r1',
      'r2',
      'r3',
    ]);
    expect([...runs].sort(compareRuns('name', 'desc')).map((r) => r.name)).toEqual([
      'gamma',
      'beta',
      'alpha',
    ]);
  });

  it('lists every param and metric key', () => {
    expect(availableKeys(runs)).toEqual({
      params: ['model.algorithm', 'model.max_depth'],
      metrics: ['roc_auc'],
    });
  });
});

describe('metrics helpers', () => {
  it('knows the direction of each metric and picks the best', () => {
    expect(lowerIsBetter('log_loss_calibrated')).toBe(true);
    expect(lowerIsBetter('roc_auc')).toBe(false);
    expect(bestIndex('roc_auc', [0.8, 0.9, null])).toBe(1);
    expect(bestIndex('brier', [0.2, 0.1, 0.1])).toBe(1);
    expect(bestIndex('f1', [undefined, null])).toBe(-1);
    expect(bestIndex('rows', [1000, 1000])).toBe(-1);
  });

  it('formats a metric by its name: a perfect precision is 1.0000, a count is an integer', () => {
    expect(formatMetric(1, 'precision')).toBe('1.0000');
    expect(formatMetric(1000, 'rows')).toBe('1000');
    expect(formatMetric(NaN, 'f1')).toBe('—');
    expect(formatMetric(undefined)).toBe('—');
    expect(formatMetric(6)).toBe('6'); // a parameter: no metric name
  });

  it('formats deltas with a sign and groups calibrated twins', () => {
    expect(formatDelta(0.01234)).toBe('+0.0123');
    expect(formatDelta(-0.5)).toBe('−0.5000');
    expect(formatDelta(null)).toBe('—');
    expect(baseMetricNames({ roc_auc: 1, roc_auc_calibrated: 1, zeta: 1, log_loss: 1 })).toEqual([
      'roc_auc',
      'log_loss',
      'zeta',
    ]);
  });
});

describe('confusion at a threshold', () => {
  it('counts p ≥ t as positive', () => {
    const y = [1, 1, 0, 0, 1];
    const p = [0.9, 0.4, 0.6, 0.1, 0.5];
    expect(confusionAt(y, p, 0.5)).toEqual({ tp: 2, fp: 1, tn: 1, fn: 1 });
    expect(confusionAt(y, p, 0)).toEqual({ tp: 3, fp: 2, tn: 0, fn: 0 });
    const r = rates(confusionAt(y, p, 0.5));
    expect(r.precision).toBeCloseTo(2 / 3);
    expect(r.recall).toBeCloseTo(2 / 3);
    expect(rates({ tp: 0, fp: 0, tn: 3, fn: 0 }).precision).toBe(0);
  });
});

describe('editor diagnostics', () => {
  it('underlines the token at the issue position, 1-based line and column', () => {
    const doc = Text.of(['model:', '  algorithm: xgb', '']);
    const [d] = issuesToDiagnostics(doc, [
      { file: 'f', line: 2, column: 14, path: 'model.algorithm', message: 'bad option', formatted: '' },
    ]);
    expect(doc.sliceString(d.from, d.to)).toBe('xgb');
    expect(d.message).toBe('model.algorithm: bad option');
    expect(d.severity).toBe('error');
  });

  it('clamps out-of-range positions and still marks something on an empty line', () => {
    const doc = Text.of(['a: 1', '']);
    const [d] = issuesToDiagnostics(doc, [
      { file: 'f', line: 9, column: 40, path: '', message: 'eof', formatted: '' },
    ]);
    expect(d.from).toBe(doc.length);
    expect(d.to).toBe(doc.length);
    const [e] = issuesToDiagnostics(doc, [
      { file: 'f', line: 1, column: 1, path: '', message: 'x', formatted: '' },
    ]);
    expect(doc.sliceString(e.from, e.to)).toBe('a:');
  });
});

describe('live curves', () => {
  it('uses live points by iteration (latest wins), else the stored history', () => {
    const s = liveSeries(
      [
        { run_id: 'r', stage: 'training', percent: 10, iteration: 2, train_loss: 0.5 },
        { run_id: 'r', stage: 'training', percent: 5, iteration: 1, train_loss: 0.6 },
        { run_id: 'r', stage: 'training', percent: 12, iteration: 2, train_loss: 0.45 },
      ],
      { valid_loss: [{ step: 0, value: 0.7 }] },
    );
    expect(s.train_loss).toEqual({ name: 'train loss', x: [1, 2], y: [0.6, 0.45] });
    expect(s.valid_loss.y).toEqual([0.7]);
    expect(s.valid_auc.x).toEqual([]);
  });
});

describe('parallel coordinates', () => {
  it('keeps varying params only, codes categories, ends with the metric', () => {
    const runs = [
      run({ params: { 'x.a': 1, b: 'x', c: 5, 'p.q.n': 1, 'r.n': 1 }, metrics: { m: 0.7 } }),
      run({ params: { 'x.a': 2, b: 'y', c: 5, 'p.q.n': 2, 'r.n': 3 }, metrics: { m: 0.8 } }),
    ];
    const dims = parcoordsDimensions(runs, 'm');
    expect(dims.map((d) => d.label)).toEqual(['b', 'q.n', 'r.n', 'a', 'm']);
    expect(dims[0]).toEqual({ label: 'b', values: [0, 1], tickvals: [0, 1], ticktext: ['x', 'y'] });
    expect(dims[4].values).toEqual([0.7, 0.8]);
  });
});

describe('small helpers', () => {
  it('types try-it form values by the signature; empty means missing', () => {
    const cols = [
      { name: 'n', type: 'number' as const, nullable: true },
      { name: 'c', type: 'category' as const, nullable: true },
      { name: 'e', type: 'number' as const, nullable: true },
    ];
    expect(recordFromForm(cols, { n: ' 12.5 ', c: 'a', e: '' })).toEqual({ n: 12.5, c: 'a', e: null });
    expect(recordFromForm(cols, { n: 'abc' })).toEqual({ n: 'abc', c: null, e: null });
  });
});

describe('chart traces', () => {
  const evaluation = {
    threshold: 0.5,
    threshold_policy: 'max_f1',
    confusion: { tp: 1, fp: 1, tn: 1, fn: 1 },
    roc: { x: [0, 1], y: [0, 1] },
    pr: { x: [0, 1], y: [1, 0.5] },
    reliability: { mean_predicted: [0.2, 0.8], fraction_positive: [0.25, 0.75], count: [5, 5] },
    reliability_raw: { mean_predicted: [0.1, 0.9], fraction_positive: [0.3, 0.7], count: [5, 5] },
    gains: { group: [1], cumulative_gain: [1], lift: [1] },
    threshold_table: [],
    report_text: '',
    feature_importance: [],
  };

  it('overlays one ROC trace per run plus the chance line', () => {
    const t = rocTraces([
      { name: 'a', evaluation },
      { name: 'b', evaluation },
    ]);
    expect(t.map((x) => x.name)).toEqual(['a', 'b', 'chance']);
  });

  it('shows the uncalibrated reliability next to the calibrated one when present', () => {
    const t = reliabilityWithRaw({ name: 'run', evaluation });
    expect(t.map((x) => x.name)).toEqual(['calibrated', 'uncalibrated', 'perfectly calibrated']);
    expect(t[1].x).toEqual([0.1, 0.9]);
    const { reliability_raw: _r, ...calibratedOnly } = evaluation;
    expect(reliabilityWithRaw({ name: 'run', evaluation: calibratedOnly }).map((x) => x.name)).toEqual([
      'run',
      'perfectly calibrated',
    ]);
  });
});
