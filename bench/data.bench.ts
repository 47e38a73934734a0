/**
 * `npm run bench -- data [--companies 1000000] [--seed 0] [--repeat 3] [--smote-rows 100000] [--work-dir DIR] [--keep]`
 *
 * The front half of the pipeline against the reference (peer) pandas / imbalanced-learn code
 * (../shared/bench), same machine, same run, one after the other:
 *
 * 1. generate: our `generateSample` vs the peer's gen_data.py, `--companies` companies (one run each).
 * 2. load + features: the three CSVs the peer's generator wrote → one row per company with the 29
 *    peer features. Ours: loadDataset with config/experiments/peer_parity.yaml's feature definition
 *    (all-time, no cutoff: the same work as the peer), plus our default point-in-time cutoff and the
 *    windows mode for reference. Peer: load_hubspot + build_hubspot_frame from peer_train.py.
 *    `--repeat` runs per side in one process each; medians quoted.
 * 3. SMOTENC on `--smote-rows` encoded training rows (4 % positives, 29 columns, 2 categorical):
 *    ours vs imbalanced-learn's SMOTENC, both with median imputation first, k = 5, ratio 1.
 *
 * Writes bench/results/data.md and ends with one JSON line {"bench":"data",...}.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  FrameworkConfigSchema,
  type FrameworkConfig,
  type FrameworkConfigInput,
} from '../src/shared/config/schema';
import { generateSample } from '../src/main/core/data/generate';
import { loadDataset } from '../src/main/core/data/load';
import { stratifiedSplit } from '../src/main/core/data/split';
import { takeRows } from '../src/main/core/data/table';
import { FeaturePipeline } from '../src/main/core/features/pipeline';
import { smote } from '../src/main/core/features/smote';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PY = '/usr/bin/python3';
const BENCH = process.env.MLSYS_PEER_BENCH ?? path.resolve(ROOT, '../shared/bench');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}
function argStr(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Share of the machine used by other processes over an interval (from /proc/stat and our own CPU). */
function cpuSnapshot() {
  const v = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1, 9).map(Number);
  const busy = (v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / 100;
  const u = process.cpuUsage();
  return { busy, own: (u.user + u.system) / 1e6, wall: performance.now() / 1000 };
}
/** `childCpu`: CPU seconds of a child process that ran in the interval (not "other" load either). */
function bgShare(a: ReturnType<typeof cpuSnapshot>, b: ReturnType<typeof cpuSnapshot>, childCpu = 0): number {
  const wall = Math.max(b.wall - a.wall, 1e-9);
  const other = Math.max(0, b.busy - a.busy - (b.own - a.own) - childCpu);
  return Math.min(1, other / (wall * os.cpus().length));
}

const PEER_LOAD = `
import json, sys, time, resource
sys.path.insert(0, sys.argv[1])
from peer_train import load_hubspot, build_hubspot_frame
out = []
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter(); c, n, u = load_hubspot(sys.argv[2]); t1 = time.perf_counter()
    X, y, cats = build_hubspot_frame(c, n, u); t2 = time.perf_counter()
    out.append({"load_s": t1 - t0, "features_s": t2 - t1, "total_s": t2 - t0, "rows": int(len(y)),
                "n_features": int(X.shape[1]), "usage_sum": float(X["ACTIONS_CRM_CONTACTS_sum"].sum())})
    del c, n, u, X, y
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"runs": out, "peak_rss_mb": ru.ru_maxrss / 1024, "cpu_s": ru.ru_utime + ru.ru_stime}))
`;

const PEER_SMOTE = `
import json, sys, time, warnings
import numpy as np
from imblearn.over_sampling import SMOTENC
X = np.fromfile(sys.argv[1], dtype=np.float32).reshape(int(sys.argv[3]), int(sys.argv[4]))
y = np.fromfile(sys.argv[2], dtype=np.uint8)
cats = json.loads(sys.argv[5])
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    t = time.perf_counter()
    Xr, yr = SMOTENC(categorical_features=cats, random_state=0, k_neighbors=5).fit_resample(X, y)
    s = time.perf_counter() - t
print(json.dumps({"smote_s": s, "rows_out": int(len(yr)), "positives_out": int(yr.sum())}))
`;

