/**
 * An in-memory backend for renderer tests: a realistic subset of the handler map (configs, data,
 * runs with progress events, registry with champion policy, serving, snapshots) behind a Transport,
 * so components run against the same envelope and client as in the app.
 */
import { parse, parseDocument, stringify } from 'yaml';
import {
  ApiError,
  dispatch,
  type ApiName,
  type ConfigFileInfo,
  type ConfigIssueDto,
  type EventMap,
  type EventName,
  type Handlers,
  type ModelVersionDto,
  type PromotionDto,
  type RunDetail,
  type RunEvaluation,
  type RunFilter,
  type RunProgress,
  type RunStatus,
  type RunSummary,
  type ServingStatus,
} from '../../../shared/api';
import type { Transport } from '../api/transport';
import { confusionAt } from '../lib/confusion';
import { flattenObject } from '../../../shared/util/flatten';

export const BASE_CONFIG = `experiment: base
data:
  path: data/sample
  target: converted
model:
  algorithm: gbdt
  learning_rate: 0.1
  n_estimators: 100
  max_depth: 6
calibration:
  method: isotonic
serving:
  model_name: default
  primary_metric: roc_auc_calibrated
`;

export const DEEP_CONFIG = `extends: ../base_config.yaml
experiment: deep
model:
  max_depth: 8
  n_estimators: 200
`;

const ALGORITHMS = ['gbdt', 'logistic', 'mlp'];

/** Small seeded generator (tests must be deterministic). */
function lcg(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function hashText(text: string): string {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

function deepMerge(a: unknown, b: unknown): unknown {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b as Record<string, unknown>)) out[k] = deepMerge(out[k], v);
    return out;
  }
  return b === undefined ? a : b;
}

