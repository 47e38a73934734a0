import type Database from 'better-sqlite3';
import { RegistryError } from './errors';
import { RUN_COLUMNS, toSummary, type RunRow } from './runs';
import type { ListRunsQuery, ListRunsResult, RunFilter, RunSummary } from './types';

/** Run columns that can be filtered and sorted on directly, with whether they are numeric. */
const COLUMNS: Record<string, { sql: string; numeric: boolean; notNull?: boolean }> = {
  id: { sql: 'r.id', numeric: false, notNull: true },
  name: { sql: 'r.name', numeric: false },
  status: { sql: 'r.status', numeric: false, notNull: true },
  experiment: { sql: 'e.name', numeric: false, notNull: true },
  created_at: { sql: 'r.created_at', numeric: false, notNull: true },
  started_at: { sql: 'r.started_at', numeric: false },
  ended_at: { sql: 'r.ended_at', numeric: false },
  duration_ms: { sql: 'r.duration_ms', numeric: true },
  config_hash: { sql: 'r.config_hash', numeric: false, notNull: true },
  data_fingerprint: { sql: 'r.data_fingerprint', numeric: false, notNull: true },
  seed: { sql: 'r.seed', numeric: true, notNull: true },
  error: { sql: 'r.error', numeric: false },
  parent_run_id: { sql: 'r.parent_run_id', numeric: false },
  notes: { sql: 'r.notes', numeric: false },
};

const COMPARE = new Set(['=', '!=', '<', '<=', '>', '>=']);

