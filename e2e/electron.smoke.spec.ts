import { _electron as electron, test, expect } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function electronBinary(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
    const bin = path.join(dir, 'dist', readFileSync(path.join(dir, 'path.txt'), 'utf8').trim());
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

const bin = electronBinary();

test('the Electron app boots, trains and scores', async () => {
  test.skip(
    !bin,
    "Electron's binary is not installed here (its download is blocked); the browser-mode specs cover the same renderer and API",
  );
  const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-electron-'));
  const app = await electron.launch({
    executablePath: bin,
    args: [root, '--no-sandbox'],
    env: { ...process.env, MLSYS_HOME: home, MLSYS_SERVING__PORT: '0' },
  });
  const page = await app.firstWindow();
  await expect(page.locator('[data-app-state="ready"]')).toBeVisible();
  const outcome = await page.evaluate(async () => {
    const bridge = (
      window as unknown as {
        mlsys: { invoke(r: unknown): Promise<{ ok: boolean; value: { run_id: string } }> };
      }
    ).mlsys;
    const started = await bridge.invoke({
      id: '1',
      name: 'runs.start',
      args: { configPath: 'base_config.yaml' },
    });
    for (let i = 0; i < 600; i++) {
      const r = (await bridge.invoke({
        id: '2',
        name: 'runs.get',
        args: { run_id: started.value.run_id },
      })) as unknown as {
        value: { status: string };
      };
      if (r.value.status !== 'queued' && r.value.status !== 'running') return r.value.status;
      await new Promise((res) => setTimeout(res, 500));
    }
    return 'timeout';
  });
  expect(outcome).toBe('succeeded');
  await app.close();
});