/** Metrics are a deterministic function of the config, so a snapshot re-run reproduces them. */
function metricsFor(config: Record<string, unknown>, hash: string): Record<string, number> {
  const rnd = lcg(parseInt(hash, 16));
  const model = (config.model ?? {}) as Record<string, unknown>;
  const depth = Number(model.max_depth ?? 6);
  const auc = Math.min(0.97, 0.8 + depth * 0.01 + rnd() * 0.02);
  return {
    roc_auc: round(auc),
    roc_auc_calibrated: round(auc + 0.002),
    pr_auc: round(auc - 0.3),
    pr_auc_calibrated: round(auc - 0.298),
    log_loss: round(0.5 - auc / 3),
    log_loss_calibrated: round(0.48 - auc / 3),
    brier: round(0.2 - auc / 10),
    f1: round(auc - 0.35),
  };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

function evaluationFor(auc: number): RunEvaluation {
  const n = 200;
  const rnd = lcg(Math.round(auc * 1e6));
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = rnd() < 0.3 ? 1 : 0;
    y.push(label);
    p.push(
      round(Math.min(0.99, Math.max(0.01, label ? 0.35 + rnd() * 0.6 * auc : rnd() * 0.7 * (1.2 - auc)))),
    );
  }
  const xs = [0, 0.1, 0.2, 0.4, 0.6, 0.8, 1];
  return {
    threshold: 0.5,
    threshold_policy: 'max_f1',
    confusion: confusionAt(y, p, 0.5),
    roc: {
      x: xs,
      y: xs.map((x) => round(Math.min(1, x ** (1 - auc + 0.2)))),
      thresholds: xs.map((x) => 1 - x),
    },
    pr: { x: xs, y: xs.map((x) => round(1 - x * (1 - auc))) },
    reliability: {
      mean_predicted: [0.1, 0.3, 0.5, 0.7, 0.9],
      fraction_positive: [0.08, 0.31, 0.52, 0.66, 0.93],
      count: [60, 50, 40, 30, 20],
    },
    gains: {
      group: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      cumulative_gain: [0.3, 0.5, 0.65, 0.75, 0.83, 0.89, 0.93, 0.96, 0.98, 1],
      lift: [3, 2.5, 2.17, 1.88, 1.66, 1.48, 1.33, 1.2, 1.09, 1],
    },
    threshold_table: [0.1, 0.3, 0.5, 0.7, 0.9].map((t) => ({
      threshold: t,
      precision: round(0.3 + t * 0.6),
      recall: round(1 - t * 0.8),
      f1: round(0.5 + t / 10),
      mcc: round(0.3 + t / 5),
      cost: round(100 - t * 50),
    })),
    scores: { y, p },
    report_text: `              precision    recall  f1-score   support\n\n           0       0.90      0.85      0.87       140\n           1       0.70      0.78      0.74        60\n`,
    feature_importance: [
      { feature: 'usage_events_30d', gain: 120.5 },
      { feature: 'ALEXA_RANK', gain: 80.2 },
      { feature: 'EMPLOYEE_RANGE', gain: 33.1 },
    ],
  };
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

function valueOf(run: RunSummary, key: string): unknown {
  if (key.startsWith('params.')) return run.params[key.slice(7)];
  if (key.startsWith('metrics.')) return run.metrics[key.slice(8)];
  return (run as unknown as Record<string, unknown>)[key];
}

function matches(run: RunSummary, f: RunFilter): boolean {
  const v = valueOf(run, f.key);
  const c = compare(v, f.value);
  switch (f.op) {
    case '=':
      return String(v) === String(f.value);
    case '!=':
      return String(v) !== String(f.value);
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '>=':
      return c >= 0;
    case 'contains':
      return String(v ?? '').includes(String(f.value));
  }
}

export interface FakeBackend {
  transport: Transport;
  handlers: Handlers;
  /** Every call received, in order. */
  calls: { name: string; args: unknown }[];
  runs: Map<string, RunDetail>;
  versions: ModelVersionDto[];
  history: PromotionDto[];
  serving: ServingStatus;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  /** Emits a progress event for a run (and marks it running). */
  progress(runId: string, p: Partial<RunProgress>): void;
  /** Finishes a run: metrics, evaluation, a model version (champion when better), events. */
  finish(runId: string, status?: RunStatus, error?: string): void;
  /** Adds finished runs quickly (runs view scale tests). */
  seedRuns(count: number): void;
  /** Makes the next call of `name` fail with this message. */
  failNext(name: ApiName, message: string): void;
}

export function createFakeBackend(): FakeBackend {
  const configs = new Map<string, string>([
    ['base_config.yaml', BASE_CONFIG],
    ['experiments/deep.yaml', DEEP_CONFIG],
  ]);
  const runs = new Map<string, RunDetail>();
  const evaluations = new Map<string, RunEvaluation>();
  const histories = new Map<string, Record<string, { step: number; value: number }[]>>();
  const versions: ModelVersionDto[] = [];
  const history: PromotionDto[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const failures = new Map<string, string>();
  const calls: { name: string; args: unknown }[] = [];
  let runSeq = 0;
  const serving: ServingStatus = {
    running: true,
    host: '127.0.0.1',
    port: 8000,
    url: 'http://127.0.0.1:8000',
    model: null,
    started_at: '2026-01-01T00:00:00.000Z',
    requests_total: 0,
    predictions_total: 0,
    errors_total: 0,
    last_error: null,
  };

  const emit = <E extends EventName>(event: E, payload: EventMap[E]) => {
    for (const l of listeners.get(event) ?? []) l(payload);
  };

  const resolveText = (text: string): Record<string, unknown> => {
    const doc = (parse(text) ?? {}) as Record<string, unknown>;
    if (typeof doc.extends === 'string') {
      const { extends: _e, ...rest } = doc;
      return deepMerge(parse(BASE_CONFIG), rest) as Record<string, unknown>;
    }
    return doc;
  };

  const validate = (text: string, path = 'editor.yaml') => {
    const issues: ConfigIssueDto[] = [];
    const doc = parseDocument(text);
    const issue = (line: number, column: number, keyPath: string, message: string) =>
      issues.push({
        file: path,
        line,
        column,
        path: keyPath,
        message,
        formatted: `${path}:${line}:${column} ${keyPath}: ${message}`,
      });
    for (const e of doc.errors)
      issue(e.linePos?.[0].line ?? 1, e.linePos?.[0].col ?? 1, '', e.message.split('\n')[0]);
    if (issues.length === 0) {
      const algo = doc.getIn(['model', 'algorithm'], true) as
        { value?: unknown; range?: [number, number] } | undefined;
      if (algo && typeof algo === 'object' && 'value' in algo && !ALGORITHMS.includes(String(algo.value))) {
        const offset = algo.range?.[0] ?? 0;
        const before = text.slice(0, offset).split('\n');
        issue(
          before.length,
          before[before.length - 1].length + 1,
          'model.algorithm',
          `Invalid option: expected one of "gbdt"|"logistic"|"mlp"`,
        );
      }
    }
    if (issues.length) return { ok: false, issues };
    const resolved = resolveText(text);
    return { ok: true, issues, resolved_yaml: stringify(resolved), hash: hashText(stringify(resolved)) };
  };

  const summaryOf = (r: RunDetail): RunSummary => {
    const {
      config_yaml: _c,
      error: _e,
      data_fingerprint: _d,
      seed: _s,
      notes: _n,
      artifacts: _a,
      children: _ch,
      progress: _p,
      ...s
    } = r;
    return s;
  };

  const champion = () => versions.find((v) => v.is_champion) ?? null;

  const setChampion = (version: number, action: PromotionDto['action'], reason: string) => {
    const prev = champion();
    for (const v of versions) {
      v.is_champion = v.version === version;
      v.aliases = v.is_champion ? ['champion'] : [];
    }
    for (const r of runs.values()) r.is_champion = r.model_version === version;
    const next = versions.find((v) => v.version === version)!;
    const entry: PromotionDto = {
      id: history.length + 1,
      name: 'default',
      from_version: prev?.version ?? null,
      to_version: version,
      candidate_version: version,
      at: new Date(Date.UTC(2026, 0, 1, 0, history.length)).toISOString(),
      who: 'tester',
      reason,
      action,
      metric: 'roc_auc_calibrated',
      from_value: prev?.metrics.roc_auc_calibrated ?? null,
      to_value: next.metrics.roc_auc_calibrated,
    };
    history.push(entry);
    const model = { name: 'default', version, run_id: next.run_id, bundle_sha256: next.bundle_sha256 };
    serving.model = model;
    emit('champion.changed', { name: 'default', version, previous: prev?.version ?? null, model });
    emit('serving.status', { ...serving });
    return entry;
  };

  const newRun = (text: string, name: string | undefined, status: RunStatus): RunDetail => {
    const resolved = resolveText(text);
    const yamlText = stringify(resolved);
    const hash = hashText(yamlText);
    runSeq += 1;
    const id = `r${String(runSeq).padStart(5, '0')}`;
    const created = new Date(Date.UTC(2026, 0, 1, 0, 0, runSeq)).toISOString();
    const run: RunDetail = {
      run_id: id,
      name: name ?? `run ${runSeq}`,
      experiment: String(resolved.experiment ?? 'base'),
      status,
      created_at: created,
      started_at: null,
      finished_at: null,
      duration_s: null,
      parent_run_id: null,
      algorithm: String((resolved.model as Record<string, unknown> | undefined)?.algorithm ?? 'gbdt'),
      config_hash: hash,
      params: flattenObject(resolved) as RunSummary['params'],
      metrics: {},
      tags: {},
      model_version: null,
      is_champion: false,
      config_yaml: yamlText,
      error: null,
      data_fingerprint: 'fp-sample',
      seed: 42,
      notes: '',
      artifacts: [],
      children: [],
      progress: null,
    };
    runs.set(id, run);
    return run;
  };

  const get = (id: string) => {
    const r = runs.get(id);
    if (!r) throw new ApiError('not_found', `No run ${id}`);
    return r;
  };

  const finish = (runId: string, status: RunStatus = 'succeeded', error?: string) => {
    const run = get(runId);
    run.status = status;
    run.finished_at = new Date(Date.parse(run.created_at) + 30_000).toISOString();
    run.started_at ??= run.created_at;
    run.duration_s = 30;
    run.progress = null;
    if (status === 'succeeded') {
      run.metrics = metricsFor(parse(run.config_yaml) as Record<string, unknown>, run.config_hash);
      evaluations.set(runId, evaluationFor(run.metrics.roc_auc));
      histories.set(runId, {
        train_loss: [0, 1, 2, 3].map((s) => ({ step: s * 10, value: round(0.6 - s * 0.08) })),
        valid_loss: [0, 1, 2, 3].map((s) => ({ step: s * 10, value: round(0.62 - s * 0.06) })),
      });
      const version = versions.length + 1;
      run.model_version = version;
      versions.push({
        name: 'default',
        version,
        run_id: runId,
        bundle_sha256: hashText(runId).repeat(8),
        bundle_bytes: 12345,
        created_at: run.finished_at,
        metrics: { ...run.metrics },
        primary_metric: 'roc_auc_calibrated',
        eval_fingerprint: 'fp-sample',
        aliases: [],
        is_champion: false,
        signature: {
          columns: [
            { name: 'ALEXA_RANK', type: 'number', nullable: true },
            {
              name: 'EMPLOYEE_RANGE',
              type: 'category',
              categories: ['1', '2 to 5', '6 to 10'],
              nullable: true,
            },
          ],
        },
      });
      const champ = champion();
      if (!champ || run.metrics.roc_auc_calibrated > champ.metrics.roc_auc_calibrated)
        setChampion(version, champ ? 'promote' : 'register', champ ? 'beats champion' : 'first version');
    }
    run.error = error ?? null;
    emit('run.finished', { run_id: runId, status, error: run.error, metrics: run.metrics });
  };

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'ml-sys',
      version: '0.1.0',
      dataDir: '/home/test/data',
      configDir: '/home/test/config',
      registryPath: '/home/test/registry',
      artifactsPath: '/home/test/artifacts',
      scoringUrl: serving.url,
      home: '/home/test',
      modelName: 'default',
      primaryMetric: 'roc_auc_calibrated',
    }),
    'configs.list': async () =>
      [...configs.entries()].map(([path, text]): ConfigFileInfo => ({
        path,
        kind: path.startsWith('experiments/') ? 'experiment' : 'base',
        modified_at: '2026-01-01T00:00:00.000Z',
        bytes: text.length,
      })),
    'configs.read': async ({ path }) => {
      const text = configs.get(path);
      if (text === undefined) throw new ApiError('not_found', `No config ${path}`);
      return { path, text };
    },
    'configs.validate': async ({ text, path }) => validate(text, path),
    'configs.save': async ({ path, text, overwrite }) => {
      if (configs.has(path) && !overwrite) throw new ApiError('conflict', `${path} already exists`);
      const v = validate(text, path);
      if (!v.ok) throw new ApiError('bad_request', v.issues[0].formatted, v.issues);
      configs.set(path, text);
      return { path, kind: 'experiment', modified_at: '2026-01-01T00:00:00.000Z', bytes: text.length };
    },
    'data.describe': async (src) => ({
      source: src.configPath ?? 'editor',
      files: ['data/sample/customers.csv', 'data/sample/noncustomers.csv'],
      rows: 1200,
      positives: 300,
      negatives: 900,
      positive_rate: 0.25,
      columns: [
        { name: 'id', type: 'id', missing: 0, missing_pct: 0, distinct: 1200 },
        {
          name: 'ALEXA_RANK',
          type: 'number',
          missing: 12,
          missing_pct: 1,
          min: 1,
          max: 99000,
          mean: 15230.5,
        },
        {
          name: 'EMPLOYEE_RANGE',
          type: 'category',
          missing: 5,
          missing_pct: 0.42,
          distinct: 3,
          top: [
            { value: '2 to 5', count: 600 },
            { value: '1', count: 400 },
          ],
        },
        { name: 'converted', type: 'target', missing: 0, missing_pct: 0 },
      ],
      warnings: [],
      fingerprint: 'fp-sample',
    }),
    'data.preview': async ({ limit = 20 }) => ({
      columns: ['id', 'ALEXA_RANK', 'EMPLOYEE_RANGE', 'converted'],
      rows: Array.from({ length: Math.min(limit, 5) }, (_, i) => [
        i + 1,
        1000 * (i + 1),
        i % 2 ? '1' : '2 to 5',
        i % 3 === 0 ? 1 : 0,
      ]),
      total_rows: 1200,
    }),
    'runs.start': async ({ configPath, configText, name }) => {
      const text = configText ?? configs.get(configPath ?? '') ?? '';
      const v = validate(text);
      if (!v.ok) throw new ApiError('bad_request', v.issues[0].formatted, v.issues);
      const run = newRun(text, name, 'queued');
      emit('run.queued', { run_id: run.run_id, name: run.name });
      return { run_id: run.run_id, status: run.status };
    },
    'runs.cancel': async ({ run_id }) => {
      const run = get(run_id);
      if (run.status === 'queued' || run.status === 'running') finish(run_id, 'cancelled');
      return { run_id, status: run.status };
    },
    'runs.list': async (q) => {
      let list = [...runs.values()].map(summaryOf);
      if (q.status) list = list.filter((r) => r.status === q.status);
      if (q.experiment) list = list.filter((r) => r.experiment === q.experiment);
      for (const f of q.filter ?? []) list = list.filter((r) => matches(r, f));
      const sort = q.sort ?? { key: 'created_at', dir: 'desc' };
      list.sort(
        (a, b) => compare(valueOf(a, sort.key), valueOf(b, sort.key)) * (sort.dir === 'asc' ? 1 : -1),
      );
      const offset = q.offset ?? 0;
      return { total: list.length, runs: list.slice(offset, offset + (q.limit ?? 100)) };
    },
    'runs.get': async ({ run_id }) => structuredClone(get(run_id)),
    'runs.diff': async ({ a, b }) => {
      const ra = get(a);
      const rb = get(b);
      const paths = new Set([...Object.keys(ra.params), ...Object.keys(rb.params)]);
      const names = new Set([...Object.keys(ra.metrics), ...Object.keys(rb.metrics)]);
      return {
        a,
        b,
        config: [...paths]
          .filter((p) => ra.params[p] !== rb.params[p])
          .map((p) => ({ path: p, a: ra.params[p], b: rb.params[p] })),
        metrics: [...names].map((n) => ({
          name: n,
          a: ra.metrics[n] ?? null,
          b: rb.metrics[n] ?? null,
          delta: n in ra.metrics && n in rb.metrics ? rb.metrics[n] - ra.metrics[n] : null,
        })),
      };
    },
    'runs.metrics': async ({ run_id }) => ({
      final: { ...get(run_id).metrics },
      history: histories.get(run_id) ?? {},
    }),
    'runs.curves': async ({ run_id }) => {
      get(run_id);
      return evaluations.get(run_id) ?? null;
    },
    'registry.versions': async () => structuredClone(versions).reverse(),
    'registry.champion': async () => structuredClone(champion()),
    'registry.promote': async ({ version, reason }) => {
      if (!versions.some((v) => v.version === version))
        throw new ApiError('not_found', `No version ${version}`);
      return setChampion(version, 'promote', reason ?? '');
    },
    'registry.rollback': async ({ reason }) => {
      const prev = [...history]
        .reverse()
        .find((h) => h.to_version !== null && h.to_version !== champion()?.version);
      if (!prev) throw new ApiError('conflict', 'Nothing to roll back to');
      return setChampion(prev.to_version!, 'rollback', reason ?? '');
    },
    'registry.history': async () => structuredClone(history).reverse(),
    'serving.status': async () => ({ ...serving }),
    'serving.start': async ({ port }) => {
      Object.assign(serving, {
        running: true,
        port: port ?? serving.port,
        url: `http://127.0.0.1:${port ?? serving.port}`,
      });
      return { ...serving };
    },
    'serving.stop': async () => {
      serving.running = false;
      return { ...serving };
    },
    'serving.port': async ({ port }) => {
      Object.assign(serving, { port, url: `http://127.0.0.1:${port}` });
      return { ...serving };
    },
    'snapshots.export': async ({ run_id }) => {
      const run = get(run_id);
      return { run_id, file_name: `${run_id}.snapshot.yaml`, yaml: run.config_yaml, hash: run.config_hash };
    },
  };

  const transport: Transport = {
    kind: 'http',
    async send(req) {
      calls.push({ name: req.name, args: JSON.parse(JSON.stringify(req.args ?? {})) });
      const failure = failures.get(req.name);
      if (failure !== undefined) {
        failures.delete(req.name);
        return { id: req.id, ok: false, error: { code: 'internal', message: failure } };
      }
      // JSON round trip: the component sees exactly what a wire would carry
      return JSON.parse(JSON.stringify(await dispatch(handlers, req)));
    },
    subscribe(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };

  return {
    transport,
    handlers,
    calls,
    runs,
    versions,
    history,
    serving,
    emit,
    progress(runId, p) {
      const run = get(runId);
      run.status = 'running';
      run.started_at ??= run.created_at;
      const full: RunProgress = { run_id: runId, stage: 'training', percent: 0, ...p };
      run.progress = full;
      emit('run.progress', full);
    },
    finish,
    seedRuns(count) {
      const rnd = lcg(7);
      for (let i = 0; i < count; i++) {
        const algorithm = ALGORITHMS[i % 3];
        const depth = 3 + Math.floor(rnd() * 6);
        const lr = round(0.01 + rnd() * 0.3);
        const config = { experiment: 'sweep', model: { algorithm, max_depth: depth, learning_rate: lr } };
        runSeq += 1;
        const id = `r${String(runSeq).padStart(5, '0')}`;
        const hash = hashText(`${algorithm}${depth}${lr}${i}`);
        const created = new Date(Date.UTC(2026, 0, 1, 0, 0, runSeq)).toISOString();
        runs.set(id, {
          run_id: id,
          name: `sweep ${i}`,
          experiment: 'sweep',
          status: 'succeeded',
          created_at: created,
          started_at: created,
          finished_at: created,
          duration_s: 10 + (i % 50),
          parent_run_id: null,
          algorithm,
          config_hash: hash,
          params: flattenObject(config),
          metrics: metricsFor(config, hash),
          tags: {},
          model_version: null,
          is_champion: false,
          config_yaml: `experiment: sweep\nmodel:\n  algorithm: ${algorithm}\n  max_depth: ${depth}\n  learning_rate: ${lr}\n`,
          error: null,
          data_fingerprint: 'fp-sample',
          seed: 42,
          notes: '',
          artifacts: [],
          children: [],
          progress: null,
        });
      }
    },
    failNext(name, message) {
      failures.set(name, message);
    },
  };
}
