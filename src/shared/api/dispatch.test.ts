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

  it('lists every name once', () => {
    expect(new Set(API_NAMES).size).toBe(API_NAMES.length);
  });
});
