import { describe, expect, it } from 'vitest';
import { formatIssue, validateConfigText } from './validate';

function problems(text: string, file = 'config/experiments/deep.yaml', options = {}): string[] {
  const r = validateConfigText(text, file, options);
  if (r.ok) return [];
  return r.issues.map(formatIssue);
}

describe('validateConfigText', () => {
  it('accepts an empty document and fills every default', () => {
    const r = validateConfigText('', 'empty.yaml');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.model.algorithm).toBe('gbdt');
    expect(r.config.serving).toMatchObject({ host: '127.0.0.1', port: 8000, prometheus: true });
    expect(r.config.data).toMatchObject({ source: 'hubspot', random_state: 42, test_size: 0.2 });
    expect(r.config.features.smote).toEqual({
      enabled: false,
      kind: 'smotenc',
      k_neighbors: 5,
      sampling_strategy: 1,
    });
    if (r.config.model.algorithm === 'gbdt') expect(r.config.model.hyperparameters.max_depth).toBe(6);
  });

  it('names file, line, column, key path, expectation and what was found', () => {
    const text = [
      '# deep trees',
      'model:',
      '  algorithm: gbdt',
      '  hyperparameters:',
      '    n_estimators: 10',
      '    max_depth: six',
    ].join('\n');
    expect(problems(text)).toEqual([
      'config/experiments/deep.yaml:6:5 model.hyperparameters.max_depth: expected an integer ≥ 1, got "six"',
    ]);
  });

  it('reports range violations with the bound', () => {
    expect(problems('data:\n  test_size: 1.5\n')).toEqual([
      'config/experiments/deep.yaml:2:3 data.test_size: expected a number > 0 and < 1, got 1.5',
    ]);
  });

  it('treats unknown keys as errors with a suggestion', () => {
    expect(problems('data:\n  test_sise: 0.3\n')).toEqual([
      'config/experiments/deep.yaml:2:3 data.test_sise: unknown key "test_sise" — did you mean "test_size"?',
    ]);
    expect(problems('modle:\n  algorithm: gbdt\n')[0]).toBe(
      'config/experiments/deep.yaml:1:1 modle: unknown key "modle" — did you mean "model"?',
    );
  });

  it('lists the allowed keys when nothing is close', () => {
    const [p] = problems('model:\n  algorithm: logistic\n  hyperparameters:\n    max_depth: 3\n');
    expect(p).toContain(
      '4:5 model.hyperparameters.max_depth: unknown key "max_depth" (allowed: learning_rate,',
    );
  });

  it('suggests the closest enum value and algorithm', () => {
    expect(problems('data:\n  source: csvv\n')).toEqual([
      'config/experiments/deep.yaml:2:3 data.source: expected one of hubspot | csv | parquet, got "csvv" — did you mean "csv"?',
    ]);
    expect(problems('model:\n  algorithm: mpl\n')).toEqual([
      'config/experiments/deep.yaml:2:3 model.algorithm: expected one of gbdt | logistic | mlp, got "mpl" — did you mean "mlp"?',
    ]);
  });

  it('points YAML syntax errors at their line', () => {
    const ps = problems('data:\n  source: hubspot\n  test_size: [0.2\n');
    expect(ps.length).toBeGreaterThan(0);
    expect(ps[0]).toMatch(/^config\/experiments\/deep\.yaml:\d+:\d+: invalid YAML: /);
    expect(Number(ps[0].split(':')[1])).toBeGreaterThanOrEqual(3);
    expect(problems('data:\n  source: csv\n  source: hubspot\n')[0]).toMatch(
      /deep\.yaml:3:3: invalid YAML: .*unique/,
    );
  });

  it('rejects a document that is not a map', () => {
    expect(problems('- a\n- b\n')[0]).toMatch(/deep\.yaml:1:1: expected a map of config sections/);
  });

  it('reports every problem, not only the first', () => {
    const ps = problems('data:\n  random_state: -1\nserving:\n  port: 99999\n  prometheus: "yes"\n');
    expect(ps).toEqual([
      'config/experiments/deep.yaml:2:3 data.random_state: expected an integer ≥ 0 and ≤ 4294967295, got -1',
      'config/experiments/deep.yaml:4:3 serving.port: expected an integer ≥ 0 and ≤ 65535, got 99999',
      'config/experiments/deep.yaml:5:3 serving.prometheus: expected true or false, got "yes"',
    ]);
  });

  it('validates tuning search spaces against the algorithm', () => {
    const ps = problems(
      'model:\n  tune:\n    space:\n      max_dept: {type: int, low: 2, high: 8}\n      learning_rate: {type: log_float, low: 0, high: 0.3}\n',
    );
    expect(ps).toContain(
      'config/experiments/deep.yaml:4:7 model.tune.space.max_dept: unknown key "max_dept" — did you mean "max_depth"?',
    );
    expect(ps).toContain(
      'config/experiments/deep.yaml:5:40 model.tune.space.learning_rate.low: expected low > 0 for a log_float parameter, got 0',
    );
  });

  it('validates the merged extends chain and maps each problem to its file', () => {
    const base = 'model:\n  algorithm: gbdt\n  hyperparameters:\n    max_depth: 0\n';
    const exp = 'extends: ../base.yaml\nmodel:\n  hyperparameters:\n    n_estimators: many\n';
    const ps = problems(exp, 'config/experiments/deep.yaml', {
      resolveExtends: (ref: string, from: string) =>
        ref === '../base.yaml' && from === 'config/experiments/deep.yaml'
          ? { text: base, fileName: 'config/base.yaml' }
          : undefined,
    });
    expect(ps).toEqual([
      'config/base.yaml:4:5 model.hyperparameters.max_depth: expected an integer ≥ 1, got 0',
      'config/experiments/deep.yaml:4:5 model.hyperparameters.n_estimators: expected an integer ≥ 1 and ≤ 100000, got "many"',
    ]);
  });

  it('drops the base hyperparameters when an overlay switches algorithm', () => {
    const base = 'model:\n  algorithm: gbdt\n  hyperparameters:\n    max_depth: 3\n';
    const r = validateConfigText('extends: base.yaml\nmodel:\n  algorithm: mlp\n', 'exp.yaml', {
      resolveExtends: () => ({ text: base, fileName: 'base.yaml' }),
    });
    expect(r.ok).toBe(true);
    if (r.ok && r.config.model.algorithm === 'mlp')
      expect(r.config.model.hyperparameters.hidden_units).toEqual([64, 32]);
  });

  it('detects an extends cycle', () => {
    const ps = problems('extends: a.yaml\n', 'a.yaml', {
      resolveExtends: () => ({ text: 'extends: a.yaml\n', fileName: 'a.yaml' }),
    });
    expect(ps[0]).toMatch(/a\.yaml:1:1 extends: extends forms a cycle/);
  });
});
