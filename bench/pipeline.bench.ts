/**
 * `npm run bench -- pipeline [--companies 100000,1000000] [--data-seed 0] [--work-dir DIR] [--keep]
 *                            [--skip-peer] [--peer-env default,omp_passive] [--skip-ours] [--no-profile]
 *                            [--peer-dir DIR]`
 *
 * End to end: `mlsys train` (load 3 CSVs → features → train → calibrate → evaluate → write bundle and
 * registry) against the reference pandas + scikit-learn + XGBoost pipeline (../shared/bench/peer_train.py)
 * on the same generated assessment data (the peer's gen_data.py), same machine, one run per side, one
 * after the other. Both sides: the peer's 29 features (all-time usage, no cutoff), 80/20 stratified
 * split, isotonic calibration on a 0.1 hold-out of train, 200 trees of depth 6, eta 0.1, 256 bins,
 * 2 threads. Ours runs config/experiments/peer_parity.yaml.
 *
 * Each side's whole process is measured from outside (wall time, peak RSS and CPU from /usr/bin/time -v,
 * other processes' share of the machine from /proc/stat); the peer also reports its own phase timings
 * (total_s excludes Python start-up and imports, reported as import_s), ours its run duration from
 * the registry and its phase timings (from `mlsys train --json` when it prints `seconds`, else from a
 * second run of runPipeline in a child process; --no-profile skips that). Writes bench/results/pipeline.<n>.json
 * per size and ends with one JSON line {"bench":"pipeline",...} for the largest size.
 *
 * The peer runs twice by default: in the plain environment and with OMP_WAIT_POLICY=PASSIVE (see
 * PEER_ENVS); time_ratio is against the faster of the two, time_ratio_default_env against the plain one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PYTHON = '/usr/bin/python3';
const GNU_TIME = '/usr/bin/time';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PARITY_CONFIG = 'config/experiments/peer_parity.yaml';

/** The peer's settings that match peer_parity.yaml. */
export const PEER_ARGS = [
  '--seed',
  '42',
  '--test-size',
  '0.2',
  '--calibration-size',
  '0.1',
  '--n-estimators',
  '200',
  '--max-depth',
  '6',
  '--learning-rate',
  '0.1',
  '--nthread',
  '2',
  '--tree-method',
  'hist',
];

// ------------------------------------------------------------------------------------------- parsing

export interface TimeV {
  wall_s: number;
  user_s: number;
  sys_s: number;
  peak_rss_mb: number;
}

/** Parses GNU time's `-v` report (elapsed h:mm:ss or m:ss.ss; max RSS in kbytes). */
export function parseTimeV(text: string): TimeV | null {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = line.match(/^\s*(.*):\s+(\S+)$/);
    if (m) fields.set(m[1], m[2]);
  }
  const rss = fields.get('Maximum resident set size (kbytes)');
  const user = fields.get('User time (seconds)');
  const sys = fields.get('System time (seconds)');
  const elapsed = fields.get('Elapsed (wall clock) time (h:mm:ss or m:ss)');
  if (rss === undefined || user === undefined || sys === undefined || elapsed === undefined) return null;
  const wall = elapsed
    .split(':')
    .map(Number)
    .reduce((acc, v) => acc * 60 + v, 0);
  return { wall_s: wall, user_s: Number(user), sys_s: Number(sys), peak_rss_mb: Number(rss) / 1024 };
}

