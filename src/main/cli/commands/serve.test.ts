import { describe, expect, it } from 'vitest';
import { ErrorResponse, Health } from '../../core/serving/schemas';
import { Registry } from '../../core/registry';
import { registerVersion, tempDir } from '../../core/registry/fixtures/helpers';
import { startServe } from './serve';

describe('mlsys serve', () => {
  it('listens on the requested port and answers 503 until a champion exists', async () => {
    const dir = tempDir('mlsys-serve-');
    const lines: string[] = [];
    const running = await startServe({ registryPath: dir, port: '0', modelName: 'churn' }, (l) =>
      lines.push(l),
    );
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(lines.join('\n')).toContain('No champion yet');
      const health = Health.parse(await (await fetch(`${running.url}/health`)).json());
      expect(health).toMatchObject({ status: 'no_model', model_loaded: false });
      const res = await fetch(`${running.url}/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"employees": 3, "industry": "saas"}',
      });
      expect(res.status).toBe(503);
      expect(ErrorResponse.parse(await res.json()).error.message).toMatch(/train/);
    } finally {
      await running.close();
    }
  });

  it('picks up a champion promoted by another process, and reports a bundle it cannot load', async () => {
    const dir = tempDir('mlsys-serve-');
    const running = await startServe({ registryPath: dir, port: '0', modelName: 'churn' }, () => {});
    const other = Registry.open(dir);
    try {
      // a contract-shaped bundle without a fitted pipeline: registered and promoted, but not servable
      registerVersion(other, tempDir('mlsys-bundles-'), { roc_auc: 0.8 });
      expect(other.getChampion('churn')?.version).toBe(1);
      await running.scoring.refresh();
      const health = Health.parse(await (await fetch(`${running.url}/health`)).json());
      expect(health.status).toBe('no_model');
      expect(health.last_load_error).toMatch(/bundle/i);
      const res = await fetch(`${running.url}/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"employees": 3, "industry": "saas"}',
      });
      expect(res.status).toBe(503);
    } finally {
      other.close();
      await running.close();
    }
  });

  it('rejects a bad port', async () => {
    await expect(startServe({ port: 'eighty' }, () => {})).rejects.toThrow(/--port/);
  });
});
