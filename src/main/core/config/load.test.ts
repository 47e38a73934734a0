import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../app/paths';
import { ConfigError, configFromSnapshot, loadConfig, snapshotYaml } from './load';

function tmpProject(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlsys-config-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const BASE = [
  'data:',
  '  data_dir: data',
  '  random_state: 1',
  '  test_size: 0.25',
  'model:',
  '  algorithm: gbdt',
  '  hyperparameters:',
  '    max_depth: 3',
  '    n_estimators: 50',
  'tracking:',
  '  experiment_name: base',
  '',
].join('\n');
const EXP = [
  'extends: ../base.yaml',
  'data:',
  '  random_state: 2',
  'model:',
  '  hyperparameters:',
  '    max_depth: 5',
  '',
].join('\n');

async function loadError(p: Promise<unknown>): Promise<ConfigError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ConfigError);
  return e as ConfigError;
}

describe('loadConfig override layers', () => {
  const dir = tmpProject({ 'base.yaml': BASE, 'experiments/exp.yaml': EXP });
  const exp = path.join(dir, 'experiments/exp.yaml');

  it('layer 1: the base file, with defaults for everything else', async () => {
    const r = await loadConfig(path.join(dir, 'base.yaml'), { env: {} });
    expect(r.config.data.random_state).toBe(1);
    expect(r.config.data.calibration_size).toBe(0.1);
    expect(r.files).toEqual([path.join(dir, 'base.yaml')]);
  });

  it('layer 2: the experiment overlays its base (extends), keeping what it does not set', async () => {
    const r = await loadConfig(exp, { env: {} });
    expect(r.files).toEqual([path.join(dir, 'base.yaml'), exp]);
    expect(r.config.data.random_state).toBe(2);
    expect(r.config.data.test_size).toBe(0.25);
    expect(r.config.model.algorithm).toBe('gbdt');
    if (r.config.model.algorithm !== 'gbdt') return;
    expect(r.config.model.hyperparameters.max_depth).toBe(5);
    expect(r.config.model.hyperparameters.n_estimators).toBe(50);
    expect(r.config.tracking.experiment_name).toBe('base');
  });

  it('layer 3: MLSYS_* environment variables beat the files', async () => {
    const r = await loadConfig(exp, {
      env: {
        MLSYS_DATA__RANDOM_STATE: '7',
        MLSYS_MODEL__HYPERPARAMETERS__MAX_DEPTH: '9',
        MLSYS_FEATURES__USAGE__WINDOWS: '[14, 56]',
        MLSYS_HOME_IS_NOT_CONFIG: 'x',
        MLSYS_DEBUG: '1',
      },
    });
    expect(r.config.data.random_state).toBe(7);
    expect(r.config.features.usage.windows).toEqual([14, 56]);
    if (r.config.model.algorithm === 'gbdt') expect(r.config.model.hyperparameters.max_depth).toBe(9);
  });

  it('layer 4: CLI flags beat the environment', async () => {
    const r = await loadConfig(exp, {
      env: { MLSYS_DATA__RANDOM_STATE: '7', MLSYS_SERVING__PORT: '9000' },
      cwd: '/somewhere',
      overrides: {
        randomState: 11,
        dataDir: 'mydata',
        registryPath: '/abs/registry',
        calibrationSize: 0.3,
        set: ['serving.port=9100', 'model.hyperparameters.learning_rate=0.2', 'tracking.tags.team=growth'],
      },
    });
    expect(r.config.data.random_state).toBe(11);
    expect(r.config.data.data_dir).toBe('/somewhere/mydata');
    expect(r.config.data.calibration_size).toBe(0.3);
    expect(r.config.serving.model_registry_path).toBe('/abs/registry');
    expect(r.config.serving.port).toBe(9100);
    expect(r.config.tracking.tags).toEqual({ team: 'growth' });
    if (r.config.model.algorithm === 'gbdt') expect(r.config.model.hyperparameters.learning_rate).toBe(0.2);
  });

  it('MLSYS_HOME moves the default registry and artifacts folders, files still win', async () => {
    const r = await loadConfig(exp, { env: { MLSYS_HOME: '/tmp/mlsys-home' } });
    expect(r.config.serving.model_registry_path).toBe('/tmp/mlsys-home/registry');
    expect(r.config.artifacts_path).toBe('/tmp/mlsys-home/artifacts');
  });

  it('resolves relative paths in files against the project root (folder with package.json)', async () => {
    const proj = tmpProject({ 'package.json': '{}', 'config/base.yaml': 'data:\n  data_dir: data\n' });
    const r = await loadConfig(path.join(proj, 'config/base.yaml'), { env: {} });
    expect(r.config.data.data_dir).toBe(path.join(proj, 'data'));
    expect(r.config.serving.model_registry_path).toBe(path.join(proj, '.mlsys/registry'));
    // without a package.json above, the config file's own folder is the root
    const r2 = await loadConfig(exp, { env: {} });
    expect(r2.config.data.data_dir).toBe(path.join(dir, 'data'));
  });

  it('the snapshot reloads to the identical config and hash', async () => {
    const r = await loadConfig(exp, {
      env: { MLSYS_DATA__RANDOM_STATE: '3' },
      overrides: { set: ['tracking.tags.b=1'] },
    });
    const again = configFromSnapshot(r.yaml);
    expect(again).toEqual(r.config);
    expect(snapshotYaml(again)).toBe(r.yaml);
    const snapFile = path.join(dir, 'snapshot.yaml');
    writeFileSync(snapFile, r.yaml);
    const reloaded = await loadConfig(snapFile, { env: {} });
    expect(reloaded.hash).toBe(r.hash);
    expect(reloaded.hash).toMatch(/^[0-9a-f]{64}$/);
    // and any change changes the hash
    const other = await loadConfig(exp, { env: { MLSYS_DATA__RANDOM_STATE: '4' } });
    expect(other.hash).not.toBe(r.hash);
  });

  it('the snapshot has a stable, sorted key order', async () => {
    const r = await loadConfig(exp, { env: {} });
    const top = r.yaml
      .split('\n')
      .filter((l) => /^[a-z_]+:/.test(l))
      .map((l) => l.split(':')[0]);
    expect(top).toEqual([...top].sort());
    expect(top).toEqual(['artifacts_path', 'data', 'features', 'model', 'serving', 'tracking']);
  });
});

