import express from 'express';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponse, Health, InvocationsResponse, ModelInfo, Ready, ScoreResponse } from './schemas';
import { createScoringApp } from './app';
import {
  FakeSource,
  logisticModel,
  logisticProbability,
  startTestServer,
  type TestServer,
} from './test-support';

const SPEC = { version: 3, slope: 1.5, intercept: -0.5 };
const RECORDS = [
  { x: 0.2, segment: 'a', z: 1 },
  { x: -1, segment: 'b', z: null },
  { x: 2.5 },
  { x: 0, segment: 'zzz-unknown', extra: 'ignored' },
];

function post(
  url: string,
  body: string,
  contentType = 'application/json',
  headers: Record<string, string> = {},
) {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });
}

async function expectError(res: Response, status: number, code: string, index?: number, field?: string) {
  const body = ErrorResponse.parse(await res.json());
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(5);
  expect(body.error.index).toBe(index);
  expect(body.error.field).toBe(field);
  return body.error;
}

describe('scoring server API', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({
      source: new FakeSource(logisticModel(SPEC)),
      maxBatch: 50,
      bodyLimit: '8kb',
    });
  });
  afterAll(() => srv.close());

  it('scores a batch with the champion and names the version', async () => {
    const res = await post(`${srv.url}/score`, JSON.stringify({ records: RECORDS }));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-model-version')).toBe('3');
    expect(res.headers.get('x-batch-size')).toBe(String(RECORDS.length));
    const body = ScoreResponse.parse(await res.json());
    expect(body.model).toEqual({ name: 'churn', version: 3, run_id: 'run-3', bundle_sha256: 'sha-3-1.5' });
    expect(body.predictions).toHaveLength(RECORDS.length);
    RECORDS.forEach((r, i) => {
      const p = logisticProbability(SPEC, r);
      expect(body.predictions[i].probability).toBeCloseTo(p, 12);
      expect(body.predictions[i].label).toBe(p >= 0.5 ? 1 : 0);
      expect(body.predictions[i].threshold).toBe(0.5);
    });
    // an unknown category is what this encoder says: treated as missing
    expect(body.predictions[3].probability).toBeCloseTo(logisticProbability(SPEC, { x: 0 }), 12);
  });

  it('scores a single record object, with a charset parameter and a query string', async () => {
    const res = await post(
      `${srv.url}/score?debug=1`,
      JSON.stringify({ x: 1 }),
      'application/json; charset=utf-8',
    );
    const body = ScoreResponse.parse(await res.json());
    expect(body.predictions).toHaveLength(1);
    expect(body.predictions[0].probability).toBeCloseTo(logisticProbability(SPEC, { x: 1 }), 12);
  });

  it('rejects invalid JSON and an empty body with 400', async () => {
    await expectError(await post(`${srv.url}/score`, '{"records": [{"x": 1},'), 400, 'invalid_json');
    await expectError(await post(`${srv.url}/score`, ''), 400, 'invalid_json');
  });

  it('rejects a wrong or missing content type and content encodings with 415', async () => {
    await expectError(await post(`${srv.url}/score`, '{"x":1}', 'text/plain'), 415, 'unsupported_media_type');
    await expectError(
      await post(`${srv.url}/score`, 'x=1', 'application/x-www-form-urlencoded'),
      415,
      'unsupported_media_type',
    );
    const noType = await fetch(`${srv.url}/score`, { method: 'POST', body: new Uint8Array([123, 125]) });
    await expectError(noType, 415, 'unsupported_media_type');
    await expectError(
      await post(`${srv.url}/score`, '{"x":1}', 'application/json', { 'content-encoding': 'gzip' }),
      415,
      'unsupported_media_type',
    );
    await expectError(
      await post(`${srv.url}/score`, '{"x":1}', 'application/json; charset=latin1'),
      415,
      'unsupported_media_type',
    );
  });

  it('names the record and field of a missing field or a wrong type', async () => {
    const recs = (bad: Record<string, unknown>) => JSON.stringify({ records: [{ x: 1 }, { x: 2 }, bad] });
    await expectError(await post(`${srv.url}/score`, recs({ segment: 'a' })), 400, 'missing_field', 2, 'x');
    await expectError(await post(`${srv.url}/score`, recs({ x: null })), 400, 'missing_field', 2, 'x');
    await expectError(await post(`${srv.url}/score`, recs({ x: '3' })), 400, 'wrong_type', 2, 'x');
    await expectError(await post(`${srv.url}/score`, recs({ x: true })), 400, 'wrong_type', 2, 'x');
    await expectError(
      await post(`${srv.url}/score`, recs({ x: 1, segment: 5 })),
      400,
      'wrong_type',
      2,
      'segment',
    );
    await expectError(await post(`${srv.url}/score`, recs({ x: 1, z: [1] })), 400, 'wrong_type', 2, 'z');
  });

  it('rejects records that are not objects and bodies of the wrong shape', async () => {
    await expectError(await post(`${srv.url}/score`, '{"records": [{"x": 1}, 7]}'), 400, 'invalid_record', 1);
    await expectError(await post(`${srv.url}/score`, '{"records": {"x": 1}}'), 400, 'invalid_request');
    await expectError(await post(`${srv.url}/score`, '[{"x": 1}]'), 400, 'invalid_request');
    await expectError(await post(`${srv.url}/score`, '"x"'), 400, 'invalid_request');
  });

  it('rejects NaN and Infinity (as Python writes them, or overflowing) naming record and field', async () => {
    const e = await expectError(
      await post(`${srv.url}/score`, '{"records": [{"x": 1}, {"x": NaN}]}'),
      400,
      'non_finite',
      1,
      'x',
    );
    expect(e.message).toContain('NaN');
    await expectError(
      await post(`${srv.url}/score`, '{"records": [{"x": 1, "z": -Infinity}]}'),
      400,
      'non_finite',
      0,
      'z',
    );
    await expectError(await post(`${srv.url}/score`, '{"x": Infinity}'), 400, 'non_finite', 0, 'x');
    await expectError(await post(`${srv.url}/score`, '{"x": 1e999}'), 400, 'non_finite', 0, 'x');
    await expectError(
      await post(`${srv.url}/score`, '{"x": 1, "segment": NaN}'),
      400,
      'non_finite',
      0,
      'segment',
    );
    // the token inside a string is just text: an unknown category
    const ok = await post(`${srv.url}/score`, '{"x": 1, "segment": "NaN"}');
    expect(ok.status).toBe(200);
  });

  it('rejects an empty batch (400) and a batch over max_batch (413)', async () => {
    await expectError(await post(`${srv.url}/score`, '{"records": []}'), 400, 'empty_batch');
    const big = JSON.stringify({ records: Array.from({ length: 51 }, (_, i) => ({ x: i })) });
    const e = await expectError(await post(`${srv.url}/score`, big), 413, 'batch_too_large');
    expect(e.message).toContain('50');
    const atLimit = JSON.stringify({ records: Array.from({ length: 50 }, (_, i) => ({ x: i })) });
    expect((await post(`${srv.url}/score`, atLimit)).status).toBe(200);
  });

  it('rejects a body over the size limit with 413, declared or streamed', async () => {
    const body = JSON.stringify({
      records: Array.from({ length: 40 }, () => ({ x: 1, segment: 'a'.repeat(300) })),
    });
    expect(body.length).toBeGreaterThan(8 * 1024);
    await expectError(await post(`${srv.url}/score`, body), 413, 'body_too_large');
    // chunked: no Content-Length, so the limit is enforced while reading
    const { port } = new URL(srv.url);
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/score',
          method: 'POST',
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write(body.slice(i * 1000, (i + 1) * 1000));
      req.end(body.slice(10_000));
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body).error.code).toBe('body_too_large');
  });

  it('shrugs off a client that disconnects mid-body (counted as 499, not logged as a fault)', async () => {
    const { port } = new URL(srv.url);
    const sock = net.connect(Number(port), '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(
      'POST /score HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"x":',
    );
    await new Promise((r) => setTimeout(r, 50));
    sock.destroy();
    let text = '';
    for (let i = 0; i < 100 && !text.includes('status="499"'); i++) {
      await new Promise((r) => setTimeout(r, 20));
      text = await (await fetch(`${srv.url}/metrics`)).text();
    }
    expect(text).toMatch(/errors_total\{route="\/score",status="499"\} 1/);
    expect(srv.logs.filter((l) => l.includes('failed'))).toEqual([]);
  });

  it('stays up after bad input', async () => {
    const res = await post(`${srv.url}/score`, JSON.stringify({ records: RECORDS }));
    expect(res.status).toBe(200);
  });

  it('answers other methods and unknown paths with JSON 405 / 404', async () => {
    const get = await fetch(`${srv.url}/score`);
    expect(get.headers.get('allow')).toBe('POST');
    await expectError(get, 405, 'method_not_allowed');
    await expectError(await fetch(`${srv.url}/nope`), 404, 'not_found');
  });

  it('serves MLflow /invocations in every envelope and CSV with the same probabilities', async () => {
    const recs = [
      { x: 0.2, segment: 'a', z: 1 },
      { x: -1, segment: null, z: 3 },
    ];
    const want = recs.map((r) => logisticProbability(SPEC, r));
    const cols = ['x', 'segment', 'z'];
    const rows = recs.map((r) => cols.map((c) => r[c as keyof typeof r]));
    const bodies = [
      { dataframe_split: { columns: cols, data: rows, index: [0, 1] } },
      { dataframe_split: { columns: ['z', 'x', 'segment'], data: recs.map((r) => [r.z, r.x, r.segment]) } },
      { dataframe_records: recs },
      { instances: recs },
      { instances: rows },
      { inputs: recs },
      { inputs: rows },
      { inputs: { x: recs.map((r) => r.x), segment: recs.map((r) => r.segment), z: recs.map((r) => r.z) } },
      { inputs: recs, params: { ignored: true } },
    ];
    for (const b of bodies) {
      const res = await post(`${srv.url}/invocations`, JSON.stringify(b));
      expect(res.status, JSON.stringify(b)).toBe(200);
      expect(res.headers.get('x-model-version')).toBe('3');
      const out = InvocationsResponse.parse(await res.json());
      expect(out.predictions.map((p) => p.probability)).toEqual(want.map((w) => expect.closeTo(w, 12)));
    }
    const legacy = [
      ['application/json; format=pandas-split', { columns: cols, data: rows }],
      ['application/json; format=pandas-records', recs],
    ] as const;
    for (const [type, b] of legacy) {
      const res = await post(`${srv.url}/invocations`, JSON.stringify(b), type);
      expect(res.status, type).toBe(200);
      const out = InvocationsResponse.parse(await res.json());
      expect(out.predictions.map((p) => p.probability)).toEqual(want.map((w) => expect.closeTo(w, 12)));
    }
    const csv = 'x,segment,z\r\n0.2,a,1\r\n-1,,3\r\n';
    const res = await post(`${srv.url}/invocations`, csv, 'text/csv');
    expect(res.status).toBe(200);
    const out = InvocationsResponse.parse(await res.json());
    expect(out.predictions.map((p) => p.probability)).toEqual(want.map((w) => expect.closeTo(w, 12)));
  });

  it('rejects bad /invocations input with the record index and field', async () => {
    const inv = (b: unknown) => post(`${srv.url}/invocations`, JSON.stringify(b));
    await expectError(await inv({ records: [{ x: 1 }] }), 400, 'invalid_request');
    await expectError(await inv({ instances: [{ x: 1 }], inputs: [{ x: 1 }] }), 400, 'invalid_request');
    await expectError(
      await inv({ dataframe_split: { columns: ['x'], data: [[1], [true]] } }),
      400,
      'invalid_request',
      1,
      'x',
    );
    await expectError(
      await inv({ dataframe_split: { columns: ['x'], data: [[1], [1, 2]] } }),
      400,
      'invalid_record',
      1,
    );
    await expectError(
      await inv({ dataframe_records: [{ x: 1 }, { x: { a: 1 } }] }),
      400,
      'invalid_request',
      1,
      'x',
    );
    await expectError(await inv({ dataframe_records: [{ x: 1 }, { z: 1 }] }), 400, 'missing_field', 1, 'x');
    await expectError(
      await inv({
        instances: [
          [1, 'a', 2],
          [1, 'a'],
        ],
      }),
      400,
      'invalid_record',
      1,
    );
    await expectError(await inv({ inputs: { x: [1, 2], z: [1] } }), 400, 'invalid_request', undefined, 'z');
    await expectError(await inv({ dataframe_records: [] }), 400, 'empty_batch');
    await expectError(
      await post(`${srv.url}/invocations`, 'x,segment\n1,a\nabc,b\n', 'text/csv'),
      400,
      'wrong_type',
      1,
      'x',
    );
    await expectError(
      await post(`${srv.url}/invocations`, 'x\nNaN\n', 'text/csv'),
      400,
      'non_finite',
      0,
      'x',
    );
    await expectError(await post(`${srv.url}/invocations`, 'x,z\n1\n', 'text/csv'), 400, 'invalid_record', 0);
    await expectError(await post(`${srv.url}/invocations`, 'x\n"1\n', 'text/csv'), 400, 'invalid_request');
    await expectError(await post(`${srv.url}/invocations`, 'x\n', 'text/csv'), 400, 'empty_batch');
    await expectError(
      await post(`${srv.url}/invocations`, '<x/>', 'application/xml'),
      415,
      'unsupported_media_type',
    );
  });

  it('GET /health, /ready and /model describe the champion', async () => {
    const health = Health.parse(await (await fetch(`${srv.url}/health`)).json());
    expect(health).toMatchObject({
      status: 'ok',
      model_loaded: true,
      version: 3,
      swaps: 0,
      last_load_error: null,
    });
    const ready = await fetch(`${srv.url}/ready`);
    expect(ready.status).toBe(200);
    expect(Ready.parse(await ready.json())).toEqual({ ready: true, version: 3 });
    const model = ModelInfo.parse(await (await fetch(`${srv.url}/model`)).json());
    expect(model).toMatchObject({
      name: 'churn',
      version: 3,
      run_id: 'run-3',
      threshold: 0.5,
      calibrated: false,
      algorithm: 'logistic',
      config_hash: 'cfg-3',
      trained_at: '2026-11-26T08:00:00Z',
      metrics: { roc_auc: 0.83, log_loss: 0.3 },
    });
    expect(model.signature.columns.map((c) => c.name)).toEqual(['x', 'segment', 'z']);
  });

  it('GET /metrics counts predictions by version, batch sizes, durations and errors', async () => {
    const res = await fetch(`${srv.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    const value = (line: RegExp) =>
      Number(
        text
          .split('\n')
          .find((l) => line.test(l))
          ?.split(' ')
          .pop(),
      );
    expect(value(/^mlsys_serving_predictions_total\{model_version="3"\}/)).toBeGreaterThanOrEqual(
      RECORDS.length * 2,
    );
    expect(value(/^mlsys_serving_batch_size_count /)).toBeGreaterThan(2);
    expect(
      value(/^mlsys_serving_request_duration_seconds_count\{route="\/score",status="200"\}/),
    ).toBeGreaterThan(2);
    expect(value(/^mlsys_serving_errors_total\{route="\/score",status="400"\}/)).toBeGreaterThan(5);
    expect(value(/^mlsys_serving_errors_total\{route="\/score",status="413"\}/)).toBeGreaterThan(1);
    expect(value(/^mlsys_serving_errors_total\{route="\/score",status="415"\}/)).toBeGreaterThan(1);
    expect(value(/^mlsys_serving_model_reloads_total\{result="success"\}/)).toBe(1);
    expect(value(/^mlsys_serving_model_version /)).toBe(3);
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
  });

  it('GET /docs serves Swagger UI from local files', async () => {
    const res = await fetch(`${srv.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${srv.url}/docs/`);
    const html = await res.text();
    expect(html).toContain('swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    const js = await fetch(`${srv.url}/docs/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await js.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
    const init = await (await fetch(`${srv.url}/docs/init.js`)).text();
    expect(init).toContain('openapi.json');
    expect((await fetch(`${srv.url}/docs/package.json`)).status).toBe(404);
  });
});

