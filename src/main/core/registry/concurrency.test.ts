import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../app/paths';
import { Registry } from './index';
import { childEnv, tempDir } from './fixtures/helpers';

const here = path.dirname(fileURLToPath(import.meta.url));

function runWorker(dir: string, id: number, count: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(here, 'fixtures', 'concurrent-worker.ts'),
        dir,
        String(id),
        String(count),
      ],
      { cwd: projectRoot(), stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`worker ${id} exited ${code}: ${err}`)),
    );
  });
}

describe('two processes registering and promoting at once', () => {
  it('lose no update, end with exactly one champion and a complete, consistent log', async () => {
    const dir = tempDir();
    // No setup: both workers also race to create and migrate the fresh database.
    const count = 24;
    const outs = await Promise.all([runWorker(dir, 1, count), runWorker(dir, 2, count)]);
    const stats = outs.map((o) => JSON.parse(o.trim().split('\n').at(-1)!) as { manual: number });

    const reg = Registry.open(dir);
    try {
      const versions = reg.listVersions('churn');
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: 2 * count }, (_, i) => i + 1));
      expect(new Set(versions.map((v) => v.run_id)).size).toBe(2 * count);
      // The two workers' registrations interleave (the barrier makes them start together).
      const switches = versions.filter((v, i) => i > 0 && v.created_by !== versions[i - 1].created_by).length;
      expect(switches).toBeGreaterThan(2);

      const champions = reg.db
        .prepare("SELECT count(*) AS n FROM aliases WHERE alias = 'champion'")
        .get() as { n: number };
      expect(champions.n).toBe(1);
      expect(versions.filter((v) => v.aliases.includes('champion'))).toHaveLength(1);

      const log = reg.promotionHistory('churn');
      // One entry per registration plus one per successful manual promotion.
      expect(log.filter((e) => e.action !== 'promote')).toHaveLength(2 * count);
      expect(log.filter((e) => e.action === 'promote')).toHaveLength(stats[0].manual + stats[1].manual);
      // Serialised: every entry starts from the champion the previous one left, and each automatic
      // promotion really beat the champion of its moment.
      expect(log[0].from_version).toBeNull();
      for (let i = 1; i < log.length; i++) expect(log[i].from_version).toBe(log[i - 1].to_version);
      for (const e of log.filter((x) => x.action === 'register' && x.from_value !== null)) {
        expect(e.to_value!).toBeGreaterThan(e.from_value!);
      }
      expect(reg.getChampion('churn')!.version).toBe(log.at(-1)!.to_version);
      expect(reg.db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      reg.close();
    }
  });
});
