/**
 * Runtime schemas for the args of every app API call, so a malformed request gets a 400 that names
 * the field instead of reaching a handler. The type checks at the bottom make a drift between these
 * schemas and `ApiMap` fail to compile.
 */
import { z } from 'zod';
import type { ApiArgs, ApiName } from './contract';
import { bool, int, num, oneOf, str } from '../config/fields';

const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
const FILTER_OPS = ['=', '!=', '<', '<=', '>', '>=', 'contains'] as const;
const SET_ENTRY = /^\s*[^\s=.]+(\.[^\s=.]+)*\s*=/;

/** A strict object: unknown keys are an error whose message lists the keys that are allowed. */
function obj<S extends z.core.$ZodLooseShape>(shape: S) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code === 'unrecognized_keys') {
        return allowed.length ? `allowed: ${allowed.join(', ')}` : 'this call takes no arguments';
      }
      if (iss.code === 'invalid_type') return 'expected an object';
      return undefined;
    },
  });
}

const text = () => z.string({ error: 'expected a string' });
const id = () => str('a non-empty string');
const port = () => int({ min: 0, max: 65535 });
const modelName = str('a non-empty model name');

const runSource = {
  configPath: id().optional(),
  configText: text().optional(),
};

const runOverrides = obj({
  set: z
    .array(str('key.path=value').regex(SET_ENTRY, { error: 'expected key.path=value, e.g. model.seed=4' }), {
      error: 'expected a list of key.path=value strings',
    })
    .optional(),
  tune: bool().optional(),
  calibrationSize: num({ min: 0, lt: 1 }).optional(),
  randomState: int({ min: 0, max: 4294967295 }).optional(),
});

const runFilter = obj({
  key: str('a non-empty key such as status or metrics.roc_auc'),
  op: oneOf(FILTER_OPS),
  value: z.union([z.string(), z.number()], { error: 'expected a string or a finite number' }),
});

const runListQuery = obj({
  experiment: id().optional(),
  status: oneOf(RUN_STATUSES).optional(),
  filter: z.array(runFilter, { error: 'expected a list of {key, op, value} filters' }).optional(),
  sort: obj({ key: str('a non-empty sort key'), dir: oneOf(['asc', 'desc']) }).optional(),
  limit: int({ min: 1, max: 100_000 }).optional(),
  offset: int({ min: 0 }).optional(),
  parent: z.union([id(), z.null()], { error: 'expected a run id or null' }).optional(),
});

const empty = obj({});
const runId = obj({ run_id: id() });
const named = obj({ name: modelName.optional() });

export const API_ARG_SCHEMAS = {
  'app.info': empty,

  'configs.list': empty,
  'configs.read': obj({ path: id() }),
  'configs.validate': obj({ text: text(), path: id().optional() }),
  'configs.save': obj({ path: id(), text: text(), overwrite: bool().optional() }),

  'data.describe': obj(runSource),
  'data.preview': obj({ ...runSource, limit: int({ min: 1, max: 100_000 }).optional() }),

  'runs.start': obj({ ...runSource, overrides: runOverrides.optional(), name: id().optional() }),
  'runs.cancel': runId,
  'runs.list': runListQuery,
  'runs.get': runId,
  'runs.diff': obj({ a: id(), b: id() }),
  'runs.metrics': runId,
  'runs.curves': runId,

  'registry.versions': named,
  'registry.champion': named,
  'registry.promote': obj({
    name: modelName.optional(),
    version: int({ min: 1 }),
    reason: text().optional(),
  }),
  'registry.rollback': obj({ name: modelName.optional(), reason: text().optional() }),
  'registry.history': named,

  'serving.status': empty,
  'serving.start': obj({ port: port().optional() }),
  'serving.stop': empty,
  'serving.port': obj({ port: port() }),

  'snapshots.export': runId,
} satisfies { [N in ApiName]: z.ZodType<ApiArgs<N>> };

// ── drift check: each schema's output must be exactly its contract args ───────────────────────────
type Flat<T> = T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Same<A, B> =
  (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
type Drift = { [N in ApiName]: Same<z.output<(typeof API_ARG_SCHEMAS)[N]>, ApiArgs<N>> };
// A compile error here names the API whose schema no longer matches `ApiMap` (false ≠ true).
const exact: { [N in ApiName]: true } = null as unknown as Drift;
void exact;

export interface ArgIssue {
  /** The field, e.g. `run_id` or `filter[0].op`; `args` for the whole argument object. */
  path: string;
  /** What was expected and what was found, e.g. `expected a non-empty string, got nothing`. */
  message: string;
}

export type ArgCheck<N extends ApiName> =
  { ok: true; args: ApiArgs<N> } | { ok: false; message: string; issues: ArgIssue[] };

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || 'args';
}

/** How a found value reads in a message; long strings are cut so a huge input makes a short message. */
export function describeFound(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') {
    const s = JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
    return v === '' ? 'an empty string' : s;
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v === 'object' ? 'map' : typeof v}`;
}

function toIssues(issue: z.core.$ZodIssue): ArgIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: pathText([...issue.path, key]),
      message: `unknown field (${issue.message})`,
    }));
  }
  const input = (issue as { input?: unknown }).input;
  return [{ path: pathText(issue.path), message: `${issue.message}, got ${describeFound(input)}` }];
}

/** Validates `args` for the call `name`; `undefined` counts as `{}`. */
export function checkArgs<N extends ApiName>(name: N, args: unknown): ArgCheck<N> {
  const schema = API_ARG_SCHEMAS[name] as unknown as z.ZodType<ApiArgs<N>>;
  const parsed = schema.safeParse(args === undefined ? {} : args, { reportInput: true });
  if (parsed.success) return { ok: true, args: parsed.data };
  // one value can fail several checks with the same message (e.g. 1e300 is neither safe nor ≤ max)
  const seen = new Set<string>();
  const issues = parsed.error.issues.flatMap(toIssues).filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    return !seen.has(key) && !!seen.add(key);
  });
  return {
    ok: false,
    message: `${name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    issues,
  };
}
