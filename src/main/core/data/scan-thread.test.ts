import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintFiles } from './fingerprint';
import { generateSample } from './generate';
import { lineStartAt, type PlainKind } from './plain-csv';
import { runScanJob, startScan, type ScanJob } from './scan-thread';

function job(): ScanJob {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlsys-scanthread-'));
  generateSample({ companies: 500, seed: 8, outDir: dir });
  const files = ['customers.csv', 'noncustomers.csv', 'usage_actions.csv'].map((f) => path.join(dir, f));
  const header = readFileSync(files[2], 'utf8').split('\n')[0].split(',');
  const kinds: Record<string, PlainKind> = { id: 'id', WHEN_TIMESTAMP: 'timestamp!' };
  for (const c of header.slice(2)) kinds[c] = 'number';
  return { files, file: files[2], header, kinds, range: { from: lineStartAt(files[2], Math.floor(statSync(files[2]).size / 2)), to: statSync(files[2]).size } };
}

describe('the usage scan on a worker thread', () => {
  it('gives what the scan on this thread gives, and the inputs fingerprint', async () => {
    const j = job();
    const here = await runScanJob(j);
    const there = await startScan(j).result;
    expect(there.fingerprint).toBe(await fingerprintFiles(j.files));
    expect(there).toEqual(here);
    expect(there.scan.plain && there.scan.table.rows).toBeGreaterThan(500);
  });

  it('reports an unreadable file as an error', async () => {
    const j = job();
    rmSync(j.files[2]);
    await expect(startScan(j).result).rejects.toThrow(/ENOENT/);
  });

  it('can be cancelled: the result never settles and nothing is thrown', async () => {
    const task = startScan(job());
    task.cancel();
    const outcome = await Promise.race([
      task.result.then(() => 'settled', () => 'settled'),
      new Promise((r) => setTimeout(() => r('pending'), 1500)),
    ]);
    expect(outcome).toBe('pending');
  });
});