function likePattern(v: string): string {
  return `%${v.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function asNumber(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const t = v.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

type Key =
  { kind: 'param' | 'metric' | 'tag'; name: string } | { kind: 'column'; name: string } | { kind: 'tags' };

/** `params.<path>`, `metrics.<name>`, `tags.<key>`, `tags`, or a run column; any other bare key is a param path. */
export function parseKey(key: string): Key {
  if (key.startsWith('params.')) return { kind: 'param', name: key.slice(7) };
  if (key.startsWith('metrics.')) return { kind: 'metric', name: key.slice(8) };
  if (key.startsWith('tags.')) return { kind: 'tag', name: key.slice(5) };
  if (key === 'tags') return { kind: 'tags' };
  if (key in COLUMNS) return { kind: 'column', name: key };
  if (!key) throw new RegistryError('Empty filter/sort key.');
  return { kind: 'param', name: key };
}

function filterSql(f: RunFilter, args: unknown[]): string {
  const key = parseKey(f.key);
  if (!COMPARE.has(f.op) && f.op !== 'contains') throw new RegistryError(`Unknown filter operator ${f.op}.`);
  const num = asNumber(f.value);
  if (key.kind === 'tags') {
    // `tags = k`: the run has tag k; `tags contains s`: some tag key or value contains s.
    if (f.op === 'contains') {
      args.push(likePattern(String(f.value)), likePattern(String(f.value)));
      return "EXISTS (SELECT 1 FROM json_each(r.tags_json) t WHERE t.key LIKE ? ESCAPE '\\' OR t.value LIKE ? ESCAPE '\\')";
    }
    if (f.op !== '=' && f.op !== '!=') throw new RegistryError('Filter tags with =, != or contains.');
    args.push(String(f.value));
    return `${f.op === '!=' ? 'NOT ' : ''}EXISTS (SELECT 1 FROM json_each(r.tags_json) t WHERE t.key = ?)`;
  }
  if (key.kind === 'tag') {
    const tagValue = "json_extract(r.tags_json, '$.' || json_quote(?))";
    if (f.op === 'contains') {
      args.push(key.name, likePattern(String(f.value)));
      return `${tagValue} LIKE ? ESCAPE '\\'`;
    }
    args.push(key.name, String(f.value));
    return f.op === '!=' ? `${tagValue} IS NOT ?` : `${tagValue} ${f.op} ?`;
  }
  if (key.kind === 'metric') {
    if (f.op === 'contains' || num === undefined) {
      throw new RegistryError(`Metric filter ${f.key} needs a numeric comparison (=, !=, <, <=, >, >=).`);
    }
    args.push(key.name, num);
    if (f.op === '!=') return 'r.id NOT IN (SELECT run_id FROM metrics WHERE name = ? AND value = ?)';
    return `r.id IN (SELECT run_id FROM metrics WHERE name = ? AND value ${f.op} ?)`;
  }
  if (key.kind === 'param') {
    if (f.op === 'contains') {
      args.push(key.name, likePattern(String(f.value)));
      return "r.id IN (SELECT run_id FROM params WHERE key = ? AND text LIKE ? ESCAPE '\\')";
    }
    const negate = f.op === '!=';
    const op = negate ? '=' : f.op;
    let cond: string;
    if (num !== undefined && op === '=') {
      cond = '(num = ? OR text = ?)';
      args.push(key.name, num, String(f.value));
    } else if (num !== undefined) {
      cond = `num ${op} ?`;
      args.push(key.name, num);
    } else {
      cond = `text ${op} ?`;
      args.push(key.name, String(f.value));
    }
    return `r.id ${negate ? 'NOT IN' : 'IN'} (SELECT run_id FROM params WHERE key = ? AND ${cond})`;
  }
  const col = COLUMNS[key.name];
  if (f.op === 'contains') {
    args.push(likePattern(String(f.value)));
    return `${col.sql} LIKE ? ESCAPE '\\'`;
  }
  if (col.numeric && num === undefined)
    throw new RegistryError(`${f.key} is numeric; got ${String(f.value)}.`);
  args.push(col.numeric ? num : String(f.value));
  return f.op === '!=' ? `(${col.sql} IS NULL OR ${col.sql} != ?)` : `${col.sql} ${f.op} ?`;
}

export function listRuns(db: Database.Database, q: ListRunsQuery = {}): ListRunsResult {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.experiment !== undefined) {
    where.push('e.name = ?');
    args.push(q.experiment);
  }
  if (q.status !== undefined) {
    const list = Array.isArray(q.status) ? q.status : [q.status];
    where.push(list.length ? `r.status IN (${list.map(() => '?').join(', ')})` : '0');
    args.push(...list);
  }
  if (q.parent === null) where.push('r.parent_run_id IS NULL');
  else if (q.parent !== undefined) {
    where.push('r.parent_run_id = ?');
    args.push(q.parent);
  }
  for (const f of q.filter ?? []) where.push(filterSql(f, args));
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const sort = q.sort ?? { key: 'created_at', dir: 'desc' };
  const sk = parseKey(sort.key);
  // The experiments join is needed only when its name is filtered or sorted on.
  const needsExperiment =
    q.experiment !== undefined ||
    /\be\.name\b/.test(whereSql) ||
    (sk.kind === 'column' && sk.name === 'experiment');
  const from = `FROM runs r${needsExperiment ? ' JOIN experiments e ON e.id = r.experiment_id' : ''}`;

  const dir = sort.dir === 'asc' ? 'ASC' : 'DESC';
  let join = '';
  const joinArgs: unknown[] = [];
  let order: string;
  if (sk.kind === 'metric') {
    join = 'LEFT JOIN metrics sm ON sm.run_id = r.id AND sm.name = ?';
    joinArgs.push(sk.name);
    order = `(sm.value IS NULL), sm.value ${dir}`;
  } else if (sk.kind === 'param') {
    join = 'LEFT JOIN params sp ON sp.run_id = r.id AND sp.key = ?';
    joinArgs.push(sk.name);
    order = `(sp.run_id IS NULL), sp.num ${dir}, sp.text ${dir}`;
  } else if (sk.kind === 'tags') {
    order = `r.tags_json ${dir}`;
  } else if (sk.kind === 'tag') {
    join = "CROSS JOIN (SELECT '$.' || json_quote(?) AS tag_path) tp";
    joinArgs.push(sk.name);
    order = `(json_extract(r.tags_json, tp.tag_path) IS NULL), json_extract(r.tags_json, tp.tag_path) ${dir}`;
  } else {
    const col = COLUMNS[sk.name];
    // NOT NULL columns sort without the nulls-last term, so their index can serve the ORDER BY.
    order = col.notNull ? `${col.sql} ${dir}` : `(${col.sql} IS NULL), ${col.sql} ${dir}`;
  }
  const limit = q.limit === undefined ? -1 : Math.max(0, Math.trunc(q.limit));
  const offset = Math.max(0, Math.trunc(q.offset ?? 0));
  if (where.length === 0 && (sk.kind === 'metric' || sk.kind === 'param')) {
    const total = (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n;
    return { total, runs: readRuns(db, indexOrderedPage(db, sk.kind, sk.name, dir, limit, offset)) };
  }
  const countAll = (): number =>
    (db.prepare(`SELECT count(*) AS n ${from} ${whereSql}`).get(...args) as { n: number }).n;
  // Sort ids only (a narrow sorter), then read the page's full rows by primary key. With filters the
  // total comes from a window count in the same pass (the filter runs once); without, a plain count
  // plus an index-ordered page is cheaper, as the window would force a full sort.
  const windowed = where.length > 0;
  const page = db
    .prepare(
      `SELECT r.id${windowed ? ', count(*) OVER () AS total' : ''} ${from} ${join} ${whereSql}
       ORDER BY ${order}, r.id ${dir} LIMIT ? OFFSET ?`,
    )
    .all(...joinArgs, ...args, limit, offset) as { id: string; total?: number }[];
  const total = windowed && page.length > 0 ? page[0].total! : countAll();
  return {
    total,
    runs: readRuns(
      db,
      page.map((r) => r.id),
    ),
  };
}

/**
 * Unfiltered sort by a metric or param: walk the (name, value) / (key, num, text) index in order for
 * the runs that have it, then the runs that do not (by id) — the same order as the general query,
 * without sorting every run.
 */
function indexOrderedPage(
  db: Database.Database,
  kind: 'metric' | 'param',
  name: string,
  dir: 'ASC' | 'DESC',
  limit: number,
  offset: number,
): string[] {
  const [table, keyCol, order] =
    kind === 'metric'
      ? ['metrics', 'name', `value ${dir}, run_id ${dir}`]
      : ['params', 'key', `num ${dir}, text ${dir}, run_id ${dir}`];
  const ids = (
    db
      .prepare(`SELECT run_id AS id FROM ${table} WHERE ${keyCol} = ? ORDER BY ${order} LIMIT ? OFFSET ?`)
      .all(name, limit, offset) as { id: string }[]
  ).map((r) => r.id);
  if (limit >= 0 && ids.length >= limit) return ids;
  const have = (
    db.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${keyCol} = ?`).get(name) as { n: number }
  ).n;
  const rest = db
    .prepare(
      `SELECT r.id FROM runs r WHERE NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.run_id = r.id AND x.${keyCol} = ?)
       ORDER BY r.id ${dir} LIMIT ? OFFSET ?`,
    )
    .all(name, limit < 0 ? -1 : limit - ids.length, Math.max(0, offset - have)) as { id: string }[];
  return [...ids, ...rest.map((r) => r.id)];
}

/** Full rows for the ids, in the ids' order. */
function readRuns(db: Database.Database, ids: string[]): RunSummary[] {
  if (ids.length === 0) return [];
  const rows = db
    .prepare(
      `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
       WHERE r.id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify(ids)) as RunRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => toSummary(byId.get(id)!));
}
