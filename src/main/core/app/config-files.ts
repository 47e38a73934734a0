import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApiError, type ConfigFileInfo } from '../../../shared/api';
import { loadConfig, type LoadConfigOptions, type ResolvedConfig } from '../config/load';
import { ConfigError } from '../../../shared/config/errors';

/** Config files live in the project's config folder: `base_config.yaml` and `experiments/*.yaml`. */
export function listConfigFiles(configDir: string): ConfigFileInfo[] {
  const out: ConfigFileInfo[] = [];
  const add = (rel: string, kind: ConfigFileInfo['kind']) => {
    const st = statSync(path.join(configDir, rel));
    out.push({ path: rel, kind, modified_at: st.mtime.toISOString(), bytes: st.size });
  };
  if (!existsSync(configDir)) return out;
  for (const f of readdirSync(configDir).sort()) {
    if (/\.ya?ml$/.test(f) && !f.startsWith('.')) add(f, 'base');
  }
  const exp = path.join(configDir, 'experiments');
  if (existsSync(exp)) {
    for (const f of readdirSync(exp).sort()) {
      if (/\.ya?ml$/.test(f) && !f.startsWith('.')) add(`experiments/${f}`, 'experiment');
    }
  }
  return out;
}

/** Resolves a config path given by a client, refusing anything outside the config folder. */
export function configFilePath(configDir: string, rel: string): string {
  if (typeof rel !== 'string' || rel.trim() === '')
    throw new ApiError('bad_request', 'A config path is required');
  if (!/\.ya?ml$/.test(rel)) throw new ApiError('bad_request', `Config files end in .yaml: ${rel}`);
  const abs = path.resolve(configDir, rel);
  const relBack = path.relative(configDir, abs);
  if (relBack.startsWith('..') || path.isAbsolute(relBack)) {
    throw new ApiError('forbidden', `Config paths must stay inside the config folder: ${rel}`);
  }
  return abs;
}

export function readConfigFile(configDir: string, rel: string): string {
  const abs = configFilePath(configDir, rel);
  if (!existsSync(abs)) throw new ApiError('not_found', `No such config: ${rel}`);
  return readFileSync(abs, 'utf8');
}

/** Writes atomically (temp file + rename) so a crash never leaves half a config. */
export function writeConfigFile(
  configDir: string,
  rel: string,
  text: string,
  overwrite: boolean,
): ConfigFileInfo {
  const abs = configFilePath(configDir, rel);
  if (existsSync(abs) && !overwrite)
    throw new ApiError('conflict', `${rel} exists already; choose another name or overwrite`);
  mkdirSync(path.dirname(abs), { recursive: true });
  const tmp = `${abs}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, abs);
  const st = statSync(abs);
  const relNorm = path.relative(configDir, abs).split(path.sep).join('/');
  return {
    path: relNorm,
    kind: relNorm.startsWith('experiments/') ? 'experiment' : 'base',
    modified_at: st.mtime.toISOString(),
    bytes: st.size,
  };
}

/**
 * Loads config text that is not (yet) a file — the editor's buffer or a snapshot — exactly as a file
 * at `virtualPath` would load (so `extends:` resolves relative to it).
 */
export async function loadConfigText(
  text: string,
  virtualPath: string,
  options: LoadConfigOptions,
): Promise<ResolvedConfig> {
  const dir = path.dirname(virtualPath);
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.unsaved-${randomBytes(6).toString('hex')}.yaml`);
  writeFileSync(tmp, text);
  try {
    return await loadConfig(tmp, options);
  } catch (err) {
    if (err instanceof ConfigError) {
      // name the file the user knows, not the temp file
      const shown = path.basename(virtualPath);
      throw new ConfigError(
        err.issues.map((i) => ({ ...i, file: i.file.includes('.unsaved-') ? shown : i.file })),
      );
    }
    throw err;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}
