import { describe, expect, it, vi } from 'vitest';
import { main } from './program';

describe('mlsys CLI', () => {
  it('prints info as JSON', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    expect(await main(['info', '--json'])).toBe(0);
    const out = JSON.parse(String(log.mock.calls[0][0])) as { version: string };
    expect(out.version).toMatch(/^\d+\.\d+\.\d+/);
    log.mockRestore();
  });

  it('exits non-zero on an unknown command', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await main(['no-such-command'])).toBe(2);
    err.mockRestore();
  });
});
