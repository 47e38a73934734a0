/**
 * Validation of config text and layers with messages a person can act on:
 * `config/experiments/deep.yaml:12:5 model.hyperparameters.max_depth: expected an integer ≥ 1, got "six"`.
 * Pure (no Node, no DOM): the GUI runs it on every keystroke.
 */
import type { z } from 'zod';
import { FrameworkConfigSchema, FILE_ONLY_KEYS, type FrameworkConfig } from './schema';
import {
  formatIssue,
  getIn,
  locateIssue,
  mergeLayers,
  parseYamlLayer,
  type ConfigIssue,
  type ConfigLayer,
  type ConfigPath,
} from './layers';
import { closest } from './suggest';

export { formatIssue, type ConfigIssue };

export type ValidationResult = { ok: true; config: FrameworkConfig } | { ok: false; issues: ConfigIssue[] };

/** How a value found in the config reads in a message. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return 'a map';
}

type Schema = z.ZodType;

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  options?: Schema[];
  discriminator?: string;
  valueType?: Schema;
  element?: Schema;
}

const defOf = (s: Schema): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The object keys the schema allows at `path` (for "did you mean"), given the value being validated. */
function allowedKeysAt(schema: Schema, path: ConfigPath, root: unknown): string[] {
  let s: Schema | undefined = schema;
  let i = 0;
  while (s) {
    const d = defOf(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe') s = defOf(d.in!).type === 'transform' ? (d as { out?: Schema }).out : d.in;
    else if (d.type === 'union' && d.options) {
      const here = getIn(root, path.slice(0, i)) as Record<string, unknown> | undefined;
      const disc = d.discriminator;
      const match = d.options.find((o) => {
        const f = disc ? defOf(o).shape?.[disc] : undefined;
        const lit = f ? (defOf(f) as { values?: unknown[] }).values : undefined;
        return disc && here && lit?.includes(here[disc]);
      });
      s = match ?? d.options[0];
    } else if (i === path.length) {
      return d.shape ? Object.keys(d.shape) : [];
    } else if (d.shape) s = d.shape[String(path[i++])];
    else if (d.valueType) {
      s = d.valueType;
      i++;
    } else if (d.element) {
      s = d.element;
      i++;
    } else return [];
  }
  return [];
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  return c ? ` — did you mean "${c}"?` : '';
}

function messagesFor(issue: z.core.$ZodIssue, root: unknown): { path: ConfigPath; message: string }[] {
  const path = issue.path as ConfigPath;
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysAt(FrameworkConfigSchema, path, root);
      return issue.keys.map((key) => {
        const hint = didYouMean(key, allowed);
        return {
          path: [...path, key],
          message: `unknown key "${key}"${hint || (allowed.length ? ` (allowed: ${allowed.join(', ')})` : '')}`,
        };
      });
    }
    case 'invalid_value': {
      const values = issue.values.map(String);
      return [
        {
          path,
          message: `expected one of ${values.join(' | ')}, got ${describeValue(input)}${
            typeof input === 'string' ? didYouMean(input, values) : ''
          }`,
        },
      ];
    }
    case 'invalid_union': {
      const disc = (issue as { discriminator?: string }).discriminator;
      const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
      if (disc) {
        const found = getIn(root, path);
        const hint = typeof found === 'string' ? didYouMean(found, options) : '';
        return [
          { path, message: `expected one of ${options.join(' | ')}, got ${describeValue(found)}${hint}` },
        ];
      }
      return [{ path, message: `${issue.message}, got ${describeValue(input)}` }];
    }
    default: {
      const found = input === undefined ? getIn(root, path) : input;
      return [
        {
          path,
          message:
            found === undefined
              ? `${issue.message}, but it is missing`
              : `${issue.message}, got ${describeValue(found)}`,
        },
      ];
    }
  }
}

/** Merges the layers and validates the result; problems point into the layer that caused them. */
export function validateLayers(layers: ConfigLayer[]): ValidationResult {
  const merged = mergeLayers(layers);
  const issues: ConfigIssue[] = [];
  for (const layer of layers) {
    for (const key of FILE_ONLY_KEYS) {
      const v = layer.value[key];
      if (v !== undefined && typeof v !== 'string') {
        issues.push({
          ...locateIssue([layer], [key]),
          message: `expected a file name, got ${describeValue(v)}`,
        });
      }
    }
  }
  for (const key of FILE_ONLY_KEYS) delete merged[key];
  const r = FrameworkConfigSchema.safeParse(merged, { reportInput: true });
  if (r.success && issues.length === 0) return { ok: true, config: r.data };
  if (!r.success) {
    for (const zi of r.error.issues) {
      for (const m of messagesFor(zi, merged))
        issues.push({ ...locateIssue(layers, m.path), message: m.message });
    }
  }
  const order = new Map(layers.map((l, i) => [l.source, i]));
  issues.sort(
    (a, b) => (order.get(a.file) ?? -1) - (order.get(b.file) ?? -1) || a.line - b.line || a.column - b.column,
  );
  return { ok: false, issues };
}

export interface ValidateTextOptions {
  /**
   * Supplies the text of the file an `extends:` names (relative to `fromFile`), so the merged result
   * is validated. Without it (or when it returns undefined) the text is validated on its own.
   */
  resolveExtends?(ref: string, fromFile: string): { text: string; fileName: string } | undefined;
}

/** Validates YAML config text; with `resolveExtends`, the whole `extends:` chain merged. */
export function validateConfigText(
  text: string,
  fileName: string,
  options: ValidateTextOptions = {},
): ValidationResult {
  const chain: ConfigLayer[] = [];
  const seen = new Set<string>();
  let current: { text: string; fileName: string } | undefined = { text, fileName };
  while (current) {
    const parsed = parseYamlLayer(current.text, current.fileName);
    if (!parsed.layer) return { ok: false, issues: parsed.issues };
    chain.unshift(parsed.layer);
    seen.add(current.fileName);
    const ref = parsed.layer.value.extends;
    if (typeof ref !== 'string' || !options.resolveExtends) break;
    const next = options.resolveExtends(ref, current.fileName);
    if (next && seen.has(next.fileName)) {
      return {
        ok: false,
        issues: [
          {
            ...locateIssue([parsed.layer], ['extends']),
            message: `extends forms a cycle through ${next.fileName}`,
          },
        ],
      };
    }
    current = next;
  }
  return validateLayers(chain);
}
