import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FrameworkConfigSchema } from '../../../shared/config/schema';
import { aggregateUsage } from './aggregate';
import { ASC_ARGS, KERNELS_SOURCE, usageHeap } from './usage-kernels';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const asc = path.join(root, 'node_modules/.bin/asc');

describe('usage kernels', () => {
  it.skipIf(!existsSync(asc))('the embedded module is what asc builds from KERNELS_SOURCE', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'usage-wasm-'));
    try {
      writeFileSync(path.join(dir, 'usage.ts'), KERNELS_SOURCE);
      const out = path.join(dir, 'usage.wasm');
      const r = spawnSync(asc, [path.join(dir, 'usage.ts'), '--outFile', out, ...ASC_ARGS], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const heap = usageHeap(64);
      expect(heap.wasm).toBe(true);
      const embedded = readFileSync(path.join(root, 'src/main/core/data/usage-kernels.ts'), 'utf8');
      const b64 = [...embedded.matchAll(/^ {2}'([A-Za-z0-9+/=]+)',$/gm)].map((m) => m[1]).join('');
      expect(b64).toBe(readFileSync(out).toString('base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('wasm and JS kernels give bit-identical aggregates (NaN, -0, ±Infinity, skipped rows, windows)', () => {
    let s = 11;
    const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
    const n = 20_000;
    const companies = 700;
    const company = Int32Array.from({ length: n }, () => Math.floor(rnd() * (companies + 20)) - 20).sort();
    const day = 86_400;
    const ts = Float64Array.from({ length: n }, () => 1.58e9 + Math.floor(rnd() * 300) * day + (rnd() < 0.2 ? 0.25 : 0));
    for (let i = 1; i < n; i++) if (company[i] === company[i - 1] && ts[i] < ts[i - 1]) ts[i] = ts[i - 1];
    const special = [NaN, -0, 0, Infinity, -Infinity];
    const counters = [0, 1].map(() =>
      Float64Array.from({ length: n }, () => (rnd() < 0.1 ? special[Math.floor(rnd() * 5)] : (rnd() - 0.4) * 50)),
    );
    const end = Float64Array.from({ length: companies }, () => 1.58e9 + Math.floor(rnd() * 400) * day);
    for (const u of [{}, { mode: 'windows', windows: [7, 30, 120] }]) {
      const usage = FrameworkConfigSchema.parse({ features: { usage: { counters: ['A', 'B'], ...u } } }).features.usage;
      const rows = { company, ts, counters };
      const a = aggregateUsage(rows, companies, end, usage, { wasm: true });
      const b = aggregateUsage(rows, companies, end, usage, { wasm: false });
      expect(a.map((c) => c.name)).toEqual(b.map((c) => c.name));
      const bytes = (v: Float64Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
      a.forEach((c, i) => expect(bytes(c.values).equals(bytes(b[i].values)), c.name).toBe(true));
    }
  });
});
