/**
 * `npm run bench -- startup [--reps 5]`: browser mode from process start to a usable GUI.
 * Times (medians of --reps cold starts, each with a fresh MLSYS_HOME on the bundled sample):
 *   listen_ms — `node out/main/server.js` spawned → "Open: <url>" printed (backend, registry,
 *               scoring port and HTTP server up);
 *   ready_ms  — spawned → the page in Chromium shows data-app-state="ready".
 * Peer in the same run: a bare `node -e` process start (the floor). Needs `npm run build` first.
 * Ends with one JSON line {"bench":"startup",...}.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { launchAppServer, stopAppServer } from './app-server';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

const root = path.resolve(import.meta.dirname, '..');
const repsIdx = process.argv.indexOf('--reps');
const REPS = repsIdx >= 0 ? Number(process.argv[repsIdx + 1]) : 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function bareNode(): Promise<number> {
  const t = performance.now();
  await new Promise<void>((resolve) => spawn(process.execPath, ['-e', '0']).on('exit', () => resolve()));
  return performance.now() - t;
}

async function once(browser: import('@playwright/test').Browser): Promise<{ listen: number; ready: number }> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-startup-'));
  const t0 = performance.now();
  const server = await launchAppServer(home);
  const child = server.process;
  try {
    const url = server.url;
    const listen = performance.now() - t0;
    const page = await browser.newPage();
    await page.goto(url);
    await page.locator('[data-app-state="ready"]').waitFor({ timeout: 60_000 });
    const ready = performance.now() - t0;
    await page.close();
    return { listen, ready };
  } finally {
    await stopAppServer(child);
    rmSync(home, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!existsSync(path.join(root, 'out/main/server.js'))) {
    console.error('Build first: npm run build');
    process.exit(2);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const listen: number[] = [];
  const ready: number[] = [];
  const node: number[] = [];
  try {
    await once(browser); // warm the OS file cache
    for (let i = 0; i < REPS; i++) {
      const r = await once(browser);
      listen.push(r.listen);
      ready.push(r.ready);
      node.push(await bareNode());
    }
  } finally {
    await browser.close();
  }
  const result = {
    bench: 'startup',
    reps: REPS,
    listen_ms: Math.round(median(listen)),
    ready_ms: Math.round(median(ready)),
    bare_node_ms: Math.round(median(node)),
  };
  console.log(
    `server listening: median ${result.listen_ms} ms   GUI ready: median ${result.ready_ms} ms   bare node: ${result.bare_node_ms} ms`,
  );
  console.log(JSON.stringify(result));
}

void main();
