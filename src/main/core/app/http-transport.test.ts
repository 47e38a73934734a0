import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBrowserServer, type BrowserServer } from '../../server';

let server: BrowserServer;

beforeAll(async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-http-'));
  server = await startBrowserServer({
    port: 0,
    env: { MLSYS_HOME: home, MLSYS_SERVING__PORT: '0' },
    rendererDir: path.join(home, 'none'),
  });
});
afterAll(async () => server.close());

function call(name: string, init: { headers?: Record<string, string>; query?: string; body?: string } = {}) {
  return fetch(`http://127.0.0.1:${server.port}/api/${name}${init.query ?? ''}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...init.headers },
    body: init.body ?? JSON.stringify({ id: '1', args: {} }),
  });
}

describe('browser-mode HTTP transport', () => {
  it('answers an API call that carries the bearer token', async () => {
    const res = await call('app.info', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; id: string; value: { name: string } };
    expect(body).toMatchObject({ ok: true, id: '1', value: { name: 'ml-sys' } });
  });

  it('accepts the token as ?token=', async () => {
    const res = await call('app.info', { query: `?token=${server.token}` });
    expect(res.status).toBe(200);
  });

  it('refuses a request without the token', async () => {
    const res = await call('app.info');
    expect(res.status).toBe(401);
  });

  it('refuses a wrong token', async () => {
    const res = await call('app.info', { headers: { Authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
  });

  it('refuses a foreign Origin even with the token', async () => {
    const res = await call('app.info', {
      headers: { Authorization: `Bearer ${server.token}`, Origin: 'http://evil.example' },
    });
    expect(res.status).toBe(403);
  });

  it('refuses a foreign Host (DNS rebinding) even with the token', async () => {
    // fetch does not let us set Host, so speak HTTP by hand
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: '/api/app.info',
          method: 'POST',
          headers: {
            Host: `attacker.example:${server.port}`,
            Authorization: `Bearer ${server.token}`,
            'Content-Type': 'application/json',
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(status).toBe(403);
  });

  it('sends no CORS headers', async () => {
    const res = await call('app.info', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers an unknown call with 404 and a clear error', async () => {
    const res = await call('nope.nothing', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toContain('nope.nothing');
  });

  it('answers malformed JSON with 400, not a crash', async () => {
    const res = await call('app.info', {
      headers: { Authorization: `Bearer ${server.token}` },
      body: '{oops',
    });
    expect(res.status).toBe(400);
    const again = await call('app.info', { headers: { Authorization: `Bearer ${server.token}` } });
    expect(again.status).toBe(200);
  });
});

describe('starting on a taken port', () => {
  it('fails with EADDRINUSE and leaves nothing running, so a retry on another port works', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-http-busy-'));
    const env = { MLSYS_HOME: home, MLSYS_SERVING__PORT: '0' };
    await expect(startBrowserServer({ port: server.port, env })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
    const second = await startBrowserServer({ port: 0, env });
    const res = await fetch(`http://127.0.0.1:${second.port}/api/app.info?token=${second.token}`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    await second.close();
  });
});
