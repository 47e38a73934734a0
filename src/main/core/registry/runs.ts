import type Database from 'better-sqlite3';
import { RegistryError } from './errors';
import { newRunId } from './ids';
import { currentOwner, ownerState } from './owner';
import { encodeParam, sameValue } from './params';
import {
  RUN_STATUSES,
  type ArtifactInput,
  type ArtifactRecord,
  type CreateRunInput,
  type MetricPoint,
  type RunDetail,
  type RunDiff,
  type RunRecord,
  type RunStatus,
  type RunSummary,
} from './types';

export interface RunRow {
  id: string;
  experiment: string;
  name: string | null;
  status: RunStatus;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  config_hash: string;
  data_fingerprint: string;
  seed: number;
  error: string | null;
  parent_run_id: string | null;
  tags_json: string;
  notes: string | null;
  params_json: string;
  metrics_json: string;
}

export const RUN_COLUMNS = `r.id, e.name AS experiment, r.name, r.status, r.created_at, r.started_at, r.ended_at,
  r.duration_ms, r.config_hash, r.data_fingerprint, r.seed, r.error, r.parent_run_id, r.tags_json, r.notes,
  r.params_json, r.metrics_json`;

export function toSummary(row: RunRow): RunSummary {
  const { tags_json, params_json, metrics_json, ...rest } = row;
  return {
    ...rest,
    tags: JSON.parse(tags_json) as Record<string, string>,
    params: JSON.parse(params_json) as Record<string, unknown>,
    metrics: JSON.parse(metrics_json) as Record<string, number>,
  };
}

export function toRecord(row: RunRow): RunRecord {
  const { params: _p, metrics: _m, ...rec } = toSummary(row);
  return rec;
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['succeeded', 'failed', 'cancelled', 'interrupted']);
const ALLOWED: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['queued', 'running', 'failed', 'cancelled'],
  running: ['running', 'succeeded', 'failed', 'cancelled', 'interrupted'],
  succeeded: [],
  failed: [],
  cancelled: [],
  interrupted: [],
};

function normaliseTags(tags: Record<string, string> | undefined): Record<string, string> {
  const entries = Object.entries(tags ?? {})
    .map(([k, v]) => [k.trim(), String(v)] as const)
    .filter(([k]) => k !== '');
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function experimentId(db: Database.Database, name: string, now: string): number {
  db.prepare('INSERT INTO experiments (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING').run(
    name,
    now,
  );
  return (db.prepare('SELECT id FROM experiments WHERE name = ?').get(name) as { id: number }).id;
}

export function getRunRow(db: Database.Database, id: string): RunRow | undefined {
  return db
    .prepare(`SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`)
    .get(id) as RunRow | undefined;
}

function requireRun(db: Database.Database, id: string): RunRow {
  const row = getRunRow(db, id);
  if (!row) throw new RegistryError(`No run with id ${id}.`);
  return row;
}

export function createRun(db: Database.Database, input: CreateRunInput): RunRecord {
  if (!input.experiment) throw new RegistryError('createRun: experiment is required.');
  if (!Number.isFinite(input.seed)) throw new RegistryError('createRun: seed must be a finite number.');
  const status = input.status ?? 'queued';
  if (status !== 'queued' && status !== 'running') {
    throw new RegistryError(`createRun: a new run is queued or running, not ${status}.`);
  }
  const id = input.id ?? newRunId();
  const now = new Date().toISOString();
  // The creating process owns a queued run too: its queue lives in memory and dies with it.
  const owner = currentOwner();
  db.transaction(() => {
    if (input.parent_run_id) requireRun(db, input.parent_run_id);
    if (input.id && getRunRow(db, input.id)) throw new RegistryError(`A run with id ${input.id} exists.`);
    const expId = experimentId(db, input.experiment, now);
    db.prepare(
      `INSERT INTO runs (id, experiment_id, name, status, created_at, started_at, config_yaml, config_hash,
        data_fingerprint, seed, parent_run_id, tags_json, notes, owner_pid, owner_host, owner_start, params_json)
       VALUES (@id, @expId, @name, @status, @now, @started, @config_yaml, @config_hash, @data_fingerprint, @seed,
        @parent, @tags, @notes, @pid, @host, @start, @params_json)`,
    ).run({
      id,
      expId,
      name: input.name ?? null,
      status,
      now,
      started: status === 'running' ? now : null,
      config_yaml: input.config_yaml,
      config_hash: input.config_hash,
      data_fingerprint: input.data_fingerprint,
      seed: Math.trunc(input.seed),
      parent: input.parent_run_id ?? null,
      tags: JSON.stringify(normaliseTags(input.tags)),
      notes: input.notes ?? null,
      pid: owner.pid,
      host: owner.host,
      start: owner.start,
      params_json: JSON.stringify(input.params),
    });
    const insert = db.prepare(
      'INSERT INTO params (run_id, key, value_json, num, text) VALUES (?, ?, ?, ?, ?)',
    );
    for (const [key, value] of Object.entries(input.params)) {
      const p = encodeParam(value);
      insert.run(id, key, p.value_json, p.num, p.text);
    }
  }).immediate();
  return toRecord(requireRun(db, id));
}

export function setRunStatus(
  db: Database.Database,
  id: string,
  status: RunStatus,
  opts: { error?: string } = {},
): RunRecord {
  if (!RUN_STATUSES.includes(status)) throw new RegistryError(`Unknown run status ${status}.`);
  db.transaction(() => {
    const row = requireRun(db, id);
    if (!ALLOWED[row.status].includes(status)) {
      throw new RegistryError(`Run ${id} is ${row.status}; it cannot become ${status}.`);
    }
    const now = new Date();
    if (status === 'running') {
      const owner = currentOwner();
      db.prepare(
        `UPDATE runs SET status = 'running', started_at = COALESCE(started_at, ?), owner_pid = ?, owner_host = ?,
         owner_start = ? WHERE id = ?`,
      ).run(now.toISOString(), owner.pid, owner.host, owner.start, id);
    } else if (TERMINAL.has(status)) {
      const duration = row.started_at ? now.getTime() - Date.parse(row.started_at) : null;
      db.prepare(
        `UPDATE runs SET status = ?, ended_at = ?, duration_ms = ?, error = ?, owner_pid = NULL,
         owner_host = NULL, owner_start = NULL WHERE id = ?`,
      ).run(status, now.toISOString(), duration, opts.error ?? null, id);
    } else {
      db.prepare('UPDATE runs SET status = ? WHERE id = ?').run(status, id);
    }
  }).immediate();
  return toRecord(requireRun(db, id));
}

export function logMetrics(db: Database.Database, id: string, metrics: Record<string, number>): void {
  for (const [k, v] of Object.entries(metrics)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new RegistryError(`Metric ${k} of run ${id} must be a finite number, got ${String(v)}.`);
    }
  }
  db.transaction(() => {
    const row = requireRun(db, id);
    const upsert = db.prepare(
      'INSERT INTO metrics (run_id, name, value) VALUES (?, ?, ?) ON CONFLICT(run_id, name) DO UPDATE SET value = excluded.value',
    );
    for (const [k, v] of Object.entries(metrics)) upsert.run(id, k, v);
    const merged = { ...(JSON.parse(row.metrics_json) as Record<string, number>), ...metrics };
    db.prepare('UPDATE runs SET metrics_json = ? WHERE id = ?').run(JSON.stringify(merged), id);
  }).immediate();
}

