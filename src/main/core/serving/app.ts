/**
 * `createScoringApp`: the scoring server as an Express 5 app that always serves the champion. The host
 * (CLI `mlsys serve`, desktop app, browser-mode server) calls `listen`.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { parseByteSize } from './body';
import { ChampionWatcher } from './champion';
import { mountDocs } from './docs';
import { HttpError } from './http-error';
import { createServingMetrics } from './metrics';
import { buildOpenApiDocument } from './openapi';
import { createScoreHandlers, type RawHandler } from './score';
import type { ChampionSource, ScoringModel } from './types';

export const DEFAULT_MAX_BATCH = 10_000;
/** Fits a full batch of max_batch wide records. */
export const DEFAULT_BODY_LIMIT = '20mb';
export const DEFAULT_POLL_MS = 250;

export interface ScoringAppOptions {
  source: ChampionSource;
  /** The registered model name this server serves (used in messages and the docs). */
  modelName: string;
  /** Largest batch (`serving.max_batch`); default 10,000. */
  maxBatch?: number;
  /** Expose `GET /metrics`; default true. */
  prometheus?: boolean;
  /** Largest request body, e.g. '20mb' (default). */
  bodyLimit?: string;
  /** How often the champion stamp is checked; default 250 ms. */
  pollMs?: number;
  /** Where the metrics go; default a registry of this app's own. */
  register?: Registry;
  /** Where load failures and swaps are reported; default console.warn. */
  log?: (message: string) => void;
}

export interface ScoringApp {
  app: express.Express;
  /** Resolves after the first champion load attempt. */
  ready(): Promise<void>;
  /** The model new requests are scored with. */
  current(): ScoringModel | undefined;
  /** Why the latest champion load failed (the previous model is still served), or null. */
  lastError(): string | null;
  /** Checks for a new champion now (instead of at the next poll). */
  refresh(): Promise<void>;
  /** Stops watching the champion (the host closes its own HTTP server). */
  close(): void;
  /** Times the served model changed after the first load. */
  readonly swaps: number;
}

function errorJson(res: Response, err: HttpError): void {
  res.status(err.status).json(err.body());
}

/** Express routes for everything but scoring, which `handle` below sends straight to its handler. */
function routeLabel(req: Request): string {
  const p = req.route?.path;
  return typeof p === 'string' ? p : 'other';
}

export function createScoringApp(options: ScoringAppOptions): ScoringApp {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
  if (!Number.isInteger(maxBatch) || maxBatch < 1)
    throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
  const bodyLimit = parseByteSize(options.bodyLimit ?? DEFAULT_BODY_LIMIT);
  const log = options.log ?? ((m: string) => console.warn(m));
  const metrics = createServingMetrics(options.register);
  const watcher = new ChampionWatcher({
    source: options.source,
    pollMs: options.pollMs ?? DEFAULT_POLL_MS,
    metrics,
    log,
  });
  const started = Date.now();
  const handlers = createScoreHandlers({
    watcher,
    metrics,
    modelName: options.modelName,
    maxBatch,
    bodyLimit,
    log,
  });
  const openapi = JSON.stringify(buildOpenApiDocument({ modelName: options.modelName }));

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use((req: Request, res: Response, next: NextFunction) => {
    const t0 = performance.now();
    res.on('finish', () => {
      const route = routeLabel(req);
      // the scoring handlers record their own requests (they usually bypass Express altogether)
      if (route !== '/score' && route !== '/invocations') {
        metrics.request(route, res.statusCode, (performance.now() - t0) / 1000);
      }
    });
    next();
  });

  app.post('/score', (req, res) => handlers.score(req, res));
  app.post('/invocations', (req, res) => handlers.invocations(req, res));
  for (const route of ['/score', '/invocations']) {
    app.all(route, (_req, res) => {
      res.setHeader('Allow', 'POST');
      errorJson(res, new HttpError(405, 'method_not_allowed', `Use POST ${route}`));
    });
  }

  app.get('/health', (_req, res) => {
    const m = watcher.current;
    res.json({
      status: !m ? 'no_model' : watcher.lastError ? 'degraded' : 'ok',
      model_loaded: m !== undefined,
      version: m?.identity.version ?? null,
      model: m ? { ...m.identity } : null,
      swaps: watcher.swaps,
      last_load_error: watcher.lastError,
      uptime_s: (Date.now() - started) / 1000,
    });
  });

  app.get('/ready', (_req, res) => {
    const m = watcher.current;
    res.status(m ? 200 : 503).json({ ready: m !== undefined, version: m?.identity.version ?? null });
  });

  app.get('/model', (_req, res) => {
    const m = watcher.current;
    if (!m) {
      errorJson(res, new HttpError(503, 'no_champion', `No champion model for "${options.modelName}" yet`));
      return;
    }
    const md = m.metadata;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const metricsObj =
      md.metrics && typeof md.metrics === 'object' ? (md.metrics as Record<string, unknown>) : {};
    res.setHeader('X-Model-Version', String(m.identity.version));
    res.json({
      ...m.identity,
      threshold: m.threshold,
      calibrated: m.calibrated,
      algorithm: str(md.algorithm),
      config_hash: str(md.config_hash),
      trained_at: str(md.trained_at),
      metrics: Object.fromEntries(Object.entries(metricsObj).filter(([, v]) => typeof v === 'number')),
      signature: m.signature,
      metadata: md,
    });
  });

  if (options.prometheus !== false) {
    app.get('/metrics', async (_req, res, next) => {
      try {
        const text = await metrics.register.metrics();
        res.type(metrics.register.contentType).send(text);
      } catch (err) {
        next(err);
      }
    });
  }

  app.get('/openapi.json', (_req, res) => {
    res.type('application/json').send(openapi);
  });
  mountDocs(app);

  app.use((req: Request, res: Response) => {
    errorJson(res, new HttpError(404, 'not_found', `No route ${req.method} ${req.path}`));
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: unknown })?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      errorJson(res, new HttpError(status, 'invalid_request', (err as Error).message));
      return;
    }
    log(`scoring server: ${req.method} ${req.path} failed: ${(err as Error)?.stack ?? String(err)}`);
    errorJson(res, new HttpError(500, 'internal', 'Internal error'));
  });

  // The scoring routes are the hot path. Express's per-request router and prototype work cost most of
  // the throughput: a trivial JSON POST measured with wrk (32 connections) on the benchmark machine did
  // 66k req/s as a bare Node handler, 16k through an Express 5 route, 12k with express.json(). So
  // POST /score and /invocations go straight to their handlers; the routes above serve mounted apps.
  const fast = new Map<string, RawHandler>([
    ['/score', handlers.score],
    ['/invocations', handlers.invocations],
  ]);
  const expressHandle = (
    app as unknown as { handle: (req: Request, res: Response, next?: NextFunction) => void }
  ).handle;
  (app as unknown as { handle: typeof expressHandle }).handle = function handle(req, res, next) {
    if (req.method === 'POST') {
      const url = req.url;
      const q = url.indexOf('?');
      const h = fast.get(q < 0 ? url : url.slice(0, q));
      if (h) return h(req, res);
    }
    expressHandle.call(app, req, res, next);
  };

  return {
    app,
    ready: () => watcher.ready(),
    current: () => watcher.current,
    lastError: () => watcher.lastError,
    refresh: () => watcher.refresh(),
    close: () => watcher.close(),
    get swaps() {
      return watcher.swaps;
    },
  };
}