describe('loadConfig errors', () => {
  it('names the environment variable that carries a bad value or unknown key', async () => {
    const dir = tmpProject({ 'c.yaml': 'data:\n  test_size: 0.2\n' });
    const e = await loadError(
      loadConfig(path.join(dir, 'c.yaml'), {
        env: { MLSYS_DATA__RANDOM_STATE: 'seven', MLSYS_DATA__TEST_SISE: '0.1' },
      }),
    );
    expect(e.message.split('\n')).toEqual([
      'MLSYS_DATA__RANDOM_STATE (environment) data.random_state: expected an integer ≥ 0 and ≤ 4294967295, got "seven"',
      'MLSYS_DATA__TEST_SISE (environment) data.test_sise: unknown key "test_sise" — did you mean "test_size"?',
    ]);
    expect(e.issues).toHaveLength(2);
  });

  it('names the CLI flag that carries a bad value', async () => {
    const dir = tmpProject({ 'c.yaml': '' });
    const e = await loadError(
      loadConfig(path.join(dir, 'c.yaml'), {
        env: {},
        overrides: { set: ['model.hyperparameters.max_dept=4'] },
      }),
    );
    expect(e.message).toBe(
      '--set model.hyperparameters.max_dept=4 model.hyperparameters.max_dept: unknown key "max_dept" — did you mean "max_depth"?',
    );
    const e2 = await loadError(
      loadConfig(path.join(dir, 'c.yaml'), { env: {}, overrides: { set: ['novalue'] } }),
    );
    expect(e2.message).toMatch(/^--set novalue: expected key\.path=value/);
    const e3 = await loadError(
      loadConfig(path.join(dir, 'c.yaml'), { env: {}, overrides: { calibrationSize: 2 } }),
    );
    expect(e3.message).toBe('--calibration-size data.calibration_size: expected a number ≥ 0 and < 1, got 2');
  });

  it('reports a bad value in the experiment at its own file, line and column', async () => {
    const dir = tmpProject({
      'base.yaml': BASE,
      'experiments/deep.yaml': 'extends: ../base.yaml\nmodel:\n  hyperparameters:\n    max_depth: six\n',
    });
    const e = await loadError(loadConfig(path.join(dir, 'experiments/deep.yaml'), { env: {} }));
    expect(e.issues).toHaveLength(1);
    expect(e.issues[0]).toMatchObject({ line: 4, column: 5, path: 'model.hyperparameters.max_depth' });
    expect(e.issues[0].file.endsWith(path.join('experiments', 'deep.yaml'))).toBe(true);
    expect(e.message).toMatch(
      /deep\.yaml:4:5 model\.hyperparameters\.max_depth: expected an integer ≥ 1, got "six"$/,
    );
  });

  it('reports a missing config file and a missing extends target', async () => {
    const dir = tmpProject({ 'exp.yaml': 'extends: nope.yaml\n' });
    const e = await loadError(loadConfig(path.join(dir, 'missing.yaml'), { env: {} }));
    expect(e.message).toMatch(/missing\.yaml: cannot read config: file not found$/);
    const e2 = await loadError(loadConfig(path.join(dir, 'exp.yaml'), { env: {} }));
    expect(e2.message).toMatch(/exp\.yaml:1:1 extends: cannot read .*nope\.yaml: file not found$/);
  });

  it('reports an extends cycle and YAML syntax errors with their line', async () => {
    const dir = tmpProject({
      'a.yaml': 'extends: b.yaml\n',
      'b.yaml': 'extends: a.yaml\n',
      'bad.yaml': 'data:\n  x: [1\n',
    });
    const e = await loadError(loadConfig(path.join(dir, 'a.yaml'), { env: {} }));
    expect(e.message).toMatch(/b\.yaml:1:1 extends: extends forms a cycle/);
    const e2 = await loadError(loadConfig(path.join(dir, 'bad.yaml'), { env: {} }));
    expect(e2.message).toMatch(/bad\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('bundled configs', () => {
  const root = projectRoot();
  for (const f of [
    'config/base_config.yaml',
    'config/experiments/deep_trees.yaml',
    'config/experiments/logistic_windows.yaml',
    'config/experiments/peer_parity.yaml',
  ]) {
    it(`${f} loads and points at the bundled data`, async () => {
      const r = await loadConfig(path.join(root, f), { env: {} });
      expect(r.config.data.data_dir).toBe(path.join(root, 'data'));
      expect(r.files[0]).toBe(path.join(root, 'config/base_config.yaml'));
    });

    it(`${f}: the config a training job carries is what its snapshot reloads to, key order included`, async () => {
      // `mlsys train` sends the validated config along with the snapshot so the worker skips parsing it
      const r = await loadConfig(path.join(root, f), {
        env: {},
        overrides: { calibrationSize: 0.1, set: ['model.tune.enabled=true'] },
      });
      const sent = structuredClone(r.config);
      const reloaded = configFromSnapshot(r.yaml);
      expect(sent).toStrictEqual(reloaded);
      expect(JSON.stringify(sent)).toBe(JSON.stringify(reloaded));
    });
  }

  it('logistic_windows switches algorithm and drops the gbdt hyperparameters', async () => {
    const r = await loadConfig(path.join(root, 'config/experiments/logistic_windows.yaml'), { env: {} });
    expect(r.config.model.algorithm).toBe('logistic');
    expect(r.config.model.tune.space).toEqual({});
  });
});
