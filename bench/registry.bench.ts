/**
 * `npm run bench -- registry [--runs 10000] [--reps 21] [--skip-peer] [--keep]`
 *
 * Fills a fresh registry with `--runs` runs of 30 params and 20 metrics each, then times (medians of
 * `--reps` after warm-up):
 *   list    — newest-first page of 100 with the total count;
 *   filter  — 3 filters (param text =, param numeric >=, metric >) sorted by a metric, page of 100;
 *   sort    — all runs sorted by a numeric param, page of 100; list_all — every run, parsed;
 *   promote — registerModelVersion (bundle copy + champion policy) and a manual promote.
 * Peers in the same run, on the same database file: a naive in-process approach (read every param and
 * metric row, filter and sort in JS), and Python's sqlite3 (Debian's SQLite) running the same SQL as
 * listRuns for the filter query and parsing the same JSON columns. Ends with one JSON line {"bench":"registry",...}.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry, type ListRunsQuery } from '../src/main/core/registry/index';
import { Rng } from '../src/main/core/util/rng';

const PYTHON = '/usr/bin/python3';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
const RUNS = arg('runs', 10_000);
const REPS = arg('reps', 21);
const skipPeer = process.argv.includes('--skip-peer');

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r2 = (x: number): number => Math.round(x * 100) / 100;

function time(fn: () => unknown, reps = REPS, warmup = 2): { median: number; p90: number } {
  for (let i = 0; i < warmup; i++) fn();
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { median: median(t), p90: t[Math.min(t.length - 1, Math.floor(t.length * 0.9))] };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'mlsys-bench-registry-'));
const reg = Registry.open(dir);
const rng = new Rng(7);
const ALGOS = ['gbdt', 'logistic', 'mlp'];

function runParams(i: number): Record<string, unknown> {
  const p: Record<string, unknown> = {
    'model.algorithm': ALGOS[i % 3],
    'model.hyperparameters.max_depth': 2 + rng.int(10),
    'model.hyperparameters.learning_rate': Math.round(rng.next() * 1000) / 1000,
    'model.hyperparameters.n_estimators': 50 * (1 + rng.int(20)),
    'data.random_state': i,
    'data.test_size': 0.2,
    'features.categorical.encoding': rng.next() < 0.5 ? 'ordinal' : 'onehot',
    'features.usage.mode': 'all_time',
    'model.calibration': rng.next() < 0.5 ? 'isotonic' : 'sigmoid',
    'features.smote.enabled': rng.next() < 0.3,
  };
  for (let k = Object.keys(p).length; k < 30; k++)
    p[`extra.param_${k}`] = k % 2 ? rng.int(1000) : `v${rng.int(50)}`;
  return p;
}
function runMetrics(): Record<string, number> {
  const m: Record<string, number> = { roc_auc: 0.6 + rng.next() * 0.35, log_loss: 0.2 + rng.next() * 0.5 };
  for (let k = 2; k < 20; k++) m[`metric_${k}`] = rng.next();
  return m;
}

console.log(`registry benchmark: ${RUNS} runs × 30 params × 20 metrics in ${dir}`);
const t0 = performance.now();
const BATCH = 500;
const fill = reg.db.transaction((from: number, to: number) => {
  for (let i = from; i < to; i++) {
    const run = reg.createRun({
      experiment: i % 10 === 0 ? 'tuning' : 'churn',
      name: `run-${i}`,
      config_yaml: `seed: ${i}\n`,
      config_hash: `h${i}`,
      params: runParams(i),
      seed: i,
      data_fingerprint: 'fp',
      tags: i % 7 === 0 ? { baseline: '' } : {},
      status: 'running',
    });
    reg.logMetrics(run.id, runMetrics());
    reg.setRunStatus(run.id, i % 25 === 0 ? 'failed' : 'succeeded');
  }
});
for (let i = 0; i < RUNS; i += BATCH) fill.immediate(i, Math.min(RUNS, i + BATCH));
const fillS = (performance.now() - t0) / 1000;
console.log(`filled in ${fillS.toFixed(1)} s (${Math.round(RUNS / fillS)} runs/s, batches of ${BATCH} runs)`);

const filterQuery: ListRunsQuery = {
  filter: [
    { key: 'params.model.algorithm', op: '=', value: 'gbdt' },
    { key: 'params.model.hyperparameters.max_depth', op: '>=', value: 6 },
    { key: 'metrics.roc_auc', op: '>', value: 0.75 },
  ],
  sort: { key: 'metrics.roc_auc', dir: 'desc' },
  limit: 100,
};
const list = time(() => reg.listRuns({ limit: 100 }));
const filter = time(() => reg.listRuns(filterQuery));
const sort = time(() =>
  reg.listRuns({ sort: { key: 'params.model.hyperparameters.learning_rate', dir: 'asc' }, limit: 100 }),
);
const listAll = time(() => reg.listRuns({}), Math.max(5, Math.floor(REPS / 3)));
const filtered = reg.listRuns(filterQuery);
console.log(`filter matches ${filtered.total} of ${RUNS} runs`);

// Naive peer: every param and metric row into objects, filter + sort + page in JS.
function naiveFilter(): { total: number; ids: string[] } {
  const runs = new Map<string, { params: Record<string, unknown>; metrics: Record<string, number> }>();
  for (const r of reg.db.prepare('SELECT id FROM runs').all() as { id: string }[])
    runs.set(r.id, { params: {}, metrics: {} });
  for (const p of reg.db.prepare('SELECT run_id, key, value_json FROM params').iterate() as Iterable<{
    run_id: string;
    key: string;
    value_json: string;
  }>) {
    runs.get(p.run_id)!.params[p.key] = JSON.parse(p.value_json);
  }
  for (const m of reg.db.prepare('SELECT run_id, name, value FROM metrics').iterate() as Iterable<{
    run_id: string;
    name: string;
    value: number;
  }>) {
    runs.get(m.run_id)!.metrics[m.name] = m.value;
  }
  const hits = [...runs.entries()].filter(
    ([, r]) =>
      r.params['model.algorithm'] === 'gbdt' &&
      (r.params['model.hyperparameters.max_depth'] as number) >= 6 &&
      r.metrics.roc_auc > 0.75,
  );
  hits.sort((a, b) => b[1].metrics.roc_auc - a[1].metrics.roc_auc);
  return { total: hits.length, ids: hits.slice(0, 100).map(([id]) => id) };
}
const naive = time(naiveFilter, Math.max(3, Math.floor(REPS / 5)), 1);
const naiveRes = naiveFilter();
if (naiveRes.total !== filtered.total || naiveRes.ids.join() !== filtered.runs.map((r) => r.id).join()) {
  throw new Error('naive peer and listRuns disagree');
}

// Register + promote: a fresh run and a ~200 kB bundle per version, prepared outside the timing.
const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'mlsys-bench-bundles-'));
const prepared = Array.from({ length: REPS + 2 }, (_, k) => {
  const run = reg.createRun({
    experiment: 'churn',
    config_yaml: 'x: 1\n',
    config_hash: 'h',
    params: runParams(k),
    seed: k,
    data_fingerprint: 'fp',
  });
  const file = path.join(bundleDir, `${k}.bundle`);
  writeFileSync(
    file,
    JSON.stringify({
      kind: 'mlsys.bundle',
      format_version: 1,
      metadata: { run_id: run.id, eval_fingerprint: 'e' },
      signature: { columns: [] },
      threshold: 0.5,
      model: { trees: 'x'.repeat(200_000), k },
    }),
  );
  return { run: run.id, file };
});
let k = 0;
const registerT: number[] = [];
const promoteT: number[] = [];
for (const p of prepared) {
  const s = performance.now();
  const res = reg.registerModelVersion({
    name: 'bench-model',
    run_id: p.run,
    bundle_path: p.file,
    metrics: { roc_auc: 0.7 + rng.next() * 0.2 },
    primary_metric: 'roc_auc',
    min_improvement: 0.001,
    eval_fingerprint: 'e',
    signature: { columns: [] },
  });
  const s2 = performance.now();
  const target = res.promoted ? Math.max(1, res.version.version - 1) : res.version.version;
  if (reg.getChampion('bench-model')?.version !== target) {
    reg.promote('bench-model', target, { reason: 'bench' });
  }
  const s3 = performance.now();
  if (k++ >= 2) {
    registerT.push(s2 - s);
    promoteT.push(s3 - s2);
  }
}
const registerMs = median(registerT);
const promoteMs = median(promoteT);
const registerPromoteMs = median(registerT.map((x, i) => x + promoteT[i]));
const stamp = time(() => reg.championStamp(), 1000, 10);

let peerFilterMs: number | null = null;
if (!skipPeer) {
  reg.db.pragma('wal_checkpoint(TRUNCATE)');
  const peer = `
import json, sqlite3, statistics, sys, time
db = sqlite3.connect(sys.argv[1])
reps = int(sys.argv[2])
where = """WHERE r.id IN (SELECT run_id FROM params WHERE key = 'model.algorithm' AND (text = 'gbdt'))
  AND r.id IN (SELECT run_id FROM params WHERE key = 'model.hyperparameters.max_depth' AND num >= 6)
  AND r.id IN (SELECT run_id FROM metrics WHERE name = 'roc_auc' AND value > 0.75)"""
def q():
    page = db.execute("""SELECT r.id, count(*) OVER () AS total FROM runs r
      LEFT JOIN metrics sm ON sm.run_id = r.id AND sm.name = 'roc_auc' """ + where +
      " ORDER BY (sm.value IS NULL), sm.value DESC, r.id DESC LIMIT 100").fetchall()
    ids = [p[0] for p in page]
    rows = db.execute("""SELECT r.id, e.name, r.name, r.status, r.created_at, r.started_at, r.ended_at, r.duration_ms,
      r.config_hash, r.data_fingerprint, r.seed, r.error, r.parent_run_id, r.tags_json, r.notes, r.params_json, r.metrics_json
      FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id IN (SELECT value FROM json_each(?))""",
      (json.dumps(ids),)).fetchall()
    by_id = {r[0]: (r[0], json.loads(r[13]), json.loads(r[15]), json.loads(r[16])) for r in rows}
    return page[0][1], [by_id[i] for i in ids]
for _ in range(2): q()
ts = []
for _ in range(reps):
    t = time.perf_counter(); total, rows = q(); ts.append((time.perf_counter() - t) * 1000)
print(json.dumps({"filter_ms": statistics.median(ts), "total": total, "ids": [r[0] for r in rows]}))
`;
  const r = spawnSync(PYTHON, ['-c', peer, path.join(dir, 'registry.db'), String(REPS)], {
    encoding: 'utf8',
  });
  if (r.status === 0) {
    const out = JSON.parse(r.stdout.trim()) as { filter_ms: number; total: number; ids: string[] };
    if (out.total !== filtered.total || out.ids.join() !== filtered.runs.map((x) => x.id).join()) {
      throw new Error('python peer and listRuns disagree');
    }
    peerFilterMs = out.filter_ms;
  } else {
    console.log(`python peer failed: ${r.stderr}`);
  }
}

console.log('');
console.log(`list (page of 100 + total)        median ${r2(list.median)} ms  p90 ${r2(list.p90)} ms`);
console.log(`filter (3 filters, metric sort)   median ${r2(filter.median)} ms  p90 ${r2(filter.p90)} ms`);
console.log(`sort by a param (page of 100)     median ${r2(sort.median)} ms  p90 ${r2(sort.p90)} ms`);
console.log(`list all ${RUNS} runs (parsed)     median ${r2(listAll.median)} ms`);
console.log(
  `naive JS peer, same filter        median ${r2(naive.median)} ms  (${r2(naive.median / filter.median)}× ours)`,
);
if (peerFilterMs !== null) {
  console.log(
    `python sqlite3 peer, same SQL     median ${r2(peerFilterMs)} ms  (${r2(peerFilterMs / filter.median)}× ours)`,
  );
}
console.log(`registerModelVersion (200 kB)     median ${r2(registerMs)} ms`);
console.log(`promote                           median ${r2(promoteMs)} ms`);
console.log(`register + promote                median ${r2(registerPromoteMs)} ms`);
console.log(`championStamp()                   median ${r2(stamp.median * 1000)} µs`);

reg.close();
if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
else console.log(`kept ${dir}`);
rmSync(bundleDir, { recursive: true, force: true });
console.log(
  JSON.stringify({
    bench: 'registry',
    runs: RUNS,
    params_per_run: 30,
    metrics_per_run: 20,
    fill_s: r2(fillS),
    list_ms: r2(list.median),
    filter_ms: r2(filter.median),
    sort_ms: r2(sort.median),
    list_all_ms: r2(listAll.median),
    filter_matches: filtered.total,
    naive_filter_ms: r2(naive.median),
    python_sqlite_filter_ms: peerFilterMs === null ? null : r2(peerFilterMs),
    // The promote_ms: registering a version (bundle copy + policy) and promoting, together.
    promote_ms: r2(registerPromoteMs),
    register_only_ms: r2(registerMs),
    promote_only_ms: r2(promoteMs),
    champion_stamp_us: r2(stamp.median * 1000),
  }),
);
