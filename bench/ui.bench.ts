/**
 * `npm run bench -- ui [--runs 10000] [--repeats 5] [--no-build]`
 *
 * Seeds N runs (30 params, 20 metrics each, seeded values) into a temp MLSYS_HOME through the
 * registry, starts the built browser-mode server on it, opens the app in Chromium (Debian's, the
 * launch args of playwright.config.ts) and measures inside the page, with performance.now():
 *  - first render (median of --repeats freshly loaded pages): click "Runs" in the nav → the first
 *    table row is painted (after the next frame),
 *    including the `runs.list` call for the newest page (the full list follows in the background;
 *    its arrival is reported too); then warm (cached) re-renders;
 *  - filter: typing a filter expression → the filtered rows are painted, several expressions.
 * Targets: first render < 1 s, filter < 100 ms. Ends with one JSON line
 * {"bench":"ui","runs":…,"first_render_ms":…,"filter_ms":…}.
 */
import { spawnSync } from 'node:child_process';
import { launchAppServer } from './app-server';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { Registry } from '../src/main/core/registry';
import { Rng } from '../src/main/core/util/rng';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const ROOT = path.resolve(import.meta.dirname, '..');
const argNum = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = argNum('runs', 10_000);
const REPEATS = argNum('repeats', 5);
const CHROMIUM = CHROMIUM_PATH;
const LAUNCH_ARGS = CHROMIUM_ARGS;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r1 = (x: number) => Math.round(x * 10) / 10;

function seed(registryDir: string, n: number): number {
  const started = performance.now();
  const rng = new Rng(20260101);
  const reg = Registry.open(registryDir);
  const algorithms = ['gbdt', 'logistic', 'mlp'];
  const insert = reg.db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const algorithm = algorithms[i % 3];
      const params: Record<string, unknown> = {
        'model.algorithm': algorithm,
        'model.max_depth': 3 + rng.int(8),
        'model.learning_rate': Math.round((0.01 + rng.next() * 0.3) * 1e4) / 1e4,
        'model.n_estimators': 50 + 50 * rng.int(8),
        'model.min_child_weight': 1 + rng.int(10),
        'model.subsample': Math.round((0.5 + rng.next() * 0.5) * 100) / 100,
        'model.colsample_bytree': Math.round((0.5 + rng.next() * 0.5) * 100) / 100,
        'model.reg_lambda': Math.round(rng.next() * 10 * 100) / 100,
        'model.reg_alpha': Math.round(rng.next() * 100) / 100,
        'model.max_bin': 256,
        'model.early_stopping_rounds': 20,
        'model.hidden_units': algorithm === 'mlp' ? 32 + 32 * rng.int(4) : null,
        'model.epochs': algorithm === 'mlp' ? 20 + rng.int(40) : null,
        'model.l2': algorithm === 'logistic' ? Math.round(rng.next() * 1e4) / 1e4 : null,
        'data.source': 'hubspot',
        'data.path': 'data/sample',
        'data.target': 'converted',
        'data.test_size': 0.2,
        'data.valid_size': 0.1,
        'features.usage_window_days': [30, 60, 90][rng.int(3)],
        'features.encoding': ['onehot', 'target', 'ordinal'][rng.int(3)],
        'features.impute': ['median', 'mean'][rng.int(2)],
        'features.smote': rng.next() < 0.3,
        'features.smote_k': 5,
        'calibration.method': ['isotonic', 'sigmoid'][rng.int(2)],
        'calibration.size': 0.2,
        'threshold.policy': ['max_f1', 'max_mcc', 'min_cost'][rng.int(3)],
        'serving.model_name': 'default',
        'serving.primary_metric': 'roc_auc_calibrated',
        seed: 42 + i,
      };
      const run = reg.createRun({
        experiment: `sweep-${i % 7}`,
        name: `sweep ${i}`,
        config_yaml: `experiment: sweep-${i % 7}\nmodel:\n  algorithm: ${algorithm}\n`,
        config_hash: `h${i.toString(16).padStart(8, '0')}`,
        params,
        seed: 42 + i,
        data_fingerprint: 'bench',
        status: 'running',
      });
      const auc = 0.7 + rng.next() * 0.25;
      const metrics: Record<string, number> = {};
      const names = [
        'roc_auc',
        'pr_auc',
        'log_loss',
        'brier',
        'f1',
        'precision',
        'recall',
        'accuracy',
        'mcc',
        'ece',
      ];
      names.forEach((m, k) => {
        const v =
          m === 'roc_auc'
            ? auc
            : m.includes('loss') || m === 'brier' || m === 'ece'
              ? 1 - auc - k / 100
              : auc - k / 50;
        metrics[m] = Math.round(v * 1e4) / 1e4;
        metrics[`${m}_calibrated`] = Math.round((v + 0.002) * 1e4) / 1e4;
      });
      reg.logMetrics(run.id, metrics);
      reg.setRunStatus(run.id, 'succeeded');
    }
  });
  insert();
  reg.close();
  return performance.now() - started;
}

