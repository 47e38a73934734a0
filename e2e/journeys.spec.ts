import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { parse } from 'yaml';
import { test, expect, type AppServer } from './fixtures';

// The five GUI journeys of the notebook workspace, in Chromium against the browser mode; each test
// has its own server and MLSYS_HOME. Screenshots of each view land in e2e/screenshots/.

const shots = path.join(import.meta.dirname, 'screenshots');
const RUN_TIMEOUT = 180_000;

async function open(page: Page, server: AppServer) {
  await page.goto(server.url);
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: new RegExp(`^${name}`) });

const cell = (page: Page, name: string) => page.getByRole('region', { name });

/** Picks a config file in the Config cell, waits for it to validate, names the run and presses Run. */
async function runFromGui(page: Page, configPath: string, runName: string) {
  await nav(page, 'Workspace').click();
  const config = cell(page, 'Config');
  await config.getByRole('combobox', { name: 'Config file' }).selectOption(configPath);
  await expect(config.getByRole('textbox', { name: 'Config YAML' })).toBeVisible();
  await expect(config.getByLabel('Unsaved changes')).toHaveCount(0);
  await expect(config.getByTestId('config-validation')).toHaveText(/^Valid/, { timeout: 30_000 });
  await config.getByRole('textbox', { name: 'Run name' }).fill(runName);
  await config.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(cell(page, 'Run').getByRole('list', { name: 'Run queue' })).toContainText(runName);
}

/** Waits until `count` runs launched from this workspace have succeeded. */
async function waitForSucceeded(page: Page, count: number) {
  const queue = cell(page, 'Run').getByRole('list', { name: 'Run queue' });
  await expect(queue.getByText('succeeded', { exact: true })).toHaveCount(count, { timeout: RUN_TIMEOUT });
  await expect(queue.getByText(/failed|interrupted/)).toHaveCount(0);
}

/** Waits for Plotly to draw inside a chart figure. */
async function plotted(chart: Locator) {
  await expect(chart.locator('.main-svg').first()).toBeVisible({ timeout: 30_000 });
}

async function apiCall<T>(page: Page, server: AppServer, name: string, args: unknown): Promise<T> {
  const res = await page.request.post(`${server.origin}/api/${name}`, {
    headers: { Authorization: `Bearer ${server.token}` },
    data: { id: '1', args },
  });
  const body = (await res.json()) as { ok: boolean; value: T; error?: { message: string } };
  if (!body.ok) throw new Error(`${name}: ${body.error?.message}`);
  return body.value;
}

test('1. launch a run from the GUI and watch it finish', async ({ page, server }) => {
  await open(page, server);
  await page.screenshot({ path: path.join(shots, 'workspace-config.png'), fullPage: true });
  await runFromGui(page, 'base_config.yaml', 'gui-first');
  const status = page.getByTestId('run-status');
  // live progress: a stage other than queued, then done
  await expect(status.getByTestId('run-stage')).not.toHaveText('queued', { timeout: 60_000 });
  await expect(status).toHaveAttribute('data-status', 'succeeded', { timeout: RUN_TIMEOUT });
  await expect(status.getByTestId('run-stage')).toHaveText('done');
  await expect(status.getByRole('progressbar', { name: 'Run progress percent' })).toHaveAttribute(
    'value',
    '100',
  );

  const results = cell(page, 'Results');
  const cards = results.getByRole('list', { name: 'Metrics' });
  await expect(cards.getByLabel('roc_auc raw')).toHaveText(/^0\.\d{4}$/);
  await expect(cards.getByLabel('roc_auc calibrated')).toContainText('calibrated 0.');
  for (const name of ['ROC curve', 'Precision-recall curve', 'Reliability diagram', 'Gains and lift'])
    await plotted(results.getByRole('img', { name }));
  await expect(results.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
  await expect(results.getByLabel('Classification report')).toContainText('precision');
  await page.getByTestId('run-status').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, 'workspace-results.png'), fullPage: true });
});

test('2. compare two runs side by side', async ({ page, server }) => {
  await open(page, server);
  await runFromGui(page, 'base_config.yaml', 'baseline');
  await runFromGui(page, 'experiments/deep_trees.yaml', 'deep');
  await waitForSucceeded(page, 2);

  await nav(page, 'Runs').click();
  const table = page.getByRole('table', { name: 'Runs' });
  await table.getByRole('checkbox', { name: 'Select baseline' }).check();
  await table.getByRole('checkbox', { name: 'Select deep' }).check();
  await page.screenshot({ path: path.join(shots, 'runs.png') });
  await page.getByRole('button', { name: 'Compare 2 runs' }).click();

  await expect(page.getByRole('heading', { name: 'Compare 2 runs' })).toBeVisible();
  const metrics = page.getByRole('table', { name: 'Metrics comparison' });
  const auc = metrics.locator('tr[data-metric="roc_auc"]');
  await expect(auc.locator('td')).toHaveCount(2);
  await expect(auc.locator('td.best')).toHaveCount(1);
  await expect(auc.locator('td').nth(1)).toContainText(/[+−±]/);
  // changed keys only, as nested YAML: deep_trees changes hyperparameters under model
  const diffs = page.getByTestId('config-diff');
  await expect(diffs).toHaveCount(2);
  const changed = parse((await diffs.nth(1).textContent()) ?? '') as { model?: { hyperparameters?: object } };
  expect(Object.keys(changed.model?.hyperparameters ?? {}).length).toBeGreaterThan(0);
  await expect(diffs.nth(0)).not.toContainText('data_dir');
  const roc = page.getByRole('img', { name: 'ROC curves' });
  await expect(roc).toHaveAttribute('data-traces', 'baseline|deep|chance');
  await plotted(roc);
  await expect(roc.locator('.scatterlayer .trace')).toHaveCount(3);
  await plotted(page.getByRole('img', { name: /Parallel coordinates/ }));
  await page.screenshot({ path: path.join(shots, 'compare.png'), fullPage: true });
});

