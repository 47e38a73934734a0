import type { Command } from 'commander';
import {
  Registry,
  RUN_STATUSES,
  resolveRegistryDir,
  type FilterOp,
  type RunFilter,
  type RunStatus,
} from '../../core/registry';
import { CliError } from '../errors';

/** Opens the registry named by --registry-path / MLSYS_REGISTRY_PATH / MLSYS_HOME, runs `fn`, closes it. */
export async function withRegistry<T>(
  registryPath: string | undefined,
  fn: (r: Registry) => T | Promise<T>,
): Promise<T> {
  const registry = Registry.open(resolveRegistryDir(registryPath));
  try {
    return await fn(registry);
  } finally {
    registry.close();
  }
}

export const REGISTRY_PATH_HELP =
  'registry folder (default: $MLSYS_REGISTRY_PATH, else $MLSYS_HOME/registry)';

const FILTER_RE = /^(.+?)(>=|<=|!=|=|>|<|~)(.*)$/;

/** `key=value`, `key>=0.8`, `key!=x`, `key~substring` (contains). */
export function parseFilter(text: string): RunFilter {
  const m = FILTER_RE.exec(text);
  if (!m || !m[1].trim()) {
    throw new CliError(
      `--filter ${text}: expected key<op>value with op one of = != < <= > >= ~ (contains)`,
      2,
    );
  }
  const op = (m[2] === '~' ? 'contains' : m[2]) as FilterOp;
  return { key: m[1].trim(), op, value: m[3] };
}

/** `key`, `key:asc`, `key:desc` or `-key` (descending). */
export function parseSort(text: string): { key: string; dir: 'asc' | 'desc' } {
  if (text.startsWith('-')) return { key: text.slice(1), dir: 'desc' };
  const m = /^(.+?)(?::(asc|desc))?$/.exec(text);
  if (!m) throw new CliError(`--sort ${text}: expected key[:asc|desc]`, 2);
  return { key: m[1], dir: (m[2] as 'asc' | 'desc' | undefined) ?? 'asc' };
}

