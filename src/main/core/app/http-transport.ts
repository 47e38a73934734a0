import express, { type Request, type Response, type NextFunction } from 'express';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { dispatch, type EventEnvelope } from '../../../shared/api';
import type { Backend } from './backend';

export interface HttpTransportOptions {
  backend: Backend;
  /** Built renderer folder (index.html + assets); when absent the API still works. */
  rendererDir?: string;
  token?: string;
  /** Port the server listens on, needed for the Host/Origin checks; set after listen via `setPort`. */
  port?: number;
}

export interface HttpTransport {
  app: express.Express;
  token: string;
  setPort(port: number): void;
  closeEventStreams(): void;
}

/** HTTP status per API error code; anything else (`internal`) is a 500. */
const HTTP_STATUS: Record<string, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  unknown_method: 404,
  conflict: 409,
};

function sameToken(given: string | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function tokenOf(req: Request): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length).trim();
  const q = req.query.token;
  return typeof q === 'string' ? q : undefined;
}

/**
 * The handler map over HTTP for browser mode: `POST /api/<name>` with `{id, args}`, events over SSE at
 * `/api/events`. A local web server, so every request must carry a local Host (DNS rebinding), any
 * Origin must be this server's own (cross-site requests), and API calls need the per-launch token.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const token = options.token ?? randomBytes(24).toString('hex');
  let port = options.port ?? 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  const allowedOrigins = () => new Set([...allowedHosts()].map((h) => `http://${h}`));
  const streams = new Set<Response>();

  const app = express();
  app.disable('x-powered-by');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const host = req.headers.host ?? '';
    if (!allowedHosts().has(host)) {
      res.status(403).json({ ok: false, error: { code: 'forbidden', message: `Host not allowed: ${host}` } });
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins().has(origin)) {
      res
        .status(403)
        .json({ ok: false, error: { code: 'forbidden', message: `Origin not allowed: ${origin}` } });
      return;
    }
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    next();
  });

  app.use('/api', (req: Request, res: Response, next: NextFunction) => {
    if (!sameToken(tokenOf(req), token)) {
      res.status(401).json({
        ok: false,
        error: { code: 'unauthorized', message: 'Missing or wrong token: open the URL the server printed.' },
      });
      return;
    }
    next();
  });

  app.get('/api/events', (req: Request, res: Response) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.backend.events.onAny((event, payload) => {
      const body: EventEnvelope = { event, payload };
      res.write(`event: ${event}\ndata: ${JSON.stringify(body)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': ping\n\n'), 15_000);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(res);
    });
  });

  app.post('/api/:name', express.json({ limit: '20mb' }), async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as { id?: unknown; args?: unknown };
    const name = String(req.params.name);
    const reply = await dispatch(options.backend.handlers, {
      id: typeof body.id === 'string' ? body.id : '',
      name,
      args: body.args, // dispatch treats a missing args as {} and rejects null
    });
    const status = reply.ok ? 200 : (HTTP_STATUS[reply.error.code] ?? 500);
    res.status(status).json(reply);
  });

  app.use('/api', (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const message = err instanceof Error ? err.message : String(err);
    const status = (err as { status?: number }).status ?? 400;
    res.status(status >= 400 && status < 500 ? status : 400).json({
      ok: false,
      error: { code: 'bad_request', message: `Bad request: ${message}` },
    });
  });

  if (options.rendererDir && existsSync(options.rendererDir)) {
    const dir = options.rendererDir;
    app.use(express.static(dir, { index: false }));
    app.get('/{*path}', (_req: Request, res: Response) => res.sendFile(path.join(dir, 'index.html')));
  }

  return {
    app,
    token,
    setPort(p: number) {
      port = p;
    },
    closeEventStreams() {
      for (const s of streams) s.end();
      streams.clear();
    },
  };
}
