/**
 * The two scoring routes, `POST /score` and `POST /invocations`, as plain Node handlers: they are the
 * hot path and skip Express's router (app.ts). Each request reads the champion reference once, at its
 * start, and answers with that model's version whatever swaps happen meanwhile.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ChampionWatcher } from './champion';
import { mediaType, readBody } from './body';
import { HttpError, sendError, sendJson } from './http-error';
import { parseJsonBody } from './json';
import type { ServingMetrics } from './metrics';
import { recordsFromCsv, recordsFromInvocationJson } from './mlflow';
import { checkBatchSize, checkRecords, typeName } from './records';
import { isRecordError, type ScoringModel } from './types';

export type RawHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface ScoringContext {
  watcher: ChampionWatcher;
  metrics: ServingMetrics;
  modelName: string;
  maxBatch: number;
  bodyLimit: number;
  log: (message: string) => void;
}

/** Per-model pieces of the reply, built once per model rather than per request. */
interface Rendered {
  prefix: string;
  version: string;
  headers: Record<string, string>;
  tail: string;
}
const rendered = new WeakMap<ScoringModel, Rendered>();

function renderOf(model: ScoringModel): Rendered {
  let r = rendered.get(model);
  if (!r) {
    const { name, version, run_id, bundle_sha256 } = model.identity;
    r = {
      prefix: `{"model":${JSON.stringify({ name, version, run_id, bundle_sha256 })},"predictions":[`,
      version: String(version),
      headers: { 'X-Model-Version': String(version), 'X-Model-Name': encodeURIComponent(name) },
      tail: `,"threshold":${JSON.stringify(model.threshold)}}`,
    };
    rendered.set(model, r);
  }
  return r;
}

function predictionsJson(model: ScoringModel, probs: Float64Array, n: number): string {
  if (probs.length !== n) {
    throw new Error(`the model returned ${probs.length} probabilities for ${n} records`);
  }
  const t = model.threshold;
  const tail = renderOf(model).tail;
  let out = '';
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    if (!(p >= 0 && p <= 1)) throw new Error(`the model returned probability ${p} for record ${i}`);
    out += `${i ? ',' : ''}{"probability":${p},"label":${p >= t ? 1 : 0}${tail}`;
  }
  return out;
}

function noChampion(modelName: string, loadError: string | null): HttpError {
  if (loadError) {
    return new HttpError(
      503,
      'no_champion',
      `The champion of "${modelName}" could not be loaded, so nothing is served: ${loadError}. ` +
        `Promote a loadable version (\`mlsys promote ${modelName} <version>\`) or train a new one.`,
    );
  }
  return new HttpError(
    503,
    'no_champion',
    `No champion model for "${modelName}" yet. Train one with \`mlsys train --config <file>\` (or Run in ` +
      'the app): the first registered model becomes the champion, later ones when they beat it or with ' +
      `\`mlsys promote ${modelName} <version>\`. The server picks the champion up without a restart.`,
  );
}

/** `/score` takes `{"records": [...]}` or a single record object. */
function scoreRecords(body: unknown): unknown[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(
      400,
      'invalid_request',
      `Expected {"records": [...]} or one record object, got ${typeName(body)}`,
    );
  }
  if (!('records' in body)) return [body];
  const records = (body as { records: unknown }).records;
  if (!Array.isArray(records)) {
    throw new HttpError(
      400,
      'invalid_request',
      `"records" must be a list of records, got ${typeName(records)}`,
    );
  }
  return records;
}

function score(model: ScoringModel, records: unknown[], maxBatch: number): Float64Array {
  checkBatchSize(records.length, maxBatch);
  checkRecords(records, model.signature);
  return model.predict(records);
}

type Route = '/score' | '/invocations';

/**
 * MLflow 1.x clients send the bare pandas payload with `Content-Type: application/json;
 * format=pandas-split` (or pandas-records); wrap it in the MLflow 2 envelope.
 */
