import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../core/app/paths';
import { Registry } from '../../core/registry';

const root = projectRoot();
const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-cli-sigint-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('mlsys train (the executable) and Ctrl-C', () => {
  it('stops the run on SIGINT, records it as cancelled and exits non-zero', async () => {
    // many rounds on one thread: still training when the signal comes
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'src/main/cli/index.ts'),
        'train',
        '--set',
        'model.hyperparameters.n_estimators=5000',
        '--set',
        'model.hyperparameters.n_threads=1',
        '--set',
        'model.hyperparameters.early_stopping_rounds=0',
      ],
      { cwd: root, env: { ...process.env, MLSYS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let err = '';
    let signalled = false;
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (!signalled && /\] training /.test(err)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(signalled).toBe(true);
    expect(err).toMatch(/stopping after the current step/);
    expect(err).toMatch(/error: run \S+ was cancelled/);
    expect(code).toBe(1);
    const registry = Registry.open(path.join(home, 'registry'));
    try {
      const { runs } = registry.listRuns({});
      expect(runs.map((r) => r.status)).toEqual(['cancelled']);
    } finally {
      registry.close();
    }
  }, 60_000);
});
