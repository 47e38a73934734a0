import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { ServingStatus } from '../../../shared/api/dto';
import type { Registry } from '../registry';
import { createScoringApp, type ScoringApp } from '../serving';
import { registryChampionSource } from '../bundle/champion-source';

export interface ServingManagerOptions {
  registry: Registry;
  modelName: string;
  host: string;
  port: number;
  maxBatch: number;
  prometheus: boolean;
  onStatus?(status: ServingStatus): void;
}

/**
 * The app's embedded scoring port: starts, stops and moves the Express scoring app, counts what it
 * served, and lets the app's own UI origin call it (CORS for exactly the origins it is told).
 */
export class ServingManager {
  private server: http.Server | undefined;
  private scoring: ScoringApp | undefined;
  private port: number;
  private startedAt: string | null = null;
  private requests = 0;
  private predictions = 0;
  private errors = 0;
  private lastError: string | null = null;
  private readonly corsOrigins = new Set<string>();

  constructor(private readonly options: ServingManagerOptions) {
    this.port = options.port;
  }

  /** Lets a UI served from `origin` call the scoring port from the browser (try-it form). */
  allowOrigin(origin: string): void {
    this.corsOrigins.add(origin);
  }

  status(): ServingStatus {
    const current = this.scoring?.current();
    return {
      running: this.server !== undefined,
      host: this.options.host,
      port: this.port,
      url: `http://${this.options.host}:${this.port}`,
      model: current ? current.identity : null,
      started_at: this.startedAt,
      requests_total: this.requests,
      predictions_total: this.predictions,
      errors_total: this.errors,
      last_error: this.scoring?.lastError() ?? this.lastError,
    };
  }

  async start(port?: number): Promise<ServingStatus> {
    if (port !== undefined && port !== this.port) {
      if (this.server) return this.restart(port);
      this.port = port;
    }
    if (this.server) return this.status();
    const scoring = createScoringApp({
      source: registryChampionSource(this.options.registry, this.options.modelName),
      modelName: this.options.modelName,
      maxBatch: this.options.maxBatch,
      prometheus: this.options.prometheus,
      log: (m) => console.warn(m),
    });
    const outer = express();
    outer.disable('x-powered-by');
    outer.use((req: Request, res: Response, next: NextFunction) => {
      const origin = req.headers.origin;
      if (origin && this.corsOrigins.has(origin)) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
        res.setHeader('Access-Control-Expose-Headers', 'X-Model-Version');
        if (req.method === 'OPTIONS') {
          res.status(204).end();
          return;
        }
      }
      if (req.method === 'POST') {
        this.requests++;
        res.on('finish', () => {
          if (res.statusCode >= 400) this.errors++;
          else {
            const n = Number(res.getHeader('X-Batch-Size') ?? 0);
            this.predictions += Number.isFinite(n) && n > 0 ? n : 1;
          }
        });
      }
      next();
    });
    outer.use(scoring.app);
    const server = http.createServer(outer);
    server.keepAliveTimeout = 5_000;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', (err: NodeJS.ErrnoException) =>
          reject(
            err.code === 'EADDRINUSE'
              ? new Error(`Port ${this.port} on ${this.options.host} is in use; choose another scoring port`)
              : err,
          ),
        );
        server.listen(this.port, this.options.host, () => resolve());
      });
    } catch (err) {
      scoring.close();
      this.lastError = err instanceof Error ? err.message : String(err);
      this.emit();
      throw err;
    }
    this.lastError = null;
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.scoring = scoring;
    this.startedAt = new Date().toISOString();
    await scoring.ready();
    this.emit();
    return this.status();
  }

  async stop(): Promise<ServingStatus> {
    const server = this.server;
    if (!server) return this.status();
    this.server = undefined;
    this.scoring?.close();
    this.scoring = undefined;
    this.startedAt = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.emit();
    return this.status();
  }

  async restart(port: number): Promise<ServingStatus> {
    await this.stop();
    this.port = port;
    return this.start();
  }

  /** The champion changed in this process: load it now rather than at the next poll. */
  poke(): void {
    void this.scoring?.refresh().then(() => this.emit());
  }

  private emit(): void {
    this.options.onStatus?.(this.status());
  }
}
