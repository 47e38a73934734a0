/**
 * `npm run bench -- pipeline [--companies 100000,1000000] [--data-seed 0] [--work-dir DIR] [--keep]
 *                            [--skip-peer] [--skip-ours] [--peer-dir DIR]`
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
 * the registry and, when the CLI exposes them, its phase timings. Writes bench/results/pipeline.<n>.json
 * per size and ends with one JSON line {"bench":"pipeline",...} for the largest size.
 */
import { spawn } from 'node:child_process';
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

export async function runPeer(peerDir: string, dataDir: string, modelOut: string): Promise<SideResult> {
  const m = await runMeasured(PYTHON, [
    path.join(peerDir, 'peer_train.py'),
    '--data',
    dataDir,
    ...PEER_ARGS,
    '--model-out',
    modelOut,
  ]);
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

export async function runOurs(dataDir: string, home: string): Promise<SideResult> {
  const m = await runMeasured(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/main/cli/index.ts',
      'train',
      '--config',
      PARITY_CONFIG,
      '--data-dir',
      dataDir,
      '--json',
      '--no-progress',
    ],
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
  };
}

// ----------------------------------------------------------------------------------------- summary

const r3 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : null);
const r5 = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 1e5) / 1e5 : null);

export function summarise(companies: number, ours: SideResult | null, peer: SideResult | null) {
  const o = (k: keyof SideResult): number => (ours ? num(ours[k]) : NaN);
  const p = (k: keyof SideResult): number => (peer ? num(peer[k]) : NaN);
  return {
    bench: 'pipeline',
    companies,
    ours_s: r3(o('wall_s')),
    peer_s: r3(p('wall_s')),
    time_ratio: r3(o('wall_s') / p('wall_s')),
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

function table(companies: number, ours: SideResult | null, peer: SideResult | null): string {
  const rows: Array<[string, string, string]> = [
    ['wall time, whole process (s)', fmt(ours?.wall_s), fmt(peer?.wall_s)],
    ['pipeline own time (s)', fmt(ours?.pipeline_s), fmt(peer?.pipeline_s)],
    ['peak RSS (MB)', fmt(ours?.peak_rss_mb, 0), fmt(peer?.peak_rss_mb, 0)],
    ['CPU user+sys (s)', fmt(ours?.cpu_s, 1), fmt(peer?.cpu_s, 1)],
    ['other load on the box', fmt(ours?.bg_cpu_frac, 3), fmt(peer?.bg_cpu_frac, 3)],
    ['ROC-AUC (calibrated)', fmt(ours?.roc_auc, 5), fmt(peer?.roc_auc, 5)],
    ['ROC-AUC (raw model)', fmt(ours?.roc_auc_raw, 5), fmt(peer?.roc_auc_raw, 5)],
    ['PR-AUC (calibrated)', fmt(ours?.pr_auc, 5), fmt(peer?.pr_auc, 5)],
    ['log loss (calibrated)', fmt(ours?.log_loss, 5), fmt(peer?.log_loss, 5)],
    ['Brier (calibrated)', fmt(ours?.brier, 5), fmt(peer?.brier, 5)],
  ];
  const phaseNames = [...new Set([...Object.keys(ours?.phases ?? {}), ...Object.keys(peer?.phases ?? {})])];
  for (const k of phaseNames) rows.push([`  phase ${k} (s)`, fmt(ours?.phases[k]), fmt(peer?.phases[k])]);
  const lines = [
    `| ${companies.toLocaleString('en-US')} companies | ours (mlsys train) | peer (pandas+sklearn+xgboost) |`,
    '|---|--:|--:|',
    ...rows.map(([a, b, c]) => `| ${a} | ${b} | ${c} |`),
  ];
  return lines.join('\n');
}

// -------------------------------------------------------------------------------------------- main

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const sizes = (argValue('companies') ?? '100000,1000000')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  if (sizes.length === 0)
    throw new Error('--companies: expected a comma-separated list of positive integers');
  const dataSeed = Number(argValue('data-seed') ?? 0);
  const peerDir = path.resolve(argValue('peer-dir') ?? path.join(ROOT, '..', 'shared', 'bench'));
  const skipPeer = process.argv.includes('--skip-peer');
  const skipOurs = process.argv.includes('--skip-ours');
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
      let peer: SideResult | null = null;
      let ours: SideResult | null = null;
      if (!skipPeer) {
        console.log(`[${companies}] peer: ${PYTHON} peer_train.py --data … ${PEER_ARGS.join(' ')}`);
        peer = await runPeer(peerDir, dataDir, path.join(work, `peer_model_${companies}`));
        console.log(`[${companies}] peer: ${peer.wall_s.toFixed(1)} s wall, AUC ${peer.roc_auc.toFixed(5)}`);
      }
      if (!skipOurs) {
        const home = path.join(work, `mlsys_home_${companies}_${Date.now()}`);
        console.log(
          `[${companies}] ours: mlsys train --config ${PARITY_CONFIG} --data-dir … (MLSYS_HOME=${home})`,
        );
        ours = await runOurs(dataDir, home);
        console.log(`[${companies}] ours: ${ours.wall_s.toFixed(1)} s wall, AUC ${ours.roc_auc.toFixed(5)}`);
      }
      const summary = summarise(companies, ours, peer);
      summaries.push(summary);
      console.log('\n' + table(companies, ours, peer) + '\n');
      console.log(
        `time ratio (whole process) ${fmt(summary.time_ratio, 3)} (target ≤ 0.5); ` +
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
            summary,
            ours,
            peer,
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
