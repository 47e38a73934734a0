/**
 * Config layers: each YAML file, environment variable or CLI flag is one layer holding a partial
 * config. Layers merge in order (later wins); each remembers where its keys came from so a problem
 * in the merged result is reported against the file, line and column that supplied the value.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml';

export type ConfigPath = (string | number)[];

export interface Position {
  line: number;
  column: number;
}

export interface ConfigIssue {
  /** File name, or a label such as `MLSYS_DATA__RANDOM_STATE (environment)`. */
  file: string;
  /** 1-based; 0 when the source has no lines (environment, flags). */
  line: number;
  column: number;
  /** Dotted key path, e.g. `model.hyperparameters.max_depth`. */
  path: string;
  message: string;
}

export interface ConfigLayer {
  source: string;
  value: Record<string, unknown>;
  /** Position of the deepest existing prefix of `path` and how many segments matched. */
  locate?(path: ConfigPath): { position: Position; depth: number } | undefined;
}

export interface ParsedLayer {
  layer?: ConfigLayer;
  issues: ConfigIssue[];
}

export function formatPath(path: ConfigPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** `file:line:col path: message` — the one-line shape every config problem is printed in. */
export function formatIssue(i: ConfigIssue): string {
  const where = i.line > 0 ? `${i.file}:${i.line}:${i.column}` : i.file;
  return i.path ? `${where} ${i.path}: ${i.message}` : `${where}: ${i.message}`;
}

/** Parses one YAML file into a layer, or reports its syntax errors with line and column. */
export function parseYamlLayer(text: string, fileName: string): ParsedLayer {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0]);
        return {
          file: fileName,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `invalid YAML: ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`,
        };
      }),
    };
  }
  const value: unknown = doc.contents === null ? {} : doc.toJS({ maxAliasCount: 100 });
  if (value === null || value === undefined) return { layer: { source: fileName, value: {} }, issues: [] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const pos = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
    return {
      issues: [
        {
          file: fileName,
          line: pos.line,
          column: pos.col,
          path: '',
          message: 'expected a map of config sections (data, features, model, …) at the top level',
        },
      ],
    };
  }
  const locate = (path: ConfigPath) => {
    let node: unknown = doc.contents;
    let found = doc.contents?.range?.[0] ?? 0;
    let depth = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg),
        );
        if (!pair) break;
        found = (pair.key as YamlNode).range?.[0] ?? found;
        node = pair.value;
      } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) {
        node = node.items[seg];
        found = (node as YamlNode).range?.[0] ?? found;
      } else break;
      depth++;
    }
    const pos = lineCounter.linePos(found);
    return { position: { line: pos.line, column: pos.col }, depth };
  };
  return { layer: { source: fileName, value: value as Record<string, unknown>, locate }, issues: [] };
}

/** A layer that sets one key path to one value (an environment variable or a CLI flag). */
export function valueLayer(source: string, path: string[], value: unknown): ConfigLayer {
  const root: Record<string, unknown> = {};
  let obj = root;
  path.forEach((seg, i) => {
    if (i === path.length - 1) obj[seg] = value;
    else obj = (obj[seg] = {}) as Record<string, unknown>;
  });
  return { source, value: root };
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function getIn(value: unknown, path: ConfigPath): unknown {
  let v = value;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}

/**
 * Deep merge: maps merge key by key, lists and scalars replace. When a layer switches
 * `model.algorithm`, the earlier layers' hyperparameters and search space no longer apply and are
 * dropped (they belong to the other algorithm).
 */
export function mergeValues(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeValues(b, v) : v;
  }
  return out;
}

export function mergeLayers(layers: ConfigLayer[]): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const layer of layers) {
    const prevModel = merged.model;
    const nextModel = layer.value.model;
    if (
      isPlainObject(prevModel) &&
      isPlainObject(nextModel) &&
      typeof nextModel.algorithm === 'string' &&
      nextModel.algorithm !== (prevModel.algorithm ?? 'gbdt')
    ) {
      const { hyperparameters: _h, ...rest } = prevModel;
      const tune = isPlainObject(rest.tune) ? { ...rest.tune } : undefined;
      if (tune) delete tune.space;
      merged = { ...merged, model: tune ? { ...rest, tune } : rest };
    }
    merged = mergeValues(merged, layer.value);
  }
  return merged;
}

/** Where to report a problem at `path`: the latest layer that supplied the longest prefix of it. */
export function locateIssue(layers: ConfigLayer[], path: ConfigPath): Omit<ConfigIssue, 'message'> {
  let best: { layer: ConfigLayer; depth: number } | undefined;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    let depth = 0;
    while (depth < path.length && getIn(layer.value, path.slice(0, depth + 1)) !== undefined) depth++;
    if (!best || depth > best.depth) best = { layer, depth };
    if (depth === path.length) break;
  }
  const p = formatPath(path);
  if (!best) return { file: '(config)', line: 0, column: 0, path: p };
  const loc = best.layer.locate?.(path);
  return {
    file: best.layer.source,
    line: loc?.position.line ?? 0,
    column: loc?.position.column ?? 0,
    path: p,
  };
}