function config(dataDir: string, features: FrameworkConfigInput['features']): FrameworkConfig {
  return FrameworkConfigSchema.parse({ data: { data_dir: dataDir }, features });
}

async function main(): Promise<void> {
  const companies = arg('companies', 1_000_000);
  const seed = arg('seed', 0);
  const repeat = arg('repeat', 3);
  const smoteRows = arg('smote-rows', 100_000);
  const work = argStr('work-dir') ?? mkdtempSync(path.join(os.tmpdir(), 'mlsys-bench-data-'));
  mkdirSync(work, { recursive: true });
  const peerAvailable = existsSync(PY) && existsSync(path.join(BENCH, 'gen_data.py'));
  const started = new Date().toISOString();
  console.log(`data bench: ${companies} companies, seed ${seed}, repeat ${repeat}, work dir ${work}`);
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );

  // 1. generation
  const oursDir = path.join(work, 'ours');
  const s0 = cpuSnapshot();
  const t0 = performance.now();
  const info = generateSample({ companies, seed, outDir: oursDir });
  const oursGen = (performance.now() - t0) / 1000;
  const genBg = bgShare(s0, cpuSnapshot());
  console.log(
    `generate  ours ${oursGen.toFixed(2)} s (${info.usage_rows} usage rows; other load ${(100 * genBg).toFixed(0)} %)`,
  );
  const peerDir = path.join(work, 'peer');
  let peerGen: number | undefined;
  if (peerAvailable) {
    const t = performance.now();
    execFileSync(PY, [
      path.join(BENCH, 'gen_data.py'),
      '--companies',
      String(companies),
      '--seed',
      String(seed),
      '--out',
      peerDir,
    ]);
    peerGen = (performance.now() - t) / 1000;
    console.log(`generate  peer ${peerGen.toFixed(2)} s (process wall time, gen_data.py)`);
  }
  const dataDir = peerAvailable ? peerDir : oursDir;

  // 2. load + features on the same files
  const variants: [string, FrameworkConfigInput['features']][] = [
    ['peer_parity', { usage: { mode: 'all_time' }, cutoff: { rule: 'none' } }],
    ['point_in_time', { usage: { mode: 'all_time' } }],
    ['windows', { usage: { mode: 'windows' } }],
  ];
  const ours: Record<string, { total_s: number[]; load_s: number[]; features_s: number[]; bg: number[] }> =
    {};
  let parityRows = 0;
  let paritySum = 0;
  let peakRss = 0;
  for (const [name, features] of variants) {
    const runs = name === 'peer_parity' ? repeat : 1;
    ours[name] = { total_s: [], load_s: [], features_s: [], bg: [] };
    for (let k = 0; k < runs; k++) {
      (globalThis as { gc?: () => void }).gc?.();
      const a = cpuSnapshot();
      const t = performance.now();
      const ds = await loadDataset(config(dataDir, features));
      const total = (performance.now() - t) / 1000;
      ours[name].total_s.push(total);
      ours[name].load_s.push(ds.timings.load_s);
      ours[name].features_s.push(ds.timings.features_s);
      ours[name].bg.push(bgShare(a, cpuSnapshot()));
      peakRss = Math.max(peakRss, process.memoryUsage().rss / 1e6);
      if (name === 'peer_parity') {
        parityRows = ds.y.length;
        const col = ds.table.columns.find((c) => c.name === 'ACTIONS_CRM_CONTACTS_sum')!
          .values as Float64Array;
        paritySum = col.reduce((x, v) => x + v, 0);
      }
      console.log(
        `load+features ours ${name.padEnd(13)} ${total.toFixed(2)} s (read ${ds.timings.load_s.toFixed(2)} + ` +
          `features ${ds.timings.features_s.toFixed(2)}; ${ds.table.columns.length} features)`,
      );
    }
  }
  let peer:
    | {
        runs: { total_s: number; load_s: number; features_s: number; rows: number; usage_sum: number }[];
        peak_rss_mb: number;
        cpu_s: number;
      }
    | undefined;
  let peerBg = 0;
  if (peerAvailable) {
    const a = cpuSnapshot();
    const r = spawnSync(PY, ['-c', PEER_LOAD, BENCH, dataDir, String(repeat)], { maxBuffer: 1 << 24 });
    const b = cpuSnapshot();
    if (r.status !== 0) throw new Error(`peer load failed: ${r.stderr.toString()}`);
    peer = JSON.parse(r.stdout.toString());
    peerBg = bgShare(a, b, peer!.cpu_s);
    for (const run of peer!.runs) {
      console.log(
        `load+features peer peer_parity   ${run.total_s.toFixed(2)} s (read ${run.load_s.toFixed(2)} + features ${run.features_s.toFixed(2)})`,
      );
    }
    if (
      peer!.runs[0].rows !== parityRows ||
      Math.abs(peer!.runs[0].usage_sum - paritySum) > 1e-6 * paritySum
    ) {
      throw new Error(
        `parity check failed: peer ${peer!.runs[0].rows} rows / ${peer!.runs[0].usage_sum}, ours ${parityRows} / ${paritySum}`,
      );
    }
    console.log(
      `parity: same ${parityRows} companies and the same ACTIONS_CRM_CONTACTS_sum total (${paritySum})`,
    );
  }

  // 3. SMOTENC on an encoded training sample
  const sample = await loadDataset(
    config(dataDir, { usage: { mode: 'all_time' }, cutoff: { rule: 'none' }, smote: { enabled: true } }),
  );
  const take = Math.min(smoteRows, sample.y.length);
  const { test: idx } = stratifiedSplit(
    sample.y,
    take / sample.y.length < 1 ? take / sample.y.length : 0.999,
    seed,
  );
  const table = takeRows(sample.table, idx);
  const y = Uint8Array.from(idx, (i) => sample.y[i]);
  const cfg = config(dataDir, { smote: { enabled: true } });
  const pipe = FeaturePipeline.fit(table, y, cfg.features, { forAlgorithm: 'gbdt' });
  const X = pipe.transform(table);
  const cats = pipe.categoricalFeatureIndices();
  let t = performance.now();
  const res = smote(X, y, { kind: 'smotenc', kNeighbors: 5, samplingStrategy: 1, categorical: cats, seed });
  const oursSmote = (performance.now() - t) / 1000;
  console.log(
    `SMOTENC ours ${oursSmote.toFixed(2)} s: ${X.rows} rows (${y.reduce((a, v) => a + v, 0)} positive) → ${res.X.rows}`,
  );
  let peerSmote: { smote_s: number; rows_out: number } | undefined;
  if (peerAvailable) {
    const xf = path.join(work, 'smote_X.f32');
    const yf = path.join(work, 'smote_y.u8');
    writeFileSync(xf, Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength));
    writeFileSync(yf, y);
    t = performance.now();
    const r = spawnSync(PY, ['-c', PEER_SMOTE, xf, yf, String(X.rows), String(X.cols), JSON.stringify(cats)]);
    if (r.status !== 0) throw new Error(`peer SMOTENC failed: ${r.stderr.toString()}`);
    peerSmote = JSON.parse(r.stdout.toString());
    console.log(
      `SMOTENC peer ${peerSmote!.smote_s.toFixed(2)} s (imbalanced-learn): → ${peerSmote!.rows_out}`,
    );
  }

  const oursParity = median(ours.peer_parity.total_s);
  const peerParity = peer ? median(peer.runs.map((r) => r.total_s)) : undefined;
  const result = {
    bench: 'data',
    companies,
    seed,
    repeat,
    usage_rows: info.usage_rows,
    generate_ours_s: r3(oursGen),
    generate_peer_s: peerGen !== undefined ? r3(peerGen) : null,
    generate_ratio: peerGen !== undefined ? r3(oursGen / peerGen) : null,
    load_features_ours_s: r3(oursParity),
    load_features_ours_read_s: r3(median(ours.peer_parity.load_s)),
    load_features_ours_agg_s: r3(median(ours.peer_parity.features_s)),
    load_features_peer_s: peerParity !== undefined ? r3(peerParity) : null,
    load_features_peer_read_s: peer ? r3(median(peer.runs.map((r) => r.load_s))) : null,
    load_features_peer_agg_s: peer ? r3(median(peer.runs.map((r) => r.features_s))) : null,
    load_features_ratio: peerParity !== undefined ? r3(oursParity / peerParity) : null,
    point_in_time_s: r3(ours.point_in_time.total_s[0]),
    windows_s: r3(ours.windows.total_s[0]),
    smote_rows: X.rows,
    smote_ours_s: r3(oursSmote),
    smote_peer_s: peerSmote ? r3(peerSmote.smote_s) : null,
    smote_ratio: peerSmote ? r3(oursSmote / peerSmote.smote_s) : null,
    ours_peak_rss_mb: Math.round(peakRss),
    peer_load_peak_rss_mb: peer ? Math.round(peer.peak_rss_mb) : null,
    bg_cpu_frac_ours_load: r3(median(ours.peer_parity.bg)),
    bg_cpu_frac_peer_load: r3(peerBg),
    loadavg_1m_end: r3(os.loadavg()[0]),
    started,
  };
  writeReport(result, process.argv.slice(2));
  if (!process.argv.includes('--keep') && !argStr('work-dir')) rmSync(work, { recursive: true, force: true });
  console.log(JSON.stringify(result));
}