export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function fmtValue(v: unknown): string {
  if (v === undefined) return '(absent)';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

function fmtDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${(ms / 60_000).toFixed(1)}m`;
}

const collect = (v: string, acc: string[]) => [...acc, v];

interface ListOptions {
  experiment?: string;
  status: string[];
  filter: string[];
  sort?: string;
  limit: string;
  offset?: string;
  columns?: string;
  parent?: string;
  json?: boolean;
  registryPath?: string;
}

function intOption(flag: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new CliError(`${flag}: expected an integer ≥ ${min}, got "${raw}"`, 2);
  return n;
}

async function list(opts: ListOptions): Promise<void> {
  for (const s of opts.status) {
    if (!RUN_STATUSES.includes(s as RunStatus)) {
      throw new CliError(`--status ${s}: expected one of ${RUN_STATUSES.join(', ')}`, 2);
    }
  }
  await withRegistry(opts.registryPath, (r) => {
    const result = r.listRuns({
      experiment: opts.experiment,
      status: opts.status.length ? (opts.status as RunStatus[]) : undefined,
      filter: opts.filter.map(parseFilter),
      sort: opts.sort ? parseSort(opts.sort) : undefined,
      limit: intOption('--limit', opts.limit, 0),
      offset: intOption('--offset', opts.offset, 0),
      parent:
        opts.parent === undefined || opts.parent === 'none'
          ? null
          : opts.parent === 'all'
            ? undefined
            : opts.parent,
    });
    if (opts.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    if (result.runs.length === 0) {
      console.log(`No runs (of ${result.total} matching).`);
      return;
    }
    const extra = opts.columns
      ? opts.columns
          .split(',')
          .map((c) => c.trim())
          .filter(Boolean)
      : [...new Set(result.runs.flatMap((run) => Object.keys(run.metrics)))]
          .sort()
          .slice(0, 4)
          .map((m) => `metrics.${m}`);
    const cell = (run: (typeof result.runs)[number], key: string): string => {
      if (key.startsWith('metrics.')) return fmtValue(run.metrics[key.slice(8)] ?? '');
      if (key.startsWith('params.'))
        return run.params[key.slice(7)] === undefined ? '' : fmtValue(run.params[key.slice(7)]);
      if (key.startsWith('tags.')) return run.tags[key.slice(5)] ?? '';
      const v = (run as unknown as Record<string, unknown>)[key];
      return v === undefined || v === null ? '' : fmtValue(v);
    };
    const header = [
      'id',
      'status',
      'experiment',
      'name',
      'started',
      'duration',
      ...extra.map((c) => c.replace(/^metrics\./, '')),
    ];
    const rows = result.runs.map((run) => [
      run.id,
      run.status,
      run.experiment,
      run.name ?? '',
      run.started_at?.replace('T', ' ').slice(0, 19) ?? '',
      fmtDuration(run.duration_ms),
      ...extra.map((c) => cell(run, c)),
    ]);
    console.log(formatTable(header, rows));
    console.log(`${result.runs.length} of ${result.total} runs`);
  });
}

async function show(id: string, opts: { json?: boolean; registryPath?: string }): Promise<void> {
  await withRegistry(opts.registryPath, (r) => {
    const run = r.getRun(id);
    if (!run) throw new CliError(`No run with id ${id}.`);
    if (opts.json) {
      console.log(JSON.stringify(run, null, 2));
      return;
    }
    const fields: [string, unknown][] = [
      ['id', run.id],
      ['experiment', run.experiment],
      ['name', run.name],
      ['status', run.status],
      ['created', run.created_at],
      ['started', run.started_at],
      ['ended', run.ended_at],
      ['duration', fmtDuration(run.duration_ms)],
      ['seed', run.seed],
      ['config hash', run.config_hash],
      ['data', run.data_fingerprint],
      ['parent', run.parent_run_id],
      ['error', run.error],
      ['notes', run.notes],
      [
        'tags',
        Object.entries(run.tags)
          .map(([k, v]) => (v ? `${k}=${v}` : k))
          .join(', '),
      ],
    ];
    for (const [k, v] of fields) if (v !== null && v !== '') console.log(`${k.padEnd(12)} ${fmtValue(v)}`);
    const section = (title: string, entries: [string, unknown][]) => {
      if (!entries.length) return;
      console.log(`\n${title}`);
      const w = Math.max(...entries.map(([k]) => k.length));
      for (const [k, v] of entries) console.log(`  ${k.padEnd(w)}  ${fmtValue(v)}`);
    };
    section(
      'metrics',
      Object.entries(run.metrics).sort(([a], [b]) => a.localeCompare(b)),
    );
    section(
      'params',
      Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b)),
    );
    section(
      'artifacts',
      run.artifacts.map((a) => [a.kind, `${a.path} (${a.bytes} bytes, sha256 ${a.sha256.slice(0, 12)}…)`]),
    );
    section(
      'history',
      Object.entries(run.history).map(([name, pts]) => [
        name,
        `${pts.length} points, last ${fmtValue(pts.at(-1)?.value)}`,
      ]),
    );
    section(
      'models',
      run.model_versions.map((v) => [v.name, `v${v.version}`]),
    );
    if (run.children.length) {
      console.log(`\nchildren (${run.children.length})`);
      for (const c of run.children) console.log(`  ${c.id}  ${c.status.padEnd(11)} ${c.name ?? ''}`);
    }
  });
}

async function diff(a: string, b: string, opts: { json?: boolean; registryPath?: string }): Promise<void> {
  await withRegistry(opts.registryPath, (r) => {
    for (const id of [a, b]) if (!r.getRun(id)) throw new CliError(`No run with id ${id}.`);
    const d = r.diffRuns(a, b);
    if (opts.json) {
      console.log(JSON.stringify(d, (_k, v: unknown) => (v === undefined ? null : v), 2));
      return;
    }
    console.log(`config (${d.config.length} changed)`);
    if (d.config.length === 0) console.log('  (identical)');
    else
      console.log(
        formatTable(
          ['key', a, b],
          d.config.map((c) => [c.path, fmtValue(c.a), fmtValue(c.b)]),
        ),
      );
    console.log(`\nmetrics`);
    const sign = (x: number | null) => (x === null ? '' : `${x > 0 ? '+' : ''}${fmtValue(x)}`);
    console.log(
      formatTable(
        ['metric', a, b, 'delta'],
        d.metrics.map((m) => [
          m.name,
          m.a === null ? '' : fmtValue(m.a),
          m.b === null ? '' : fmtValue(m.b),
          sign(m.delta),
        ]),
      ),
    );
  });
}

export function register(program: Command): void {
  const runs = program.command('runs').description('list, show and compare tracked runs');
  runs
    .command('list')
    .description(
      'list runs, newest first (filter: key=v, key>=v, key!=v, key~substring on params., metrics., tags., columns)',
    )
    .option('--experiment <name>', 'only this experiment')
    .option('--status <status>', 'only runs with this status (repeatable)', collect, [])
    .option('--filter <expr...>', 'e.g. params.model.algorithm=gbdt metrics.roc_auc>=0.8 (all must hold)', [])
    .option('--sort <key[:dir]>', 'e.g. metrics.roc_auc:desc, started_at, -params.model.max_depth')
    .option('--limit <n>', 'at most n runs', '50')
    .option('--offset <n>', 'skip n runs')
    .option(
      '--parent <id|all>',
      "a run's tuning trials, or 'all' for every run including trials (default: top-level runs)",
    )
    .option('--columns <keys>', 'extra columns, comma-separated (metrics.x, params.y, tags.z)')
    .option('--json', 'print JSON')
    .option('--registry-path <dir>', REGISTRY_PATH_HELP)
    .action(list);
  runs
    .command('show <id>')
    .description('show a run: fields, metrics, params, artifacts, trials, model versions')
    .option('--json', 'print JSON')
    .option('--registry-path <dir>', REGISTRY_PATH_HELP)
    .action(show);
  runs
    .command('diff <a> <b>')
    .description('changed config keys and metric deltas (b − a) between two runs')
    .option('--json', 'print JSON')
    .option('--registry-path <dir>', REGISTRY_PATH_HELP)
    .action(diff);
}
