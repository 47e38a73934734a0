import { parse, stringify } from 'yaml';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Paths (as key arrays) whose leaf value differs between any of the configs. */
export function changedPaths(configs: unknown[]): string[][] {
  const out: string[][] = [];
  const walk = (values: unknown[], path: string[]) => {
    if (values.every(isPlainObject)) {
      const keys = new Set(values.flatMap((v) => Object.keys(v as Record<string, unknown>)));
      for (const k of keys)
        walk(
          values.map((v) => (v as Record<string, unknown>)[k]),
          [...path, k],
        );
      return;
    }
    if (values.some((v) => !same(v, values[0]))) out.push(path);
  };
  walk(configs, []);
  return out;
}

function getIn(obj: unknown, path: string[]): unknown {
  let cur = obj;
  for (const k of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function setIn(obj: Record<string, unknown>, path: string[], value: unknown) {
  let cur = obj;
  path.slice(0, -1).forEach((k) => {
    if (!isPlainObject(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  });
  cur[path[path.length - 1]] = value;
}

export interface ConfigDiff {
  /** Dotted paths that differ. */
  paths: string[];
  /** Per config: the changed keys only, as nested YAML (absent keys shown as `null  # absent`). */
  yaml: string[];
}

/** Changed keys only, as nested YAML per config, from the runs' resolved config YAML texts. */
export function diffConfigs(texts: string[]): ConfigDiff {
  const docs = texts.map((t) => (parse(t) ?? {}) as unknown);
  const paths = changedPaths(docs);
  const yaml = docs.map((doc) => {
    if (paths.length === 0) return '';
    const nested: Record<string, unknown> = {};
    for (const p of paths) {
      const v = getIn(doc, p);
      setIn(nested, p, v === undefined ? null : v);
    }
    return stringify(nested);
  });
  return { paths: paths.map((p) => p.join('.')), yaml };
}
