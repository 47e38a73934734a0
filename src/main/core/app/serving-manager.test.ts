import { afterAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Registry } from '../registry';
import { ServingManager } from './serving-manager';

const dir = mkdtempSync(path.join(os.tmpdir(), 'mlsys-serving-manager-'));
const registry = Registry.open(dir);
afterAll(() => {
  registry.close();
  rmSync(dir, { recursive: true, force: true });
});

function manager(port = 0) {
  return new ServingManager({
    registry,
    modelName: 'm',
    host: '127.0.0.1',
    port,
    maxBatch: 100,
    prometheus: true,
  });
}

describe('ServingManager', () => {
  it('starts, counts requests and errors, moves to another port and stops', async () => {
    const m = manager();
    const s = await m.start();
    expect(s.running).toBe(true);
    expect(s.port).toBeGreaterThan(0);
    const res = await fetch(`${s.url}/score`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"records":[{}]}',
    });
    expect(res.status).toBe(503); // no champion yet
    expect(m.status()).toMatchObject({ requests_total: 1, errors_total: 1, model: null, last_error: null });
    const moved = await m.restart(0);
    expect(moved.running).toBe(true);
    const stopped = await m.stop();
    expect(stopped.running).toBe(false);
  });

  it('reports a busy port instead of throwing it away, and can start elsewhere', async () => {
    const blocker = http.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const busy = (blocker.address() as AddressInfo).port;
    const m = manager(busy);
    await expect(m.start()).rejects.toThrow(new RegExp(`Port ${busy} on 127.0.0.1 is in use`));
    expect(m.status()).toMatchObject({ running: false, last_error: expect.stringMatching(/in use/) });
    const s = await m.start(0);
    expect(s).toMatchObject({ running: true, last_error: null });
    await m.stop();
    blocker.close();
  });

  it('answers CORS only for the origins it was told (the UI), never with a wildcard', async () => {
    const m = manager();
    m.allowOrigin('http://127.0.0.1:5555');
    const s = await m.start();
    const pre = await fetch(`${s.url}/score`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://127.0.0.1:5555', 'Access-Control-Request-Method': 'POST' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5555');
    const foreign = await fetch(`${s.url}/health`, { headers: { Origin: 'http://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    await m.stop();
  });
});
