/**
 * Loads a config the way every entry point does: base YAML ← experiment YAML (`extends:`) ←
 * MLSYS_* environment variables ← CLI flags. The resolved config is returned with its snapshot
 * (stable YAML) and the snapshot's sha256.
 *
 * Relative paths (data.data_dir, serving.model_registry_path, artifacts_path) are resolved against
 * the project root of the file that set them: the nearest folder above that file holding a
 * package.json, else the file's own folder. Defaults resolve against the root of the loaded file.
 * Paths from environment variables and CLI flags resolve against the current working directory.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify } from 'yaml';
import { ConfigError } from '../../../shared/config/errors';
import {
  getIn,
  isPlainObject,
  locateIssue,
  parseYamlLayer,
  valueLayer,
  type ConfigIssue,
  type ConfigLayer,
} from '../../../shared/config/layers';
import { FrameworkConfigSchema, PATH_KEYS, type FrameworkConfig } from '../../../shared/config/schema';
import { validateLayers } from '../../../shared/config/validate';

export { ConfigError };

export interface ConfigOverrides {
  dataDir?: string;
  registryPath?: string;
  randomState?: number;
  calibrationSize?: number;
  /** `key.path=value`, value parsed as YAML (so `7` is a number, `[7, 28]` a list). */
  set?: string[];
}

export interface LoadConfigOptions {
  env?: NodeJS.ProcessEnv;
  overrides?: ConfigOverrides;
  /** Base for relative paths given in env / flags; default process.cwd(). */
  cwd?: string;
}

export interface ResolvedConfig {
  config: FrameworkConfig;
  /** The resolved config as YAML with sorted keys: loading it reproduces the run. */
  yaml: string;
  /** sha256 (hex) of `yaml`. */
  hash: string;
  /** Absolute paths of the YAML files that were merged, base first. */
  files: string[];
}

const TOP_LEVEL_KEYS = Object.keys(FrameworkConfigSchema.shape);
const ENV_PREFIX = 'MLSYS_';

/** The project root for a file: nearest ancestor with a package.json, else the file's folder. */
export function configRoot(file: string): string {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return path.dirname(path.resolve(file));
    dir = parent;
  }
}

function parseScalar(text: string): unknown {
  try {
    return parseYaml(text);
  } catch {
    return text;
  }
}

function readChain(file: string): { layers: ConfigLayer[]; files: string[] } {
  const layers: ConfigLayer[] = [];
  const files: string[] = [];
  let current = path.resolve(file);
  let from: { layer: ConfigLayer } | undefined;
  for (;;) {
    if (files.includes(current)) {
      throw new ConfigError([
        { ...locateIssue([from!.layer], ['extends']), message: `extends forms a cycle through ${current}` },
      ]);
    }
    let text: string;
    try {
      text = readFileSync(current, 'utf8');
    } catch (err) {
      const reason =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
      const issue: ConfigIssue = from
        ? { ...locateIssue([from.layer], ['extends']), message: `cannot read ${current}: ${reason}` }
        : { file: current, line: 0, column: 0, path: '', message: `cannot read config: ${reason}` };
      throw new ConfigError([issue]);
    }
    const display = path.relative(process.cwd(), current) || current;
    const parsed = parseYamlLayer(text, display.startsWith('..') ? current : display);
    if (!parsed.layer) throw new ConfigError(parsed.issues);
    const layer = { ...parsed.layer, absFile: current } as ConfigLayer & { absFile: string };
    layers.unshift(layer);
    files.unshift(current);
    const ref = parsed.layer.value.extends;
    if (typeof ref !== 'string') break;
    from = { layer };
    current = path.resolve(path.dirname(current), ref);
  }
  return { layers, files };
}

/** One layer per MLSYS_<SECTION>__<KEY>… variable; MLSYS_HOME and other non-config names are ignored. */
export function envLayers(env: NodeJS.ProcessEnv, cwd: string): ConfigLayer[] {
  const out: ConfigLayer[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX)) continue;
    const segs = name.slice(ENV_PREFIX.length).toLowerCase().split('__');
    if (!TOP_LEVEL_KEYS.includes(segs[0])) continue;
    let value = parseScalar(env[name] ?? '');
    if ((PATH_KEYS as readonly string[]).includes(segs.join('.')) && typeof value === 'string') {
      value = path.resolve(cwd, value);
    }
    out.push(valueLayer(`${name} (environment)`, segs, value));
  }
  return out;
}

