import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScoringApp } from './app';
import { createServingMetrics } from './metrics';
import { FakeSource, logisticModel, startTestServer, type TestServer } from './test-support';

const PROMTOOL = '/usr/bin/promtool';

describe('GET /metrics', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ source: new FakeSource(logisticModel({ version: 7, slope: 1 })) });
    const post = (body: string, type = 'application/json') =>
      fetch(`${srv.url}/score`, { method: 'POST', headers: { 'content-type': type }, body });
    await post('{"records": [{"x": 1}, {"x": 2}]}');
    await post('{"x": "bad"}');
    await post('{}', 'text/plain');
    await fetch(`${srv.url}/health`);
    await fetch(`${srv.url}/nope`);
  });
  afterAll(() => srv.close());

  // promtool ships in the apt package `prometheus`; CI images without it cannot run this check
  it.skipIf(!existsSync(PROMTOOL))('is accepted by promtool check metrics', async () => {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(text).toContain('mlsys_serving_predictions_total{model_version="7"} 2');
    const r = spawnSync(PROMTOOL, ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });

  it('labels Express routes by their pattern, unknown paths as other', async () => {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(text).toMatch(/request_duration_seconds_count\{route="\/health",status="200"\} 1/);
    expect(text).toMatch(/errors_total\{route="other",status="404"\} 1/);
    expect(text).toMatch(/errors_total\{route="\/score",status="400"\} 1/);
    expect(text).toMatch(/errors_total\{route="\/score",status="415"\} 1/);
  });
});

describe('createServingMetrics', () => {
  it('can share a registry: a second app reuses the metrics instead of failing', async () => {
    const register = new Registry();
    const a = createScoringApp({ source: new FakeSource(), modelName: 'm', register, log: () => {} });
    const b = createScoringApp({ source: new FakeSource(), modelName: 'm', register, log: () => {} });
    a.close();
    b.close();
    const m = createServingMetrics(register);
    m.scored(2, 5);
    expect(await register.getSingleMetricAsString('mlsys_serving_predictions_total')).toContain(
      'mlsys_serving_predictions_total{model_version="2"} 5',
    );
  });
});