function writeReport(r: Record<string, unknown>, args: string[]): void {
  const v = (k: string) => (r[k] === null || r[k] === undefined ? 'n/a' : String(r[k]));
  const md = `# Benchmark: data (generate, load + features, SMOTENC)

Date: ${String(r.started)}. Command: \`npm run bench -- data ${args.join(' ')}\`.
Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; shared with other
jobs. Other processes used ${(100 * Number(r.bg_cpu_frac_ours_load)).toFixed(0)} % of the machine during our loads
and ${(100 * Number(r.bg_cpu_frac_peer_load)).toFixed(0)} % during the peer's (1-min load average at the end:
${v('loadavg_1m_end')}). Both sides ran back to back; when those shares differ a lot, the ratio
favours the side that ran on the quieter machine.

Data: ${v('companies')} companies, ${v('usage_rows')} usage rows (peer gen_data.py, seed ${v('seed')}).

| step | ours | peer | ours / peer |
|---|---|---|---|
| generate (one run) | ${v('generate_ours_s')} s | ${v('generate_peer_s')} s (gen_data.py) | ${v('generate_ratio')} |
| load + 29 features, median of ${v('repeat')} | ${v('load_features_ours_s')} s | ${v('load_features_peer_s')} s (pandas) | ${v('load_features_ratio')} |
| — read CSVs | ${v('load_features_ours_read_s')} s | ${v('load_features_peer_read_s')} s | |
| — dedupe, label, aggregate | ${v('load_features_ours_agg_s')} s | ${v('load_features_peer_agg_s')} s | |
| SMOTENC, ${v('smote_rows')} rows × 29, k = 5, ratio 1 | ${v('smote_ours_s')} s | ${v('smote_peer_s')} s (imbalanced-learn) | ${v('smote_ratio')} |

Ours also: point-in-time cutoff (the default) ${v('point_in_time_s')} s; windows mode (7/28/90 days, 91
features) ${v('windows_s')} s. Peak RSS: ours ${v('ours_peak_rss_mb')} MB (whole bench process), peer
loader ${v('peer_load_peak_rss_mb')} MB.

The parity load uses the peer's definition (all-time aggregates, no cutoff) so both sides do the same
work; the bench checks both produce the same companies and the same column total before timing counts.

\`\`\`json
${JSON.stringify(r)}
\`\`\`
`;
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/data.md'), md);
}

void main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
});