describe('scoring server without a champion', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startTestServer({ source: new FakeSource(undefined), prometheus: false });
  });
  afterAll(() => srv.close());

  it('answers scoring with 503 and says how to train one', async () => {
    const e = await expectError(await post(`${srv.url}/score`, '{"x": 1}'), 503, 'no_champion');
    expect(e.message).toMatch(/train/i);
    expect(e.message).toMatch(/promote/i);
    await expectError(await post(`${srv.url}/invocations`, '{"inputs": [[1]]}'), 503, 'no_champion');
    await expectError(await fetch(`${srv.url}/model`), 503, 'no_champion');
  });

  it('is alive but not ready', async () => {
    const health = Health.parse(await (await fetch(`${srv.url}/health`)).json());
    expect(health).toMatchObject({ status: 'no_model', model_loaded: false, version: null, model: null });
    const ready = await fetch(`${srv.url}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ ready: false, version: null });
  });

  it('has no /metrics when prometheus is off', async () => {
    expect((await fetch(`${srv.url}/metrics`)).status).toBe(404);
  });
});

async function metricsText(url: string): Promise<string> {
  return (await fetch(`${url}/metrics`)).text();
}

describe('scoring app mounted in a host app', () => {
  it('scores under a path prefix', async () => {
    const scoring = createScoringApp({
      source: new FakeSource(logisticModel(SPEC)),
      modelName: 'churn',
      log: () => {},
    });
    await scoring.ready();
    const host = express();
    host.use('/serving', scoring.app);
    const server = host.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/serving`;
    try {
      const res = await post(`${url}/score`, '{"x": 2}');
      expect(res.status).toBe(200);
      expect(ScoreResponse.parse(await res.json()).predictions[0].probability).toBeCloseTo(
        logisticProbability(SPEC, { x: 2 }),
        12,
      );
      expect((await fetch(`${url}/health`)).status).toBe(200);
      expect((await fetch(`${url}/docs`)).url).toBe(`${url}/docs/`);
      // through Express's router (trailing slash): same handler, counted once
      expect((await post(`${url}/score/`, '{"x": 2}')).status).toBe(200);
      const text = await metricsText(url);
      expect(text).toMatch(/request_duration_seconds_count\{route="\/score",status="200"\} 2/);
    } finally {
      scoring.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('errors thrown by the model', () => {
  it('turns a RecordError, or any error naming index and field, into a 400', async () => {
    const strict = logisticModel({ version: 5, slope: 1, unknown: 'error' });
    const source = new FakeSource(strict);
    const srv = await startTestServer({ source });
    try {
      const body = JSON.stringify({
        records: [
          { x: 1, segment: 'a' },
          { x: 2, segment: 'c' },
        ],
      });
      const e = await expectError(await post(`${srv.url}/score`, body), 400, 'invalid_record', 1, 'segment');
      expect(e.message).toContain('unknown category "c"');

      // the feature pipeline's own error class: any Error with numeric index and string field
      class PipelineError extends Error {
        constructor(
          readonly index: number,
          readonly field: string,
        ) {
          super(`record ${index}: ${field} is out of range`);
        }
      }
      source.set({
        ...strict,
        identity: { ...strict.identity, version: 6 },
        predict: () => {
          throw new PipelineError(0, 'x');
        },
      });
      await srv.scoring.refresh();
      await expectError(await post(`${srv.url}/score`, '{"x": 1}'), 400, 'invalid_record', 0, 'x');

      // a bug in the model is a 500 (logged), and the server stays up
      source.set({
        ...strict,
        identity: { ...strict.identity, version: 7 },
        predict: () => {
          throw new TypeError('cannot read properties of undefined');
        },
      });
      await srv.scoring.refresh();
      await expectError(await post(`${srv.url}/invocations`, '{"inputs": [{"x": 1}]}'), 500, 'internal');
      expect(srv.logs.some((l) => l.includes('cannot read properties'))).toBe(true);
      source.set({
        ...strict,
        identity: { ...strict.identity, version: 8 },
        predict: () => new Float64Array([NaN]),
      });
      await srv.scoring.refresh();
      await expectError(await post(`${srv.url}/score`, '{"x": 1}'), 500, 'internal');
      expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    } finally {
      await srv.close();
    }
  });
});

describe('a champion that cannot be loaded', () => {
  it('answers 503 with the load error, not "train one"', async () => {
    const source = new FakeSource(logisticModel(SPEC));
    source.failWith = new Error('bundle sha256 mismatch (tampered)');
    const srv = await startTestServer({ source });
    try {
      const res = await post(`${srv.url}/score`, '{"x": 1}');
      expect(res.status).toBe(503);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/could not be loaded.*tampered/);
    } finally {
      await srv.close();
    }
  });
});
