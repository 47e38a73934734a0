import { describe, expect, it } from 'vitest';
import { API_NAMES, type Handlers } from './contract';
import { dispatch } from './dispatch';
import { ApiError } from './envelope';

const info = {
  name: 'ml-sys',
  version: '1',
  dataDir: 'd',
  registryPath: 'r',
  artifactsPath: 'a',
  scoringUrl: 'u',
  home: 'h',
};

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return { 'app.info': async () => info, ...overrides } as Handlers;
}

describe('dispatch', () => {
  it('returns the handler value in an ok envelope with the request id', async () => {
    expect(await dispatch(handlers(), { id: '7', name: 'app.info', args: {} })).toEqual({
      id: '7',
      ok: true,
      value: info,
    });
  });

  it('rejects names outside the contract', async () => {
    const r = await dispatch(handlers(), { id: '1', name: 'constructor', args: {} });
    expect(r).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('passes ApiError codes through and hides nothing else but the message', async () => {
    const bad = handlers({
      'app.info': async () => {
        throw new ApiError('not_found', 'no such run: x');
      },
    });
    expect(await dispatch(bad, { id: '1', name: 'app.info', args: {} })).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'no such run: x' },
    });
    const boom = handlers({
      'app.info': async () => {
        throw new Error('boom');
      },
    });
    expect(await dispatch(boom, { id: '1', name: 'app.info', args: {} })).toMatchObject({
      ok: false,
      error: { code: 'internal', message: 'boom' },
    });
  });

  it('answers bad args with bad_request naming the call, the field and what was found', async () => {
    let called = false;
    const h = handlers({
      'runs.get': async () => {
        called = true;
        throw new Error('must not run');
      },
    });
    const r = await dispatch(h, { id: '3', name: 'runs.get', args: {} });
    expect(r).toEqual({
      id: '3',
      ok: false,
      error: {
        code: 'bad_request',
        message: 'runs.get: run_id: expected a non-empty string, got nothing',
        details: { issues: [{ path: 'run_id', message: 'expected a non-empty string, got nothing' }] },
      },
    });
    expect(called).toBe(false);
  });

  it('joins several problems with "; " and lists them in details', async () => {
    const r = await dispatch(handlers(), { id: '4', name: 'runs.list', args: { limit: 'lots', sort: [] } });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'bad_request',
        message:
          'runs.list: sort: expected an object, got a list; limit: expected an integer ≥ 1 and ≤ 100000, got "lots"',
      },
    });
    if (!r.ok) expect((r.error.details as { issues: unknown[] }).issues).toHaveLength(2);
  });

  it('treats missing args as {} but null as malformed', async () => {
    expect(await dispatch(handlers(), { id: '5', name: 'app.info', args: undefined })).toMatchObject({
      ok: true,
    });
    expect(await dispatch(handlers(), { id: '6', name: 'app.info', args: null })).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: 'app.info: args: expected an object, got null' },
    });
  });

  it('passes the validated args to the handler', async () => {
    const seen: unknown[] = [];
    const h = handlers({
      'runs.list': async (q) => {
        seen.push(q);
        return { total: 0, runs: [] };
      },
    });
    const args = { limit: 5, parent: null, filter: [{ key: 'status', op: '=', value: 'failed' }] };
    expect(await dispatch(h, { id: '8', name: 'runs.list', args })).toMatchObject({ ok: true });
    expect(seen).toEqual([args]);
  });

  it('lists every name once', () => {
    expect(new Set(API_NAMES).size).toBe(API_NAMES.length);
  });
});
