import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  generateData,
  lastJsonLine,
  profileOurs,
  parseTimeV,
  parseTrainJson,
  runMeasured,
  runOurs,
  ensureBuilt,
  runPeer,
  summarise,
  type SideResult,
} from './pipeline.bench';

const PEER_DIR = path.resolve(import.meta.dirname, '..', '..', 'shared', 'bench');
const havePeer = existsSync('/usr/bin/python3') && existsSync(path.join(PEER_DIR, 'peer_train.py'));

describe('pipeline bench: parsing', () => {
  it('reads GNU time -v output (elapsed in m:ss.ss and h:mm:ss)', () => {
    const text = [
      '\tCommand being timed: "node x.js"',
      '\tUser time (seconds): 12.50',
      '\tSystem time (seconds): 0.75',
      '\tElapsed (wall clock) time (h:mm:ss or m:ss): 1:02.25',
      '\tMaximum resident set size (kbytes): 204800',
      '\tExit status: 0',
    ].join('\n');
    expect(parseTimeV(text)).toEqual({ wall_s: 62.25, user_s: 12.5, sys_s: 0.75, peak_rss_mb: 200 });
    const long = text.replace('1:02.25', '1:00:03');
    expect(parseTimeV(long)?.wall_s).toBe(3603);
    expect(parseTimeV('Command exited with non-zero status 1')).toBeNull();
  });

  it('takes the last JSON line of the peer output and the JSON document of mlsys --json', () => {
    expect(lastJsonLine('warning: x\n{"a":1}\n{"roc_auc":0.9}\n')).toEqual({ roc_auc: 0.9 });
    expect(() => lastJsonLine('no json here')).toThrow(/no JSON line/);
    const doc = { run_id: 'r1', metrics: { roc_auc: 0.91, roc_auc_calibrated: 0.905 } };
    expect(parseTrainJson(JSON.stringify(doc, null, 2))).toEqual(doc);
    expect(parseTrainJson(`some log line {not json}\n${JSON.stringify(doc, null, 2)}\n`)).toEqual(doc);
    expect(() => parseTrainJson('oops')).toThrow(/no JSON document/);
  });

  it('summarises ratios and the AUC delta against the peer', () => {
    const side = (wall: number, auc: number, rss: number): SideResult => ({
      wall_s: wall,
      pipeline_s: wall - 1,
      peak_rss_mb: rss,
      cpu_s: wall,
      bg_cpu_frac: 0,
      roc_auc: auc,
      roc_auc_raw: auc + 0.001,
      pr_auc: 0.5,
      log_loss: 0.1,
      brier: 0.03,
      n_test: 100,
      phases: {},
      phase_cpu: {},
    });
    const s = summarise(1000, side(10, 0.9, 300), {
      default: side(80, 0.9021, 650),
      omp_passive: side(40, 0.902, 600),
    });
    expect(s).toMatchObject({
      bench: 'pipeline',
      companies: 1000,
      ours_s: 10,
      peer_s: 40,
      time_ratio: 0.25,
      peer_env: 'omp_passive',
      peer_default_env_s: 80,
      time_ratio_default_env: 0.125,
      cpu_ratio: 0.25,
      pipeline_ratio: 0.231,
      auc_delta: -0.002,
      rss_ratio: 0.5,
    });
    const plainOnly = summarise(1000, side(10, 0.9, 300), { default: side(20, 0.9, 600) });
    expect(plainOnly).toMatchObject({ peer_env: 'default', time_ratio: 0.5, time_ratio_default_env: 0.5 });
    const oursOnly = summarise(1000, side(10, 0.9, 300), {});
    expect(oursOnly.time_ratio).toBeNull();
    expect(oursOnly.peer_env).toBeNull();
    expect(oursOnly.ours_s).toBe(10);
  });
});

describe('pipeline bench: measuring', () => {
  it('measures wall time, CPU and peak RSS of a child process', async () => {
    const m = await runMeasured(process.execPath, [
      '-e',
      'const b = Buffer.alloc(150 * 1024 * 1024, 1); const t = Date.now(); while (Date.now() - t < 300); console.log(b[7])',
    ]);
    expect(m.code).toBe(0);
    expect(m.stdout.trim()).toBe('1');
    expect(m.wall_s).toBeGreaterThanOrEqual(0.3);
    expect(m.peak_rss_mb).toBeGreaterThan(150);
    expect(m.peak_rss_mb).toBeLessThan(1024);
    expect(m.bg_cpu_frac).toBeGreaterThanOrEqual(0);
    expect(m.bg_cpu_frac).toBeLessThanOrEqual(1);
  });

  it('reports a failing command by its exit code', async () => {
    const m = await runMeasured(process.execPath, ['-e', 'process.exit(3)']);
    expect(m.code).toBe(3);
  });
});

// Needs Debian's python3 with xgboost/sklearn/pandas and the read-only ../shared/bench scripts.
describe.skipIf(!havePeer)('pipeline bench: the peer contract', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('generates data and runs peer_train.py with the parity settings', async () => {
    const data = path.join(work, 'c3000');
    const g = await generateData(PEER_DIR, 3000, 0, data);
    expect(g.code).toBe(0);
    for (const f of ['customers.csv', 'noncustomers.csv', 'usage_actions.csv'])
      expect(existsSync(path.join(data, f))).toBe(true);
    const peer = await runPeer(PEER_DIR, data, path.join(work, 'model'), 'omp_passive');
    expect(peer.n_test).toBe(600);
    expect(peer.roc_auc).toBeGreaterThan(0.6);
    expect(peer.roc_auc).toBeLessThanOrEqual(1);
    expect(peer.roc_auc_raw).toBeGreaterThan(0.6);
    expect(peer.pipeline_s).toBeGreaterThan(0);
    expect(peer.wall_s).toBeGreaterThan(peer.pipeline_s);
    expect(Object.keys(peer.phases)).toEqual(
      expect.arrayContaining(['import', 'load', 'features', 'fit', 'calib', 'predict', 'save']),
    );
    expect(peer.peak_rss_mb).toBeGreaterThan(20);
    expect(peer.phase_cpu.fit).toBeGreaterThan(0);
    expect(peer.phase_cpu.total).toBeGreaterThanOrEqual(peer.phase_cpu.fit);
    expect(existsSync(path.join(work, 'model', 'model.json'))).toBe(true);
  }, 120_000);

  it('runs mlsys train on the same data and profiles runPipeline', async () => {
    const data = path.join(work, 'c3000');
    if (!existsSync(path.join(data, 'usage_actions.csv')))
      expect((await generateData(PEER_DIR, 3000, 0, data)).code).toBe(0);
    ensureBuilt(); // the benchmark runs the built CLI
    const ours = await runOurs(data, path.join(work, 'home'));
    expect(ours.roc_auc).toBeGreaterThan(0.6);
    expect(ours.roc_auc_raw).toBeGreaterThan(0.6);
    expect(ours.pipeline_s).toBeGreaterThan(0);
    expect(ours.wall_s).toBeGreaterThan(ours.pipeline_s);
    expect(ours.peak_rss_mb).toBeGreaterThan(50);
    expect(existsSync(path.join(work, 'home', 'registry'))).toBe(true);
    const prof = await profileOurs(data, path.join(work, 'profile'));
    expect(prof.roc_auc).toBeCloseTo(ours.roc_auc, 10); // same seed, same data → same model
    expect(Object.keys(prof.seconds)).toEqual(expect.arrayContaining(['load', 'features', 'fit', 'total']));
    expect(prof.cpu.total).toBeGreaterThan(0);
    expect(prof.cpu.training).toBeGreaterThan(0);
  }, 120_000);
});
