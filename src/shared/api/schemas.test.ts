import { describe, expect, it } from 'vitest';
import { API_NAMES, type ApiArgs, type ApiName } from './contract';
import { API_ARG_SCHEMAS, checkArgs, describeFound } from './schemas';

/** Well-formed args for every call, typed against the contract so this table cannot drift either. */
const GOOD: { [N in ApiName]: ApiArgs<N>[] } = {
  'app.info': [{}],
  'configs.list': [{}],
  'configs.read': [{ path: 'base_config.yaml' }, { path: 'experiments/deep.yaml' }],
  'configs.validate': [{ text: '' }, { text: 'extends: base_config.yaml\n', path: 'experiments/x.yaml' }],
  'configs.save': [
    { path: 'experiments/x.yaml', text: 'a: 1\n' },
    { path: 'x.yaml', text: '', overwrite: true },
  ],
  'data.describe': [{}, { configPath: 'base_config.yaml' }, { configText: 'a: 1' }],
  'data.preview': [{ configPath: 'base_config.yaml', limit: 20 }, { limit: 100_000 }, { limit: 1 }],
  'runs.start': [
    {},
    { configPath: 'experiments/deep.yaml', name: 'deep' },
    {
      configText: 'a: 1',
      overrides: {
        set: ['model.seed=4', 'data.path = x=y', 'a.b='],
        tune: true,
        calibrationSize: 0,
        randomState: 0,
      },
    },
    { overrides: { calibrationSize: 0.999, randomState: 4294967295 } },
  ],
  'runs.cancel': [{ run_id: 'r1' }],
  'runs.list': [
    {},
    { limit: 100_000, parent: null },
    { parent: 'r1', offset: 0 },
    {
      experiment: 'upsell',
      status: 'failed',
      filter: [
        { key: 'metrics.roc_auc', op: '>=', value: 0.8 },
        { key: 'params.model.algorithm', op: 'contains', value: 'gb' },
      ],
      sort: { key: 'created_at', dir: 'desc' },
      limit: 1,
      offset: 10,
    },
  ],
  'runs.get': [{ run_id: 'r1' }],
  'runs.diff': [{ a: 'r1', b: 'r2' }],
  'runs.metrics': [{ run_id: 'r1' }],
  'runs.curves': [{ run_id: 'r1' }],
  'registry.versions': [{}, { name: 'upsell' }],
  'registry.champion': [{}, { name: 'upsell' }],
  'registry.promote': [{ version: 1 }, { name: 'upsell', version: 12, reason: '' }],
  'registry.rollback': [{}, { name: 'upsell', reason: 'bad drift' }],
  'registry.history': [{}, { name: 'upsell' }],
  'serving.status': [{}],
  'serving.start': [{}, { port: 0 }, { port: 65535 }],
  'serving.stop': [{}],
  'serving.port': [{ port: 0 }, { port: 8080 }, { port: 65535 }],
  'snapshots.export': [{ run_id: 'r1' }],
};