/** The last stdout line that is a JSON object (the peer prints exactly one). */
export function lastJsonLine(stdout: string): Record<string, unknown> {
  const line = stdout
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{') && l.endsWith('}'))
    .pop();
  if (!line) throw new Error(`no JSON line in output:\n${stdout.slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** `mlsys train --json` prints one (pretty-printed) JSON document, possibly after other lines. */
export function parseTrainJson(stdout: string): Record<string, unknown> {
  const text = stdout.trim();
  const candidates = [0, ...[...text.matchAll(/\n\{/g)].map((m) => (m.index ?? 0) + 1)];
  for (const start of candidates) {
    try {
      const v = JSON.parse(text.slice(start)) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not this one
    }
  }
  throw new Error(`no JSON document in mlsys output:\n${stdout.slice(-2000)}`);
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : NaN);
const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

// ----------------------------------------------------------------------------------------- measuring

interface CpuSnapshot {
  busy_s: number;
}

function cpuSnapshot(): CpuSnapshot {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
  // user nice system idle iowait irq softirq steal; clock ticks are 100 Hz on Linux
  return { busy_s: (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / 100 };
}

export interface Measured {
  code: number;
  stdout: string;
  stderr: string;
  wall_s: number;
  peak_rss_mb: number;
  cpu_s: number;
  /** Share of the machine's capacity used by other processes while this one ran. */
  bg_cpu_frac: number;
}

const haveGnuTime = (() => {
  if (!existsSync(GNU_TIME)) return false;
  try {
    return readFileSync(GNU_TIME).includes(Buffer.from('Maximum resident set size'));
  } catch {
    return false;
  }
})();

/** Polls VmHWM (peak RSS) of a process; used only when GNU time is unavailable. */
function pollPeakRss(pid: number): () => number {
  let peakKb = 0;
  const read = () => {
    try {
      const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/);
      if (m) peakKb = Math.max(peakKb, Number(m[1]));
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(read, 100);
  return () => {
    read();
    clearInterval(timer);
    return peakKb / 1024;
  };
}

/** Runs a command to completion, measuring wall time, peak RSS, own CPU and background load. */
export async function runMeasured(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Measured> {
  const timeFile = haveGnuTime
    ? path.join(os.tmpdir(), `pipeline-bench-time-${process.pid}-${Date.now()}`)
    : '';
  const [exe, argv] = haveGnuTime ? [GNU_TIME, ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const snap0 = cpuSnapshot();
  const t0 = performance.now();
  const child = spawn(exe, argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stopPoll = haveGnuTime || child.pid === undefined ? null : pollPeakRss(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const wall = (performance.now() - t0) / 1000;
  const snap1 = cpuSnapshot();
  let peak = stopPoll ? stopPoll() : NaN;
  let cpu = NaN;
  if (haveGnuTime) {
    const tv = existsSync(timeFile) ? parseTimeV(readFileSync(timeFile, 'utf8')) : null;
    rmSync(timeFile, { force: true });
    if (tv) {
      peak = tv.peak_rss_mb;
      cpu = tv.user_s + tv.sys_s;
    }
  }
  const other = Number.isFinite(cpu) ? Math.max(0, snap1.busy_s - snap0.busy_s - cpu) : NaN;
  return {
    code,
    stdout,
    stderr,
    wall_s: wall,
    peak_rss_mb: peak,
    cpu_s: cpu,
    bg_cpu_frac: Math.min(1, other / (wall * os.cpus().length)),
  };
}

// ------------------------------------------------------------------------------------------- sides

export interface SideResult {
  /** Whole process, start to exit (includes interpreter start-up and imports). */
  wall_s: number;
  /** The pipeline's own timing: peer total_s; ours the run's duration in the registry. */
  pipeline_s: number;
  peak_rss_mb: number;
  cpu_s: number;
  bg_cpu_frac: number;
  roc_auc: number;
  roc_auc_raw: number;
  pr_auc: number;
  log_loss: number;
  brier: number;
  n_test: number | null;
  phases: Record<string, number>;
  /** CPU seconds (all threads) per phase, where known. */
  phase_cpu: Record<string, number>;
}

export function generateData(
  peerDir: string,
  companies: number,
  seed: number,
  out: string,
): Promise<Measured> {
  return runMeasured(PYTHON, [
    path.join(peerDir, 'gen_data.py'),
    '--companies',
    String(companies),
    '--seed',
    String(seed),
    '--out',
    out,
  ]);
}

/**
 * How the peer's process is started. `default` is the plain environment. `omp_passive` sets
 * OMP_WAIT_POLICY=PASSIVE: XGBoost's OpenMP threads otherwise spin at every barrier, and on a machine
 * shared with other busy processes that spinning multiplies its fit time (measured: 40 s → 4 s at 100k
 * companies with the box ~80 % busy), so the plain run alone would flatter us.
 */
export const PEER_ENVS = {
  default: {},
  omp_passive: { OMP_WAIT_POLICY: 'PASSIVE' },
} as const satisfies Record<string, Record<string, string>>;
export type PeerEnv = keyof typeof PEER_ENVS;

export async function runPeer(
  peerDir: string,
  dataDir: string,
  modelOut: string,
  peerEnv: PeerEnv = 'default',
): Promise<SideResult> {
  const m = await runMeasured(
    PYTHON,
    [path.join(peerDir, 'peer_train.py'), '--data', dataDir, ...PEER_ARGS, '--model-out', modelOut],
    { env: { ...process.env, ...PEER_ENVS[peerEnv] } },
  );
  if (m.code !== 0) throw new Error(`peer_train.py exited ${m.code}:\n${m.stderr.slice(-4000)}`);
  const r = lastJsonLine(m.stdout);
  const phases: Record<string, number> = {};
  for (const k of [
    'import_s',
    'load_s',
    'features_s',
    'fit_s',
    'calib_s',
    'predict_s',
    'metrics_s',
    'save_s',
  ]) {
    if (typeof r[k] === 'number') phases[k.replace(/_s$/, '')] = r[k];
  }
  return {
    wall_s: m.wall_s,
    pipeline_s: num(r.total_s),
    peak_rss_mb: m.peak_rss_mb,
    cpu_s: m.cpu_s,
    bg_cpu_frac: m.bg_cpu_frac,
    roc_auc: num(r.roc_auc),
    roc_auc_raw: num(r.roc_auc_uncalibrated ?? r.roc_auc),
    pr_auc: num(r.pr_auc),
    log_loss: num(r.log_loss),
    brier: num(r.brier),
    n_test: typeof r.n_test === 'number' ? r.n_test : null,
    phases,
    phase_cpu: { fit: num(r.fit_cpu_s), total: num(r.cpu_s) },
  };
}

/** The run's duration as the registry recorded it (worker start to recorded result), in seconds. */
async function registryDuration(home: string, runId: string): Promise<number> {
  try {
    const { Registry } = await import('../src/main/core/registry/index');
    const reg = Registry.open(path.join(home, 'registry'));
    try {
      const ms = reg.getRun(runId)?.duration_ms;
      return typeof ms === 'number' ? ms / 1000 : NaN;
    } finally {
      reg.close();
    }
  } catch {
    return NaN;
  }
}

/** The built CLI (what `npm run mlsys` runs once built): its workers are prebuilt, no tsx at run time. */
const BUILT_CLI = 'out/main/cli.js';

/** Builds the app once so the benchmark measures the CLI users run, not tsx transpiling sources. */
export function ensureBuilt(): void {
  const r = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (r.status !== 0) throw new Error('electron-vite build failed');
}

/** Wall time of `mlsys --version`: Node start-up and importing every CLI command module. */
export async function cliStartup(): Promise<number> {
  const m = await runMeasured(process.execPath, [BUILT_CLI, '--version'], {
    cwd: ROOT,
  });
  if (m.code !== 0) throw new Error(`mlsys --version exited ${m.code}:\n${m.stderr.slice(-2000)}`);
  return m.wall_s;
}

export async function runOurs(dataDir: string, home: string): Promise<SideResult> {
  const m = await runMeasured(
    process.execPath,
    [BUILT_CLI, 'train', '--config', PARITY_CONFIG, '--data-dir', dataDir, '--json', '--no-progress'],
    { cwd: ROOT, env: { ...process.env, MLSYS_HOME: home } },
  );
  if (m.code !== 0) throw new Error(`mlsys train exited ${m.code}:\n${m.stderr.slice(-4000)}`);
  const r = parseTrainJson(m.stdout);
  const metrics = obj(r.metrics);
  const calibrated = (k: string) => num(metrics[`${k}_calibrated`] ?? metrics[k]);
  const phases: Record<string, number> = {};
  for (const [k, v] of Object.entries(obj(r.seconds))) if (typeof v === 'number') phases[k] = v;
  const runId = typeof r.run_id === 'string' ? r.run_id : '';
  return {
    wall_s: m.wall_s,
    pipeline_s: runId ? await registryDuration(home, runId) : NaN,
    peak_rss_mb: m.peak_rss_mb,
    cpu_s: m.cpu_s,
    bg_cpu_frac: m.bg_cpu_frac,
    // ours reports roc_auc etc. on the raw model output and *_calibrated on the served probabilities
    roc_auc: calibrated('roc_auc'),
    roc_auc_raw: num(metrics.roc_auc),
    pr_auc: calibrated('pr_auc'),
    log_loss: calibrated('log_loss'),
    brier: calibrated('brier'),
    n_test: null,
    phases,
    phase_cpu: {},
  };
}

/**
 * Our pipeline's phase timings: `runPipeline` (what the training worker runs) in a child process on the
 * same data and config, printing `seconds` (load, features, fit, calibration, evaluate, save, total).
 */
export async function profileOurs(
  dataDir: string,
  outDir: string,
): Promise<{ seconds: Record<string, number>; cpu: Record<string, number>; roc_auc: number }> {
  const m = await runMeasured(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--child-profile', dataDir, outDir],
    { cwd: ROOT },
  );
  if (m.code !== 0) throw new Error(`profile run exited ${m.code}:\n${m.stderr.slice(-4000)}`);
  const r = lastJsonLine(m.stdout);
  const numbers = (v: unknown) =>
    Object.fromEntries(Object.entries(obj(v)).filter((e): e is [string, number] => typeof e[1] === 'number'));
  return {
    seconds: numbers(r.seconds),
    cpu: numbers(r.cpu),
    roc_auc: num(obj(r.metrics).roc_auc_calibrated),
  };
}

/** Runs the pipeline in this process; CPU seconds (all threads) are booked to the progress stage. */
async function childProfile(dataDir: string, outDir: string): Promise<void> {
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const cpu: Record<string, number> = {};
  let stage = 'startup';
  let mark = 0;
  const book = (next: string) => {
    const now = cpuNow();
    cpu[stage] = (cpu[stage] ?? 0) + now - mark;
    stage = next;
    mark = now;
  };
  const { loadConfig } = await import('../src/main/core/config/load');
  const { runPipeline } = await import('../src/main/core/training/pipeline');
  const resolved = await loadConfig(path.join(ROOT, PARITY_CONFIG), { env: {}, overrides: { dataDir } });
  const result = await runPipeline(
    { run_id: 'profile', config_yaml: resolved.yaml, out_dir: outDir, base_dir: ROOT },
    { onProgress: (p) => p.stage !== stage && book(p.stage) },
  );
  book('done');
  delete cpu.done;
  cpu.total = cpuNow();
  console.log(JSON.stringify({ seconds: result.seconds, cpu, metrics: result.metrics }));
}

// ----------------------------------------------------------------------------------------- summary

const r3 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null);
const r5 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1e5) / 1e5 : null);

/** The peer run to compare against: the fastest (by whole-process wall time) of those made. */
export function bestPeer(peers: Partial<Record<PeerEnv, SideResult>>): [PeerEnv, SideResult] | null {
  let best: [PeerEnv, SideResult] | null = null;
  for (const [k, v] of Object.entries(peers) as Array<[PeerEnv, SideResult | undefined]>) {
    if (v && (!best || v.wall_s < best[1].wall_s)) best = [k, v];
  }
  return best;
}

export function summarise(
  companies: number,
  ours: SideResult | null,
  peers: Partial<Record<PeerEnv, SideResult>>,
) {
  const best = bestPeer(peers);
  const peer = best?.[1] ?? null;
  const o = (k: keyof SideResult): number => (ours ? num(ours[k]) : NaN);
  const p = (k: keyof SideResult): number => (peer ? num(peer[k]) : NaN);
  const pd = peers.default;
  return {
    bench: 'pipeline',
    companies,
    ours_s: r3(o('wall_s')),
    peer_s: r3(p('wall_s')),
    time_ratio: r3(o('wall_s') / p('wall_s')),
    peer_env: best?.[0] ?? null,
    peer_default_env_s: r3(pd ? pd.wall_s : NaN),
    time_ratio_default_env: r3(pd ? o('wall_s') / pd.wall_s : NaN),
    ours_cpu_s: r3(o('cpu_s')),
    peer_cpu_s: r3(p('cpu_s')),
    cpu_ratio: r3(o('cpu_s') / p('cpu_s')),
    ours_pipeline_s: r3(o('pipeline_s')),
    peer_total_s: r3(p('pipeline_s')),
    pipeline_ratio: r3(o('pipeline_s') / p('pipeline_s')),
    ours_auc: r5(o('roc_auc')),
    peer_auc: r5(p('roc_auc')),
    auc_delta: r5(o('roc_auc') - p('roc_auc')),
    auc_raw_delta: r5(o('roc_auc_raw') - p('roc_auc_raw')),
    ours_rss_mb: r3(o('peak_rss_mb')),
    peer_rss_mb: r3(p('peak_rss_mb')),
    rss_ratio: r3(o('peak_rss_mb') / p('peak_rss_mb')),
    ours_bg_cpu_frac: r3(o('bg_cpu_frac')),
    peer_bg_cpu_frac: r3(p('bg_cpu_frac')),
  };
}

function fmt(v: number | null | undefined, digits = 2): string {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '—';
}

const PEER_LABEL: Record<PeerEnv, string> = {
  default: 'peer (pandas+sklearn+xgboost)',
  omp_passive: 'peer, OMP_WAIT_POLICY=PASSIVE',
};

function table(
  companies: number,
  ours: SideResult | null,
  peers: Partial<Record<PeerEnv, SideResult>>,
): string {
  const sides: Array<[string, SideResult | null]> = [
    ['ours (mlsys train)', ours],
    ...(Object.entries(peers) as Array<[PeerEnv, SideResult]>).map(([k, v]): [string, SideResult] => [
      PEER_LABEL[k],
      v,
    ]),
  ];
  const row = (label: string, f: (x: SideResult) => number, digits = 2) =>
    `| ${label} | ${sides.map(([, x]) => fmt(x ? f(x) : NaN, digits)).join(' | ')} |`;
  const lines = [
    `| ${companies.toLocaleString('en-US')} companies | ${sides.map(([l]) => l).join(' | ')} |`,
    `|---|${sides.map(() => '--:').join('|')}|`,
    row('wall time, whole process (s)', (x) => x.wall_s),
    row('pipeline own time (s)', (x) => x.pipeline_s),
    row('CPU user+sys (s)', (x) => x.cpu_s, 1),
    row('peak RSS (MB)', (x) => x.peak_rss_mb, 0),
    row('other load on the box (share)', (x) => x.bg_cpu_frac, 3),
    row('ROC-AUC (calibrated)', (x) => x.roc_auc, 5),
    row('ROC-AUC (raw model)', (x) => x.roc_auc_raw, 5),
    row('PR-AUC (calibrated)', (x) => x.pr_auc, 5),
    row('log loss (calibrated)', (x) => x.log_loss, 5),
    row('Brier (calibrated)', (x) => x.brier, 5),
  ];
  const phaseNames = [...new Set(sides.flatMap(([, x]) => Object.keys(x?.phases ?? {})))];
  for (const k of phaseNames) lines.push(row(`phase ${k} (s)`, (x) => x.phases[k] ?? NaN));
  const cpuNames = [...new Set(sides.flatMap(([, x]) => Object.keys(x?.phase_cpu ?? {})))];
  for (const k of cpuNames) lines.push(row(`CPU in ${k} (s)`, (x) => x.phase_cpu[k] ?? NaN));
  return lines.join('\n');
}

// -------------------------------------------------------------------------------------------- main

/** The commit measured (MLSYS_BENCH_COMMIT when run from an exported snapshot) and uncommitted changes. */
function sourceVersion(): { commit: string | null; dirty: boolean | null } {
  const git = (args: string[]) => spawnSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' });
  const head = git(['rev-parse', 'HEAD']);
  if (head.status !== 0) return { commit: process.env.MLSYS_BENCH_COMMIT ?? null, dirty: null };
  const status = git(['status', '--porcelain', '--', 'src', 'config']);
  return { commit: head.stdout.trim(), dirty: status.stdout.trim().length > 0 };
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const child = process.argv.indexOf('--child-profile');
  if (child >= 0) return childProfile(process.argv[child + 1], process.argv[child + 2]);
  const sizes = (argValue('companies') ?? '100000,1000000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  if (sizes.length === 0)
    throw new Error('--companies: expected a comma-separated list of positive integers');
  const dataSeed = Number(argValue('data-seed') ?? 0);
  const peerDir = path.resolve(argValue('peer-dir') ?? path.join(ROOT, '..', 'shared', 'bench'));
  const skipPeer = process.argv.includes('--skip-peer');
  const peerEnvs = (argValue('peer-env') ?? 'default,omp_passive').split(',').map((e) => e.trim());
  for (const e of peerEnvs)
    if (!(e in PEER_ENVS))
      throw new Error(`--peer-env: expected ${Object.keys(PEER_ENVS).join(' | ')}, got ${e}`);
  const skipOurs = process.argv.includes('--skip-ours');
  const profile = !process.argv.includes('--no-profile');
  if (!skipOurs) ensureBuilt();
  const userWork = argValue('work-dir');
  const work = userWork ? path.resolve(userWork) : mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-'));
  const keep = process.argv.includes('--keep') || userWork !== undefined;
  mkdirSync(work, { recursive: true });
  if (!existsSync(path.join(peerDir, 'peer_train.py'))) throw new Error(`no peer_train.py in ${peerDir}`);
  console.log(
    `pipeline bench: companies ${sizes.join(', ')}; data seed ${dataSeed}; work dir ${work}; ` +
      `${os.cpus().length} cores; peak RSS via ${haveGnuTime ? '/usr/bin/time -v' : '/proc VmHWM polling'}`,
  );
  const summaries: ReturnType<typeof summarise>[] = [];
  try {
    for (const companies of sizes) {
      const dataDir = path.join(work, `c${companies}_s${dataSeed}`);
      if (existsSync(path.join(dataDir, 'usage_actions.csv'))) {
        console.log(`\n[${companies}] data: reusing ${dataDir}`);
      } else {
        const g = await generateData(peerDir, companies, dataSeed, dataDir);
        if (g.code !== 0) throw new Error(`gen_data.py exited ${g.code}:\n${g.stderr}`);
        console.log(`\n[${companies}] data: generated in ${g.wall_s.toFixed(1)} s → ${dataDir}`);
      }
      const peers: Partial<Record<PeerEnv, SideResult>> = {};
      let ours: SideResult | null = null;
      for (const e of skipPeer ? [] : (peerEnvs as PeerEnv[])) {
        const envText = Object.entries(PEER_ENVS[e])
          .map(([k, v]) => `${k}=${v} `)
          .join('');
        console.log(`[${companies}] peer: ${envText}${PYTHON} peer_train.py --data … ${PEER_ARGS.join(' ')}`);
        const r = await runPeer(peerDir, dataDir, path.join(work, `peer_model_${companies}_${e}`), e);
        peers[e] = r;
        console.log(`[${companies}] peer (${e}): ${r.wall_s.toFixed(1)} s wall, AUC ${r.roc_auc.toFixed(5)}`);
      }
      if (!skipOurs) {
        const home = path.join(work, `mlsys_home_${companies}_${Date.now()}`);
        console.log(
          `[${companies}] ours: mlsys train --config ${PARITY_CONFIG} --data-dir … (MLSYS_HOME=${home})`,
        );
        ours = await runOurs(dataDir, home);
        console.log(`[${companies}] ours: ${ours.wall_s.toFixed(1)} s wall, AUC ${ours.roc_auc.toFixed(5)}`);
        if (profile && Object.keys(ours.phases).length === 0) {
          const pr = await profileOurs(dataDir, path.join(work, `profile_${companies}_${Date.now()}`));
          ours.phases = { cli_startup: await cliStartup(), ...pr.seconds };
          ours.phase_cpu = pr.cpu;
          if (Math.abs(pr.roc_auc - ours.roc_auc) > 1e-9)
            console.log(
              `[${companies}] WARNING: the profile run's AUC ${fmt(pr.roc_auc, 5)} differs from the CLI run's ` +
                `${fmt(ours.roc_auc, 5)} (same seed and data must give the same model): did the code change mid-run?`,
            );
          console.log(
            `[${companies}] ours: phase timings from a second, in-process runPipeline run ` +
              `(total ${fmt(pr.seconds.total)} s, AUC ${fmt(pr.roc_auc, 5)})`,
          );
        }
      }
      const summary = summarise(companies, ours, peers);
      summaries.push(summary);
      console.log('\n' + table(companies, ours, peers) + '\n');
      console.log(
        `time ratio (whole process, vs the faster peer run: ${summary.peer_env ?? '—'}) ` +
          `${fmt(summary.time_ratio, 3)} (target ≤ 0.5); vs the plain-environment peer ` +
          `${fmt(summary.time_ratio_default_env, 3)}; CPU ratio ${fmt(summary.cpu_ratio, 3)}; ` +
          `pipeline-only ratio ${fmt(summary.pipeline_ratio, 3)}; AUC delta ${fmt(summary.auc_delta, 5)} ` +
          `(target |Δ| ≤ 0.005)`,
      );
      mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
      writeFileSync(
        path.join(ROOT, 'bench', 'results', `pipeline.${companies}.json`),
        JSON.stringify(
          {
            date: new Date().toISOString(),
            command: `npm run bench -- pipeline ${process.argv.slice(2).join(' ')}`.trim(),
            host: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
            source: sourceVersion(),
            summary,
            ours,
            peers,
          },
          null,
          1,
        ) + '\n',
      );
    }
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
  for (const s of summaries.slice(0, -1)) console.log(JSON.stringify(s));
  console.log(JSON.stringify(summaries[summaries.length - 1]));
}

const invokedDirectly =
  process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) await main();