function legacyFormat(body: unknown, req: IncomingMessage): unknown {
  const format = /;\s*format\s*=\s*(pandas-split|pandas-records)/i.exec(
    req.headers['content-type'] ?? '',
  )?.[1];
  if (!format) return body;
  return format.toLowerCase() === 'pandas-split' ? { dataframe_split: body } : { dataframe_records: body };
}

export function createScoreHandlers(ctx: ScoringContext): { score: RawHandler; invocations: RawHandler } {
  const { watcher, metrics, maxBatch, bodyLimit } = ctx;

  function fail(res: ServerResponse, route: Route, err: unknown, model: ScoringModel | undefined): number {
    let httpErr: HttpError;
    if (err instanceof HttpError) httpErr = err;
    else if (isRecordError(err)) {
      httpErr = new HttpError(400, 'invalid_record', err.message, err.index, err.field);
    } else {
      ctx.log(`scoring server: ${route} failed: ${(err as Error)?.stack ?? String(err)}`);
      httpErr = new HttpError(500, 'internal', `Scoring failed: ${(err as Error)?.message ?? String(err)}`);
    }
    if (!res.headersSent && !res.destroyed)
      sendError(res, httpErr, model ? renderOf(model).headers : undefined);
    return httpErr.status;
  }

  function handle(
    route: Route,
    accepts: (type: string) => boolean,
    unsupported: string,
    /** Scores the body; returns the reply JSON (and sets any per-request headers on `res`). */
    run: (
      model: ScoringModel,
      text: string,
      type: string,
      req: IncomingMessage,
      res: ServerResponse,
    ) => string,
  ): RawHandler {
    return (req, res) => {
      const t0 = performance.now();
      const model = watcher.current; // read once: this request is answered by this model
      const done = (status: number) => metrics.request(route, status, (performance.now() - t0) / 1000);
      if (!model) return done(fail(res, route, noChampion(ctx.modelName, watcher.lastError), undefined));
      const type = mediaType(req);
      if (!accepts(type)) {
        const got = type ? `Content-Type "${type}"` : 'no Content-Type';
        return done(
          fail(res, route, new HttpError(415, 'unsupported_media_type', `${unsupported}; got ${got}`), model),
        );
      }
      let body: Promise<string>;
      try {
        body = readBody(req, bodyLimit);
      } catch (err) {
        return done(fail(res, route, err, model));
      }
      body.then(
        (text) => {
          let json: string;
          try {
            json = run(model, text, type, req, res);
          } catch (err) {
            return done(fail(res, route, err, model));
          }
          sendJson(res, 200, json, renderOf(model).headers);
          done(200);
        },
        (err) => done(fail(res, route, err, model)),
      );
    };
  }

  const isJson = (t: string) =>
    t === 'application/json' || (t.startsWith('application/') && t.endsWith('+json'));

  return {
    score: handle(
      '/score',
      isJson,
      'Send Content-Type: application/json',
      (model, text, _type, _req, res) => {
        const records = scoreRecords(parseJsonBody(text));
        const probs = score(model, records, maxBatch);
        const out = renderOf(model).prefix + predictionsJson(model, probs, records.length) + ']}';
        metrics.scored(model.identity.version, records.length);
        res.setHeader('X-Batch-Size', records.length);
        return out;
      },
    ),
    invocations: handle(
      '/invocations',
      (t) => isJson(t) || t === 'text/csv',
      'Send Content-Type: application/json or text/csv',
      (model, text, type, req, res) => {
        const records =
          type === 'text/csv'
            ? recordsFromCsv(text, model.signature)
            : recordsFromInvocationJson(legacyFormat(parseJsonBody(text), req), model.signature);
        const probs = score(model, records, maxBatch);
        const out = `{"predictions":[${predictionsJson(model, probs, records.length)}]}`;
        metrics.scored(model.identity.version, records.length);
        res.setHeader('X-Batch-Size', records.length);
        return out;
      },
    ),
  };
}