/** A representative bad arg per call: the field path the message must name and a piece of the expectation. */
const BAD: { [N in ApiName]: { args: unknown; path: string; expect: string }[] } = {
  'app.info': [
    { args: { verbose: true }, path: 'verbose', expect: 'unknown field (this call takes no arguments)' },
  ],
  'configs.list': [{ args: { dir: 'x' }, path: 'dir', expect: 'unknown field' }],
  'configs.read': [
    { args: {}, path: 'path', expect: 'expected a non-empty string, got nothing' },
    { args: { path: 12 }, path: 'path', expect: 'expected a non-empty string, got 12' },
    { args: { path: '' }, path: 'path', expect: 'got an empty string' },
  ],
  'configs.validate': [
    { args: { path: 'x.yaml' }, path: 'text', expect: 'expected a string, got nothing' },
    { args: { text: ['a'] }, path: 'text', expect: 'expected a string, got a list' },
  ],
  'configs.save': [
    {
      args: { path: 'x.yaml', text: 'a', overwrite: 'yes' },
      path: 'overwrite',
      expect: 'expected true or false',
    },
    { args: { text: 'a' }, path: 'path', expect: 'got nothing' },
  ],
  'data.describe': [
    { args: { configPath: 3 }, path: 'configPath', expect: 'expected a non-empty string, got 3' },
    { args: { configtext: 'a' }, path: 'configtext', expect: 'allowed: configPath, configText' },
  ],
  'data.preview': [
    { args: { limit: 0 }, path: 'limit', expect: 'expected an integer ≥ 1 and ≤ 100000, got 0' },
    { args: { limit: 1e300 }, path: 'limit', expect: 'got 1e+300' },
    { args: { limit: 2.5 }, path: 'limit', expect: 'expected an integer' },
  ],
  'runs.start': [
    {
      args: { overrides: { set: ['max_depth'] } },
      path: 'overrides.set[0]',
      expect: 'expected key.path=value',
    },
    { args: { overrides: { set: ['=4'] } }, path: 'overrides.set[0]', expect: 'got "=4"' },
    { args: { overrides: { set: ['a..b=4'] } }, path: 'overrides.set[0]', expect: 'expected key.path=value' },
    { args: { overrides: { set: 'a=1' } }, path: 'overrides.set', expect: 'expected a list' },
    { args: { overrides: { calibrationSize: 1 } }, path: 'overrides.calibrationSize', expect: '< 1, got 1' },
    { args: { overrides: { calibrationSize: -0.1 } }, path: 'overrides.calibrationSize', expect: '≥ 0' },
    { args: { overrides: { randomState: -1 } }, path: 'overrides.randomState', expect: 'got -1' },
    { args: { overrides: { tune: 1 } }, path: 'overrides.tune', expect: 'expected true or false, got 1' },
    { args: { overrides: { seed: 1 } }, path: 'overrides.seed', expect: 'unknown field' },
    { args: { overrides: [] }, path: 'overrides', expect: 'expected an object, got a list' },
    { args: { name: '' }, path: 'name', expect: 'got an empty string' },
  ],
  'runs.cancel': [{ args: { runId: 'r1' }, path: 'run_id', expect: 'got nothing' }],
  'runs.list': [
    { args: { limit: 'lots' }, path: 'limit', expect: 'expected an integer ≥ 1 and ≤ 100000, got "lots"' },
    { args: { limit: 100_001 }, path: 'limit', expect: 'got 100001' },
    { args: { offset: -1 }, path: 'offset', expect: 'expected an integer ≥ 0' },
    { args: { status: 'done' }, path: 'status', expect: 'expected one of queued | running' },
    {
      args: { sort: { key: 'name', dir: 'up' } },
      path: 'sort.dir',
      expect: 'expected one of asc | desc, got "up"',
    },
    { args: { sort: 'name' }, path: 'sort', expect: 'expected an object, got "name"' },
    { args: { filter: [{ key: 'status', op: '~', value: 'x' }] }, path: 'filter[0].op', expect: 'contains' },
    {
      args: { filter: [{ key: 'status', op: '=', value: {} }] },
      path: 'filter[0].value',
      expect: 'got a map',
    },
    { args: { filter: [{ key: '', op: '=', value: 1 }] }, path: 'filter[0].key', expect: 'non-empty' },
    { args: { filter: { key: 'status' } }, path: 'filter', expect: 'expected a list' },
    { args: { parent: 3 }, path: 'parent', expect: 'expected a run id or null, got 3' },
  ],
  'runs.get': [
    { args: {}, path: 'run_id', expect: 'expected a non-empty string, got nothing' },
    { args: { run_id: ['r1'] }, path: 'run_id', expect: 'got a list' },
  ],
  'runs.diff': [{ args: { a: 'r1' }, path: 'b', expect: 'got nothing' }],
  'runs.metrics': [{ args: { run_id: null }, path: 'run_id', expect: 'got null' }],
  'runs.curves': [{ args: { run_id: true }, path: 'run_id', expect: 'got true' }],
  'registry.versions': [
    { args: { name: 5 }, path: 'name', expect: 'expected a non-empty model name, got 5' },
  ],
  'registry.champion': [{ args: { model: 'x' }, path: 'model', expect: 'allowed: name' }],
  'registry.promote': [
    { args: {}, path: 'version', expect: 'expected an integer ≥ 1, got nothing' },
    { args: { version: '3' }, path: 'version', expect: 'got "3"' },
    { args: { version: 0 }, path: 'version', expect: 'got 0' },
    { args: { version: 1, reason: 7 }, path: 'reason', expect: 'expected a string, got 7' },
  ],
  'registry.rollback': [{ args: { version: 1 }, path: 'version', expect: 'allowed: name, reason' }],
  'registry.history': [{ args: { name: '' }, path: 'name', expect: 'got an empty string' }],
  'serving.status': [{ args: { port: 1 }, path: 'port', expect: 'unknown field' }],
  'serving.start': [
    { args: { port: -1 }, path: 'port', expect: 'expected an integer ≥ 0 and ≤ 65535, got -1' },
  ],
  'serving.stop': [{ args: { force: true }, path: 'force', expect: 'unknown field' }],
  'serving.port': [
    { args: {}, path: 'port', expect: 'got nothing' },
    { args: { port: 65536 }, path: 'port', expect: 'got 65536' },
    { args: { port: 80.5 }, path: 'port', expect: 'got 80.5' },
    { args: { port: '8080' }, path: 'port', expect: 'got "8080"' },
  ],
  'snapshots.export': [{ args: { run_id: '' }, path: 'run_id', expect: 'got an empty string' }],
};

