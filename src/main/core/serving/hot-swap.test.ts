import { afterEach, describe, expect, it } from 'vitest';
import { Health, ScoreResponse } from './schemas';
import {
  FakeSource,
  logisticModel,
  logisticProbability,
  startTestServer,
  type TestServer,
} from './test-support';

const A = { version: 1, slope: 1 };
const B = { version: 2, slope: -2, intercept: 1 };
const specs = new Map([
  [1, A],
  [2, B],
]);

let srv: TestServer | undefined;
afterEach(async () => {
  await srv?.close();
  srv = undefined;
});

describe('champion hot swap', () => {
  it('promotes back and forth under load with 0 failed requests, each reply scored by the version it names', async () => {
    const source = new FakeSource(logisticModel(A));
    source.loadDelayMs = 30; // loading happens in the background while requests keep flowing
    srv = await startTestServer({ source, pollMs: 10 });
    const url = `${srv.url}/score`;
    const records = Array.from({ length: 20 }, (_, i) => ({ x: (i - 10) / 4, segment: i % 2 ? 'a' : 'b' }));
    const body = JSON.stringify({ records });

    let stop = false;
    const seen = new Map<number, number>();
    const failures: string[] = [];
    let total = 0;
    const worker = async () => {
      while (!stop) {
        try {
          const res = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          const text = await res.text();
          total++;
          if (res.status !== 200) {
            failures.push(`${res.status} ${text}`);
            continue;
          }
          const reply = ScoreResponse.parse(JSON.parse(text));
          const version = reply.model.version;
          if (res.headers.get('x-model-version') !== String(version))
            failures.push('header/body version mismatch');
          const spec = specs.get(version);
          if (!spec) {
            failures.push(`unknown version ${version}`);
            continue;
          }
          records.forEach((r, i) => {
            if (Math.abs(reply.predictions[i].probability - logisticProbability(spec, r)) > 1e-12) {
              failures.push(`v${version} record ${i}: probability from the other model`);
            }
          });
          seen.set(version, (seen.get(version) ?? 0) + 1);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const workers = Array.from({ length: 16 }, worker);

    const flips = 8;
    for (let i = 1; i <= flips; i++) {
      await new Promise((r) => setTimeout(r, 150));
      const next = i % 2 ? B : A;
      source.set(logisticModel(next));
      // wait for the background load and swap (slow on a busy machine) before the next flip
      for (let t = 0; srv.scoring.current()?.identity.version !== next.version; t++) {
        if (t > 500) throw new Error(`swap to v${next.version} did not happen`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await new Promise((r) => setTimeout(r, 150));
    stop = true;
    await Promise.all(workers);

    expect(failures.slice(0, 5)).toEqual([]);
    expect(total).toBeGreaterThan(100);
    expect(seen.get(1)).toBeGreaterThan(10);
    expect(seen.get(2)).toBeGreaterThan(10);
    expect(srv.scoring.swaps).toBe(flips);
    expect(srv.scoring.current()?.identity.version).toBe(1);
  });

  it('keeps serving the previous model when a new bundle fails to load, and says so on /health', async () => {
    const source = new FakeSource(logisticModel(A));
    srv = await startTestServer({ source, pollMs: 10 });
    source.failWith = new Error('bundle sha256 mismatch (tampered?)');
    source.set(logisticModel(B));
    await srv.scoring.refresh();
    // several polls later: still v1, one log line, /health degraded, failure counted
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${srv.url}/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x": 1}',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-version')).toBe('1');
    const health = Health.parse(await (await fetch(`${srv.url}/health`)).json());
    expect(health.status).toBe('degraded');
    expect(health.version).toBe(1);
    expect(health.last_load_error).toContain('sha256 mismatch');
    expect(srv.logs.filter((l) => l.includes('sha256 mismatch'))).toHaveLength(1);
    const metrics = await (await fetch(`${srv.url}/metrics`)).text();
    expect(metrics).toMatch(/^mlsys_serving_model_reloads_total\{result="failure"\} [1-9]/m);
    expect(metrics).toMatch(/^mlsys_serving_model_load_failed 1$/m);

    // the champion is fixed: the next change loads and clears the error
    source.failWith = undefined;
    source.set(logisticModel(B));
    await srv.scoring.refresh();
    expect(srv.scoring.current()?.identity.version).toBe(2);
    const after = Health.parse(await (await fetch(`${srv.url}/health`)).json());
    expect(after).toMatchObject({ status: 'ok', version: 2, last_load_error: null, swaps: 1 });
  });

  it('stops serving when the champion is removed, and serves again when one is promoted', async () => {
    const source = new FakeSource(logisticModel(A));
    srv = await startTestServer({ source, pollMs: 1000 });
    source.set(undefined);
    await srv.scoring.refresh();
    const gone = await fetch(`${srv.url}/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x":1}',
    });
    expect(gone.status).toBe(503);
    source.set(logisticModel(B));
    await srv.scoring.refresh();
    const back = await fetch(`${srv.url}/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"x":1}',
    });
    expect(back.headers.get('x-model-version')).toBe('2');
  });
});