test('3. promote a champion with one click and /score answers with it', async ({ page, server }) => {
  await open(page, server);
  await runFromGui(page, 'base_config.yaml', 'first');
  await runFromGui(page, 'experiments/deep_trees.yaml', 'second');
  await waitForSucceeded(page, 2);

  await nav(page, 'Registry').click();
  const versions = page.getByRole('table', { name: 'Model versions' });
  await expect(versions.locator('tbody tr')).toHaveCount(2);
  const champion = page.getByTestId('champion');
  await expect(champion).toBeVisible();
  const current = Number(/v(\d+)/.exec((await champion.textContent()) ?? '')![1]);
  const target = current === 1 ? 2 : 1;

  await versions.getByRole('button', { name: `Promote v${target}` }).click();
  const dialog = page.getByRole('dialog', { name: `Promote v${target} to champion?` });
  await expect(dialog.getByRole('table', { name: 'Metric deltas against the champion' })).toContainText('Δ');
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('e2e: promote from the GUI');
  await page.screenshot({ path: path.join(shots, 'registry-promote.png') });
  await dialog.getByRole('button', { name: 'Confirm promotion' }).click();
  await expect(dialog).toBeHidden();
  await expect(champion).toContainText(`v${target}`);
  await expect(page.getByRole('table', { name: 'Promotion history' })).toContainText(
    'e2e: promote from the GUI',
  );
  await page.screenshot({ path: path.join(shots, 'registry.png'), fullPage: true });

  // the scoring server hot-swaps to the new champion
  const status = await apiCall<{ url: string }>(page, server, 'serving.status', {});
  const signature = await apiCall<{ signature: { columns: { name: string }[] } }>(
    page,
    server,
    'registry.champion',
    {},
  );
  const record = Object.fromEntries(signature.signature.columns.map((c) => [c.name, null]));
  await expect
    .poll(
      async () => {
        const res = await page.request.post(`${status.url}/score`, { data: { records: [record] } });
        return ((await res.json()) as { model?: { version: number } }).model?.version;
      },
      { timeout: 20_000 },
    )
    .toBe(target);
});

test('4. send POST /score from the serving panel', async ({ page, server }) => {
  await open(page, server);
  await runFromGui(page, 'base_config.yaml', 'served');
  await waitForSucceeded(page, 1);

  await nav(page, 'Serving').click();
  await expect(page.getByTestId('serving-state')).toHaveText('running');
  await expect(page.getByTestId('serving-model')).toHaveText(/v1$/);
  const form = page.getByRole('form', { name: 'Try the scoring endpoint' });
  const firstNumber = form.locator('input[inputmode="decimal"]').first();
  await firstNumber.fill('12');
  const before = Number(await page.getByTestId('serving-requests').textContent());
  await form.getByRole('button', { name: 'Send POST /score' }).click();
  const reply = page.getByTestId('score-reply');
  await expect(reply).toHaveAttribute('data-status', '200');
  await expect(reply.getByTestId('score-latency')).toHaveText(/^\d+\.\d ms$/);
  const body = JSON.parse((await reply.getByTestId('score-body').textContent()) ?? '{}') as {
    model: { version: number };
    predictions: { probability: number }[];
  };
  expect(body.model.version).toBe(1);
  expect(body.predictions[0].probability).toBeGreaterThanOrEqual(0);
  expect(body.predictions[0].probability).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('serving-requests')).not.toHaveText(String(before), { timeout: 10_000 });
  await page.screenshot({ path: path.join(shots, 'serving.png'), fullPage: true });
});

test('5. export a config snapshot and re-run it to identical metrics', async ({ page, server }) => {
  await open(page, server);
  await runFromGui(page, 'base_config.yaml', 'original');
  await waitForSucceeded(page, 1);
  const results = cell(page, 'Results');

  const downloadPromise = page.waitForEvent('download');
  await results.getByRole('button', { name: 'Export config snapshot' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/\.ya?ml$/);
  const yamlText = readFileSync((await download.path())!, 'utf8');
  expect(yamlText).toContain('algorithm: gbdt');

  await results.getByRole('button', { name: 'Re-run from snapshot' }).click();
  await expect(cell(page, 'Run').getByRole('list', { name: 'Run queue' })).toContainText(
    're-run of original',
  );
  await waitForSucceeded(page, 2);

  const runs = await apiCall<{ runs: { run_id: string; name: string; metrics: Record<string, number> }[] }>(
    page,
    server,
    'runs.list',
    {},
  );
  const original = runs.runs.find((r) => r.name === 'original')!;
  const rerun = runs.runs.find((r) => r.name === 're-run of original')!;
  expect(Object.keys(original.metrics).length).toBeGreaterThan(3);
  expect(rerun.metrics).toEqual(original.metrics);

  // and the GUI says the same: compare shows ±0 everywhere and identical configs
  await nav(page, 'Runs').click();
  const table = page.getByRole('table', { name: 'Runs' });
  await table.getByRole('checkbox', { name: 'Select original' }).check();
  await table.getByRole('checkbox', { name: 'Select re-run of original' }).check();
  await page.getByRole('button', { name: 'Compare 2 runs' }).click();
  const deltas = page.getByRole('table', { name: 'Metrics comparison' }).locator('.delta');
  await expect(deltas.first()).toBeVisible();
  for (const text of await deltas.allTextContents()) expect(text).toBe('±0');
  await expect(page.getByText('Identical configs')).toBeVisible();
  await page.screenshot({ path: path.join(shots, 'snapshot-rerun-compare.png'), fullPage: true });
});