export function logMetricHistory(
  db: Database.Database,
  id: string,
  name: string,
  points: MetricPoint[],
): void {
  db.transaction(() => {
    requireRun(db, id);
    const upsert = db.prepare(
      `INSERT INTO metric_history (run_id, name, step, value) VALUES (?, ?, ?, ?)
       ON CONFLICT(run_id, name, step) DO UPDATE SET value = excluded.value`,
    );
    for (const p of points) {
      if (!Number.isInteger(p.step) || !Number.isFinite(p.value)) {
        throw new RegistryError(
          `Metric history ${name} of run ${id}: step must be an integer and value finite.`,
        );
      }
      upsert.run(id, name, p.step, p.value);
    }
  }).immediate();
}

export function addArtifact(db: Database.Database, id: string, a: ArtifactInput): ArtifactRecord {
  if (!/^[0-9a-f]{64}$/i.test(a.sha256))
    throw new RegistryError(`Artifact ${a.path}: sha256 must be 64 hex chars.`);
  const now = new Date().toISOString();
  const info = db
    .transaction(() => {
      requireRun(db, id);
      return db
        .prepare(
          'INSERT INTO artifacts (run_id, path, kind, bytes, sha256, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id, a.path, a.kind, a.bytes, a.sha256.toLowerCase(), now);
    })
    .immediate();
  return { id: Number(info.lastInsertRowid), ...a, sha256: a.sha256.toLowerCase(), created_at: now };
}

export function setRunNotes(db: Database.Database, id: string, notes: string | null): void {
  requireRun(db, id);
  db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(notes, id);
}

/** The data fingerprint is known only once the data is loaded, after the run was created. */
export function setRunDataFingerprint(db: Database.Database, id: string, fingerprint: string): void {
  requireRun(db, id);
  db.prepare('UPDATE runs SET data_fingerprint = ? WHERE id = ?').run(fingerprint, id);
}

export function setRunTags(db: Database.Database, id: string, tags: Record<string, string>): void {
  requireRun(db, id);
  db.prepare('UPDATE runs SET tags_json = ? WHERE id = ?').run(JSON.stringify(normaliseTags(tags)), id);
}

/** Deletes a run and its children; refused when a model version was registered from it. */
export function deleteRun(db: Database.Database, id: string): void {
  db.transaction(() => {
    requireRun(db, id);
    const used = db
      .prepare(
        `WITH RECURSIVE tree(id) AS (SELECT ? UNION ALL SELECT r.id FROM runs r JOIN tree t ON r.parent_run_id = t.id)
         SELECT count(*) AS n FROM model_versions WHERE run_id IN (SELECT id FROM tree)`,
      )
      .get(id) as { n: number };
    if (used.n > 0) throw new RegistryError(`Run ${id} has registered model versions; it cannot be deleted.`);
    db.prepare('DELETE FROM runs WHERE id = ?').run(id);
  }).immediate();
}

export function getRun(db: Database.Database, id: string): RunDetail | undefined {
  const row = getRunRow(db, id);
  if (!row) return undefined;
  const { config_yaml } = db.prepare('SELECT config_yaml FROM runs WHERE id = ?').get(id) as {
    config_yaml: string;
  };
  const history: Record<string, MetricPoint[]> = {};
  const points = db
    .prepare('SELECT name, step, value FROM metric_history WHERE run_id = ? ORDER BY name, step')
    .all(id) as { name: string; step: number; value: number }[];
  for (const p of points) (history[p.name] ??= []).push({ step: p.step, value: p.value });
  const artifacts = db
    .prepare('SELECT id, path, kind, bytes, sha256, created_at FROM artifacts WHERE run_id = ? ORDER BY id')
    .all(id) as ArtifactRecord[];
  const children = (
    db
      .prepare(
        `SELECT ${RUN_COLUMNS} FROM runs r JOIN experiments e ON e.id = r.experiment_id
         WHERE r.parent_run_id = ? ORDER BY r.created_at, r.id`,
      )
      .all(id) as RunRow[]
  ).map(toSummary);
  const model_versions = db
    .prepare(
      `SELECT m.name, v.version FROM model_versions v JOIN models m ON m.id = v.model_id
       WHERE v.run_id = ? ORDER BY m.name, v.version`,
    )
    .all(id) as { name: string; version: number }[];
  return { ...toSummary(row), config_yaml, history, artifacts, children, model_versions };
}

/** Changed config keys only (absent on one side counts as changed) and every metric with b − a. */
export function diffRuns(db: Database.Database, a: string, b: string): RunDiff {
  const ra = toSummary(requireRun(db, a));
  const rb = toSummary(requireRun(db, b));
  const paths = [...new Set([...Object.keys(ra.params), ...Object.keys(rb.params)])].sort();
  const config = paths
    .filter((p) => !(p in ra.params && p in rb.params && sameValue(ra.params[p], rb.params[p])))
    .map((p) => ({ path: p, a: ra.params[p], b: rb.params[p] }));
  const names = [...new Set([...Object.keys(ra.metrics), ...Object.keys(rb.metrics)])].sort();
  const metrics = names.map((name) => {
    const va = ra.metrics[name] ?? null;
    const vb = rb.metrics[name] ?? null;
    return { name, a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null };
  });
  return { config, metrics };
}

/**
 * Marks `running` and `queued` runs whose owning process has died as `interrupted`. Called on every
 * open, so a crash is noticed at the next start. Queued runs without a recorded owner are left alone.
 * Returns the ids marked.
 */
export function markInterrupted(db: Database.Database): string[] {
  return db
    .transaction(() => {
      const running = db
        .prepare(
          `SELECT id, status, started_at, owner_pid, owner_host, owner_start FROM runs
           WHERE status = 'running' OR (status = 'queued' AND owner_pid IS NOT NULL)`,
        )
        .all() as {
        id: string;
        status: 'queued' | 'running';
        started_at: string | null;
        owner_pid: number | null;
        owner_host: string | null;
        owner_start: string | null;
      }[];
      const now = new Date();
      const mark = db.prepare(
        `UPDATE runs SET status = 'interrupted', ended_at = ?, duration_ms = ?, owner_pid = NULL, owner_host = NULL,
         owner_start = NULL, error = COALESCE(error, ?) WHERE id = ? AND status = ?`,
      );
      const marked: string[] = [];
      for (const r of running) {
        if (ownerState({ pid: r.owner_pid, host: r.owner_host, start: r.owner_start }) === 'alive') continue;
        const duration = r.started_at ? now.getTime() - Date.parse(r.started_at) : null;
        mark.run(
          now.toISOString(),
          duration,
          r.status === 'running'
            ? `The process running it (pid ${r.owner_pid ?? '?'} on ${r.owner_host ?? '?'}) stopped without finishing the run.`
            : `The process that queued it (pid ${r.owner_pid} on ${r.owner_host ?? '?'}) exited before the run started.`,
          r.id,
          r.status,
        );
        marked.push(r.id);
      }
      return marked;
    })
    .immediate();
}