describe('API_ARG_SCHEMAS', () => {
  it('has exactly one schema per API name', () => {
    expect(Object.keys(API_ARG_SCHEMAS).sort()).toEqual([...API_NAMES].sort());
  });

  it.each(API_NAMES)('%s accepts well-formed args unchanged', (name) => {
    for (const args of GOOD[name]) {
      expect(checkArgs(name, args)).toEqual({ ok: true, args });
    }
  });

  it.each(API_NAMES)('%s rejects a bad arg and names the field', (name) => {
    for (const bad of BAD[name]) {
      const r = checkArgs(name, bad.args);
      expect(r.ok, JSON.stringify(bad.args)).toBe(false);
      if (r.ok) continue;
      expect(r.message).toContain(`${name}: ${bad.path}: `);
      expect(r.message).toContain(bad.expect);
      expect(r.issues.map((i) => i.path)).toContain(bad.path);
    }
  });

  it.each(API_NAMES)('%s rejects null, lists, strings and unknown keys as args', (name) => {
    for (const [args, found] of [
      [null, 'null'],
      [[], 'a list'],
      ['{}', '"{}"'],
      [42, '42'],
    ] as const) {
      const r = checkArgs(name, args);
      expect(r).toMatchObject({ ok: false, message: `${name}: args: expected an object, got ${found}` });
    }
    const extra = checkArgs(name, { ...GOOD[name][0], __proto__x: 1 });
    expect(extra).toMatchObject({ ok: false, issues: [{ path: '__proto__x' }] });
  });
});

describe('checkArgs', () => {
  it('treats missing args as {}', () => {
    expect(checkArgs('app.info', undefined)).toEqual({ ok: true, args: {} });
    expect(checkArgs('runs.list', undefined)).toEqual({ ok: true, args: {} });
    expect(checkArgs('runs.get', undefined)).toMatchObject({
      ok: false,
      message: 'runs.get: run_id: expected a non-empty string, got nothing',
    });
  });

  it('reports every problem once, joined with "; "', () => {
    const r = checkArgs('runs.list', { limit: 1e300, sort: { key: 'x', dir: 'up' }, colour: 'red' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map((i) => i.path).sort()).toEqual(['colour', 'limit', 'sort.dir']);
    expect(r.message.split('; ')).toHaveLength(3);
    expect(r.message).toMatch(/^runs\.list: /);
  });

  it('lists each unknown key as its own issue', () => {
    const r = checkArgs('runs.get', { run_id: 'r1', x: 1, y: 2 });
    expect(r).toMatchObject({
      ok: false,
      message: 'runs.get: x: unknown field (allowed: run_id); y: unknown field (allowed: run_id)',
    });
  });

  it('keeps messages short when the bad value is huge', () => {
    const r = checkArgs('configs.read', { path: 7, extra: 'x'.repeat(1_000_000) });
    expect(r.ok).toBe(false);
    const long = checkArgs('runs.list', { status: 'y'.repeat(1_000_000) });
    expect(long.ok).toBe(false);
    if (!long.ok) expect(long.message.length).toBeLessThan(300);
  });
});

describe('describeFound', () => {
  it('says what a value is in a few words', () => {
    expect(describeFound(undefined)).toBe('nothing');
    expect(describeFound(null)).toBe('null');
    expect(describeFound('')).toBe('an empty string');
    expect(describeFound('abc')).toBe('"abc"');
    expect(describeFound('a'.repeat(50))).toBe(`"${'a'.repeat(40)}…"`);
    expect(describeFound(1.5)).toBe('1.5');
    expect(describeFound(false)).toBe('false');
    expect(describeFound([1])).toBe('a list');
    expect(describeFound({ a: 1 })).toBe('a map');
  });
});
