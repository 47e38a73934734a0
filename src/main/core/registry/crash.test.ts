import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../app/paths';
import { Registry, readVerifiedBundle } from './index';
import { childEnv, tempDir } from './fixtures/helpers';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Starts the writer and SIGKILLs it once it has completed `after` iterations (it is mid-write by then). */
function killMidWrites(dir: string, after: number): Promise<{ iterations: number; pid: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(here, 'fixtures', 'crash-writer.ts'), dir],
      {
        cwd: projectRoot(),
        stdio: ['ignore', 'pipe', 'pipe'],
        env: childEnv(),
      },
    );
    let last = -1;
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = d.toString().trim().split('\n');
      last = Number(lines.at(-1));
      if (last >= after && !child.killed) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ iterations: last + 1, pid: child.pid! });
      else reject(new Error(`writer exited ${code} before being killed: ${err}`));
    });
  });
}

describe('a writer killed with SIGKILL mid-writes', () => {
  it('leaves an intact database with nothing half-written, and its running runs become interrupted', async () => {
    const dir = tempDir();
    const { iterations } = await killMidWrites(dir, 25);
    const reg = Registry.open(dir);
    try {
      expect(reg.db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(reg.db.pragma('foreign_key_check')).toEqual([]);
      const runs = reg.listRuns().runs;
      expect(runs.length).toBeGreaterThanOrEqual(iterations);
      const count = reg.db.prepare('SELECT count(*) AS n FROM params WHERE run_id = ?');
      const mcount = reg.db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?');
      const hcount = reg.db.prepare('SELECT count(*) AS n FROM metric_history WHERE run_id = ?');
      for (const r of runs) {
        // Each write is one transaction: all 30 params, all 21 metrics, all 50 points, or none.
        expect(Object.keys(r.params)).toHaveLength(30);
        expect((count.get(r.id) as { n: number }).n).toBe(30);
        const m = (mcount.get(r.id) as { n: number }).n;
        expect([0, 21]).toContain(m);
        expect(Object.keys(r.metrics)).toHaveLength(m);
        expect([0, 50]).toContain((hcount.get(r.id) as { n: number }).n);
        expect(r.status === 'succeeded' || r.status === 'interrupted').toBe(true);
      }
      expect(reg.interruptedOnOpen.length).toBeGreaterThan(0);
      expect(runs.filter((r) => r.status === 'running')).toHaveLength(0);
      for (const v of reg.listVersions('churn')) {
        expect(readVerifiedBundle(v.bundle_path, v.bundle_sha256)).toBeTruthy();
      }
      const log = reg.promotionHistory('churn');
      expect(log).toHaveLength(reg.listVersions('churn').length);
      for (let i = 1; i < log.length; i++) expect(log[i].from_version).toBe(log[i - 1].to_version);
    } finally {
      reg.close();
    }
  });
});