// In-page scripts as text: this file compiles without DOM types.
/** Clicks "Runs" in the nav; resolves with the ms until the first table row is painted. */
const OPEN_RUNS = `(async () => {
  const nav = document.querySelector('nav[aria-label="Main"]');
  const button = [...nav.querySelectorAll('button')].find((b) => b.textContent.startsWith('Runs'));
  const t0 = performance.now();
  button.click();
  await new Promise((resolve) => {
    const poll = () => (document.querySelector('.vbody [role="row"]') || performance.now() - t0 > 30000 ? resolve() : requestAnimationFrame(poll));
    poll();
  });
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
})()`;

/** Types a filter expression; resolves with the ms until the new row count is painted. */
const applyFilter = (text: string) => `(async () => {
  const input = document.querySelector('input[aria-label="Filter runs"]');
  const counter = document.querySelector('[data-testid="runs-count"]');
  const before = counter.textContent;
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const t0 = performance.now();
  setter.call(input, ${JSON.stringify(text)});
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => {
    const poll = () => (counter.textContent !== before || performance.now() - t0 > 5000 ? resolve() : requestAnimationFrame(poll));
    poll();
  });
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return performance.now() - t0;
})()`;

async function main() {
  if (!process.argv.includes('--no-build')) {
    const b = spawnSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    if (b.status !== 0) throw new Error('build failed');
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-ui-bench-'));
  const seedMs = seed(path.join(home, 'registry'), RUNS);
  console.log(`seeded ${RUNS} runs (30 params, 20 metrics each) in ${(seedMs / 1000).toFixed(1)} s`);
  const { url, process: child } = await launchAppServer(home);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('[data-app-state="ready"]').waitFor();

    // Clicks a nav button and resolves when the first runs-table row has been painted.
    const openRuns = () => page.evaluate(OPEN_RUNS) as Promise<number>;
    const leave = () =>
      page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Workspace' }).click();

    // Cold: a freshly loaded page (empty query cache) opens the runs view; the workspace's own
    // calls (data summary and preview) are let finish first so they do not queue ahead of runs.list.
    const colds: number[] = [];
    const fullLists: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      if (i > 0) await page.reload();
      await page.locator('[data-app-state="ready"]').waitFor();
      await page
        .getByTestId('data-rows')
        .waitFor({ timeout: 30_000 })
        .catch(() => undefined);
      await page.waitForTimeout(300);
      const started = Date.now();
      colds.push(await openRuns());
      // the full list streams in after the first page; filters below run on all runs
      await page.getByTestId('runs-count').filter({ hasNotText: 'loading' }).waitFor({ timeout: 60_000 });
      fullLists.push(Date.now() - started);
    }
    const cold = median(colds);
    const fullListMs = median(fullLists);
    const count = await page.getByTestId('runs-count').textContent();
    console.log(`runs view shows: ${count}`);
    const warm: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      await leave();
      await page.waitForTimeout(200);
      warm.push(await openRuns());
      await page.waitForTimeout(300);
      await page.getByTestId('runs-count').filter({ hasNotText: 'loading' }).waitFor({ timeout: 60_000 });
    }
    await page.waitForTimeout(2_000); // let the background refetch of the full list settle

    const filters = [
      'metrics.roc_auc > 0.9',
      'params.model.algorithm = mlp and metrics.roc_auc_calibrated >= 0.85',
      'params.model.max_depth >= 8',
      'params.features.encoding = target, metrics.log_loss < 0.1',
      'name ~ 99',
      'params.calibration.method = sigmoid',
    ];
    const filterTimes: { filter: string; ms: number; shown: string }[] = [];
    for (let rep = 0; rep < Math.max(1, Math.floor(REPEATS / 2)); rep++) {
      for (const f of [...filters, '']) {
        const ms = (await page.evaluate(applyFilter(f))) as number;
        const shown = (await page.getByTestId('runs-count').textContent()) ?? '';
        if (f) filterTimes.push({ filter: f, ms, shown });
      }
    }
    const filterMs = median(filterTimes.map((t) => t.ms));

    console.log('\nUI benchmark (Chromium, runs view)');
    console.log(`  runs                         ${RUNS}`);
    console.log(
      `  first render (cold page, incl. runs.list fetch) median of ${colds.length}: ${r1(cold)} ms  [${colds.map(r1).join(', ')}]`,
    );
    console.log(
      `  re-render (warm, cached) median of ${warm.length}: ${r1(median(warm))} ms  [${warm.map(r1).join(', ')}]`,
    );
    console.log(
      `  filter median of ${filterTimes.length}: ${r1(filterMs)} ms (max ${r1(Math.max(...filterTimes.map((t) => t.ms)))})`,
    );
    for (const f of filterTimes.slice(0, filters.length))
      console.log(`    ${r1(f.ms).toString().padStart(6)} ms  ${f.filter}  → ${f.shown}`);
    console.log(`  targets: first render < 1000 ms, filter < 100 ms`);
    console.log(
      JSON.stringify({
        bench: 'ui',
        runs: RUNS,
        first_render_ms: r1(cold),
        warm_render_ms: r1(median(warm)),
        full_list_ms: fullListMs,
        filter_ms: r1(filterMs),
        filter_max_ms: r1(Math.max(...filterTimes.map((t) => t.ms))),
        seed_s: r1(seedMs / 1000),
      }),
    );
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
