/**
 * Bad input over the real browser-mode server: every API call, sent malformed bodies with the token,
 * answers a 4xx JSON error that names the field — never a 500 — and the server keeps answering.
 * Nothing here reaches a handler that writes (the config folder is the project's own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { API_NAMES, type ApiName } from '../../../shared/api';
import { startBrowserServer, type BrowserServer } from '../../server';

let server: BrowserServer;
let home: string;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-badinput-'));
  server = await startBrowserServer({
    port: 0,
    env: { MLSYS_HOME: home, MLSYS_SERVING__PORT: '0' },
    rendererDir: path.join(home, 'none'),
    startScoring: false,
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(home, { recursive: true, force: true });
});

interface Reply {
  status: number;
  body: { ok: boolean; id?: string; error?: { code: string; message: string; details?: unknown } };
}

async function post(name: string, body: string): Promise<Reply> {
  const res = await fetch(`http://127.0.0.1:${server.port}/api/${name}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${server.token}` },
    body,
  });
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  return { status: res.status, body: (await res.json()) as Reply['body'] };
}

const call = (name: string, args: unknown) => post(name, JSON.stringify({ id: 'x', args }));

/** Args that pass validation; used as the base to which an unknown key is added. */
const VALID: Record<ApiName, Record<string, unknown>> = {
  'app.info': {},
  'configs.list': {},
  'configs.read': { path: 'base_config.yaml' },
  'configs.validate': { text: 'a: 1' },
  'configs.save': { path: 'experiments/x.yaml', text: 'a: 1' },
  'data.describe': { configPath: 'base_config.yaml' },
  'data.preview': { configPath: 'base_config.yaml', limit: 5 },
  'runs.start': { configPath: 'base_config.yaml' },
  'runs.cancel': { run_id: 'r' },
  'runs.list': { limit: 5 },
  'runs.get': { run_id: 'r' },
  'runs.diff': { a: 'r', b: 's' },
  'runs.metrics': { run_id: 'r' },
  'runs.curves': { run_id: 'r' },
  'registry.versions': { name: 'm' },
  'registry.champion': { name: 'm' },
  'registry.promote': { version: 1 },
  'registry.rollback': { reason: 'x' },
  'registry.history': { name: 'm' },
  'serving.status': {},
  'serving.start': { port: 0 },
  'serving.stop': {},
  'serving.port': { port: 0 },
  'snapshots.export': { run_id: 'r' },
};

/** Per call: malformed args (wrong types, missing required fields, huge numbers) and the field they break. */
const WRONG: Record<ApiName, [args: unknown, field: string][]> = {
  'app.info': [[{ verbose: 1 }, 'verbose']],
  'configs.list': [[{ dir: '..' }, 'dir']],
  'configs.read': [
    [{}, 'path'],
    [{ path: 12 }, 'path'],
    [{ path: { p: 'x' } }, 'path'],
  ],
  'configs.validate': [
    [{}, 'text'],
    [{ text: 5, path: 'x.yaml' }, 'text'],
  ],
  'configs.save': [
    [{ path: 'experiments/x.yaml' }, 'text'],
    [{ path: 'experiments/x.yaml', text: 'a: 1', overwrite: 'true' }, 'overwrite'],
  ],
  'data.describe': [[{ configPath: ['base_config.yaml'] }, 'configPath']],
  'data.preview': [
    [{ limit: 1e308 }, 'limit'],
    [{ limit: -5 }, 'limit'],
    [{ limit: '20' }, 'limit'],
  ],
  'runs.start': [
    [{ overrides: { set: ['max_depth'] } }, 'overrides.set[0]'],
    [{ overrides: { calibrationSize: 5 } }, 'overrides.calibrationSize'],
    [{ overrides: { randomState: 1e20 } }, 'overrides.randomState'],
    [{ overrides: 'tune' }, 'overrides'],
    [{ configText: 42 }, 'configText'],
  ],
  'runs.cancel': [[{}, 'run_id']],
  'runs.list': [
    [{ limit: 'lots' }, 'limit'],
    [{ limit: 1e300 }, 'limit'],
    [{ offset: -1 }, 'offset'],
    [{ filter: [{ key: 'status', op: 'like', value: 'x' }] }, 'filter[0].op'],
    [{ sort: { key: 'name', dir: 'sideways' } }, 'sort.dir'],
    [{ status: 7 }, 'status'],
  ],
  'runs.get': [
    [{}, 'run_id'],
    [{ run_id: 1 }, 'run_id'],
  ],
  'runs.diff': [[{ a: 'r' }, 'b']],
  'runs.metrics': [[{ run_id: '' }, 'run_id']],
  'runs.curves': [[{ run_id: null }, 'run_id']],
  'registry.versions': [[{ name: 3 }, 'name']],
  'registry.champion': [[{ name: false }, 'name']],
  'registry.promote': [
    [{}, 'version'],
    [{ version: 'latest' }, 'version'],
    [{ version: 9e99 }, 'version'],
  ],
  'registry.rollback': [[{ reason: ['x'] }, 'reason']],
  'registry.history': [[{ name: {} }, 'name']],
  'serving.status': [[{ port: 1 }, 'port']],
  'serving.start': [
    [{ port: 99999 }, 'port'],
    [{ port: '8080' }, 'port'],
  ],
  'serving.stop': [[{ now: true }, 'now']],
  'serving.port': [
    [{}, 'port'],
    [{ port: -1 }, 'port'],
    [{ port: 1e300 }, 'port'],
  ],
  'snapshots.export': [[{ id: 'r' }, 'run_id']],
};