export function overrideLayers(o: ConfigOverrides, cwd: string): ConfigLayer[] {
  const out: ConfigLayer[] = [];
  if (o.dataDir !== undefined)
    out.push(valueLayer('--data-dir', ['data', 'data_dir'], path.resolve(cwd, o.dataDir)));
  if (o.registryPath !== undefined)
    out.push(
      valueLayer('--registry-path', ['serving', 'model_registry_path'], path.resolve(cwd, o.registryPath)),
    );
  if (o.randomState !== undefined)
    out.push(valueLayer('--random-state', ['data', 'random_state'], o.randomState));
  if (o.calibrationSize !== undefined)
    out.push(valueLayer('--calibration-size', ['data', 'calibration_size'], o.calibrationSize));
  for (const s of o.set ?? []) {
    const eq = s.indexOf('=');
    const key = eq > 0 ? s.slice(0, eq).trim() : '';
    if (!key || key.split('.').some((k) => k === '')) {
      throw new ConfigError([
        {
          file: `--set ${s}`,
          line: 0,
          column: 0,
          path: '',
          message: 'expected key.path=value, e.g. model.hyperparameters.max_depth=4',
        },
      ]);
    }
    const segs = key.split('.');
    let value = parseScalar(s.slice(eq + 1));
    if ((PATH_KEYS as readonly string[]).includes(key) && typeof value === 'string')
      value = path.resolve(cwd, value);
    out.push(valueLayer(`--set ${s}`, segs, value));
  }
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) if (v[k] !== undefined) out[k] = sortKeys(v[k]);
    return out;
  }
  return v;
}

/** The config as YAML with keys sorted at every level: equal configs give byte-equal text. */
export function snapshotYaml(config: FrameworkConfig): string {
  return stringify(sortKeys(config), { lineWidth: 0, sortMapEntries: false });
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reloads a snapshot (as written by snapshotYaml): the same config and the same hash. */
export function configFromSnapshot(yamlText: string, fileName = 'snapshot.yaml'): FrameworkConfig {
  const parsed = parseYamlLayer(yamlText, fileName);
  if (!parsed.layer) throw new ConfigError(parsed.issues);
  const r = validateLayers([parsed.layer]);
  if (!r.ok) throw new ConfigError(r.issues);
  return r.config;
}

export function resolvedFromConfig(config: FrameworkConfig, files: string[] = []): ResolvedConfig {
  const yaml = snapshotYaml(config);
  return { config, yaml, hash: sha256Hex(yaml), files };
}

function setIn(obj: Record<string, unknown>, dotted: string, value: unknown): void {
  const segs = dotted.split('.');
  let o = obj;
  for (const s of segs.slice(0, -1)) o = o[s] as Record<string, unknown>;
  o[segs[segs.length - 1]] = value;
}

export async function loadConfig(file: string, options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const { layers: fileLayers, files } = readChain(file);
  const homeLayers: ConfigLayer[] = [];
  if (env.MLSYS_HOME) {
    const home = path.resolve(cwd, env.MLSYS_HOME);
    homeLayers.push(
      valueLayer('MLSYS_HOME (environment)', ['serving', 'model_registry_path'], path.join(home, 'registry')),
    );
    homeLayers.push(valueLayer('MLSYS_HOME (environment)', ['artifacts_path'], path.join(home, 'artifacts')));
  }
  // MLSYS_HOME beats the files (tests and parallel instances isolate themselves with it); env vars and flags beat it
  const layers = [
    ...fileLayers,
    ...homeLayers,
    ...envLayers(env, cwd),
    ...overrideLayers(options.overrides ?? {}, cwd),
  ];
  const r = validateLayers(layers);
  if (!r.ok) throw new ConfigError(r.issues);
  const config = r.config;
  const topRoot = configRoot(files[files.length - 1]);
  for (const key of PATH_KEYS) {
    const segs = key.split('.');
    let v: unknown = config;
    for (const s of segs) v = (v as Record<string, unknown>)[s];
    if (typeof v !== 'string' || path.isAbsolute(v)) continue;
    const layer = [...layers].reverse().find((l) => getIn(l.value, segs) !== undefined) as
      (ConfigLayer & { absFile?: string }) | undefined;
    const base = layer?.absFile ? configRoot(layer.absFile) : layer ? cwd : topRoot;
    setIn(config as unknown as Record<string, unknown>, key, path.resolve(base, v));
  }
  return resolvedFromConfig(config, files);
}