function expectBadRequest(r: Reply, name: string, field: string) {
  expect(r.status, `${name} ${field}: ${JSON.stringify(r.body)}`).toBe(400);
  expect(r.body.ok).toBe(false);
  expect(r.body.error?.code).toBe('bad_request');
  expect(r.body.error?.message).toContain(`${name}: ${field}: `);
}

describe('every API call refuses malformed args with a 400 that names the field', () => {
  it.each(API_NAMES)('%s', async (name) => {
    for (const [args, field] of WRONG[name]) expectBadRequest(await call(name, args), name, field);
    expectBadRequest(await call(name, { ...VALID[name], unexpected_key: 1 }), name, 'unexpected_key');
    for (const args of [null, [], [VALID[name]], 'args', 42, true]) {
      expectBadRequest(await call(name, args), name, 'args');
    }
  });

  it('still answers app.info afterwards', async () => {
    const r = await call('app.info', {});
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, value: { name: 'ml-sys' } });
  });
});

describe('bodies that are not an envelope', () => {
  it('answers malformed JSON, a JSON null body and a huge number with 4xx', async () => {
    for (const body of ['{oops', 'null', '"text"', '{"args": {"limit": 1e999999}}']) {
      const r = await post('runs.list', body);
      expect(r.status, body).toBeGreaterThanOrEqual(400);
      expect(r.status, body).toBeLessThan(500);
      expect(r.body.ok).toBe(false);
    }
  });

  it('treats a body without args as {}', async () => {
    expect((await post('app.info', '{}')).status).toBe(200);
    expectBadRequest(await post('runs.get', '{"id": "1"}'), 'runs.get', 'run_id');
  });
});

describe('well-formed args that the handlers refuse get 4xx, not 500', () => {
  const cases: [name: ApiName, args: unknown, statuses: number[]][] = [
    ['runs.get', { run_id: 'no-such-run' }, [404]],
    ['runs.metrics', { run_id: 'no-such-run' }, [404]],
    ['runs.curves', { run_id: 'no-such-run' }, [404]],
    ['runs.cancel', { run_id: 'no-such-run' }, [404]],
    ['snapshots.export', { run_id: 'no-such-run' }, [404]],
    ['runs.diff', { a: 'no-such-run', b: 'other' }, [404]],
    ['configs.read', { path: '../package.json' }, [400, 403]],
    ['configs.read', { path: '../../etc/passwd.yaml' }, [403]],
    ['configs.read', { path: 'experiments/no-such-file.yaml' }, [404]],
    ['configs.save', { path: '../outside.yaml', text: 'a: 1' }, [403]],
    ['data.describe', { configPath: 'experiments/no-such-file.yaml' }, [400, 404]],
    ['runs.start', { configPath: 'notes.txt' }, [400]],
    ['registry.promote', { version: 99, reason: 'x' }, [404, 409]],
    ['registry.rollback', { reason: 'x' }, [404, 409]],
    ['runs.list', { filter: [{ key: 'metrics.roc_auc', op: 'contains', value: 'x' }] }, [400, 409]],
  ];
  it.each(cases)('%s %j', async (name, args, statuses) => {
    const r = await call(name, args);
    expect(statuses, `${r.status} ${JSON.stringify(r.body)}`).toContain(r.status);
    expect(r.body.ok).toBe(false);
    expect(r.body.error?.message).toBeTruthy();
  });

  it('still answers app.info afterwards', async () => {
    expect((await call('app.info', {})).status).toBe(200);
  });
});
