/**
 * Keeps one reference to the champion model and swaps it when the champion changes. The source's
 * cheap `stamp()` is polled; on a change the new bundle loads in the background and replaces the
 * reference in one assignment, so a request that took the old reference finishes on the old model.
 * A failed load keeps the previous model, is logged once per champion change, and retried with back-off.
 */
import type { ChampionSource, ScoringModel } from './types';
import type { ServingMetrics } from './metrics';

export interface ChampionWatcherOptions {
  source: ChampionSource;
  pollMs: number;
  metrics: ServingMetrics;
  log: (message: string) => void;
  /** A load that takes longer counts as failed (and a late result is dropped); default 2 minutes. */
  loadTimeoutMs?: number;
}

const MAX_RETRY_MS = 30_000;
const LOAD_TIMEOUT_MS = 120_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

function describe(m: ScoringModel | undefined): string {
  return m ? `${m.identity.name} v${m.identity.version}` : 'no model';
}

function sameModel(a: ScoringModel | undefined, b: ScoringModel): boolean {
  return (
    a !== undefined &&
    a.identity.name === b.identity.name &&
    a.identity.version === b.identity.version &&
    a.identity.bundle_sha256 === b.identity.bundle_sha256
  );
}

export class ChampionWatcher {
  /** The model that new requests use; read it once per request. */
  current: ScoringModel | undefined;
  /** Times the served model changed after the first load. */
  swaps = 0;
  /** Why the latest load failed, until a load succeeds. */
  lastError: string | null = null;

  private loaded = false;
  private lastStamp: number | string | undefined;
  private failedStamp: number | string | undefined;
  private failures = 0;
  private retryAt = 0;
  private inFlight: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly first: Promise<void>;

  constructor(private readonly options: ChampionWatcherOptions) {
    this.first = this.refresh();
    this.timer = setInterval(() => void this.poll(), options.pollMs);
    this.timer.unref();
  }

  /** Resolves once the first load attempt has finished (with a model, without, or failed). */
  ready(): Promise<void> {
    return this.first;
  }

  /** Checks the stamp now and loads if it changed; resolves when that load (if any) is done. */
  refresh(): Promise<void> {
    this.inFlight ??= this.check().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    if (!this.inFlight && !this.closed) void this.refresh();
  }

  private async check(): Promise<void> {
    const { source, metrics, log } = this.options;
    let stamp: number | string;
    try {
      stamp = source.stamp();
    } catch (err) {
      this.fail(undefined, `cannot read the champion stamp: ${(err as Error).message}`);
      return;
    }
    if (this.loaded && stamp === this.lastStamp) return;
    if (stamp === this.failedStamp && Date.now() < this.retryAt) return;
    let model: ScoringModel | undefined;
    try {
      model = await withTimeout(source.load(), this.options.loadTimeoutMs ?? LOAD_TIMEOUT_MS);
    } catch (err) {
      if (!this.closed) this.fail(stamp, `cannot load the champion: ${(err as Error).message}`);
      return;
    }
    if (this.closed) return;
    this.loaded = true;
    this.lastStamp = stamp;
    this.failedStamp = undefined;
    this.failures = 0;
    this.lastError = null;
    metrics.load(model ? 'success' : 'none');
    const previous = this.current;
    if (model === undefined ? previous !== undefined : !sameModel(previous, model)) {
      this.current = model; // the swap: one reference assignment
      if (previous !== undefined) this.swaps++;
      log(`scoring server: now serving ${describe(model)}${previous ? ` (was ${describe(previous)})` : ''}`);
    }
    metrics.serving(this.current?.identity.version, false);
  }

  private fail(stamp: number | string | undefined, message: string): void {
    const { metrics, log, pollMs } = this.options;
    const firstForStamp = stamp === undefined || stamp !== this.failedStamp;
    this.failures = firstForStamp ? 1 : this.failures + 1;
    this.failedStamp = stamp;
    this.retryAt = Date.now() + Math.min(MAX_RETRY_MS, pollMs * 2 ** this.failures);
    metrics.load('failure');
    metrics.serving(this.current?.identity.version, true);
    if (firstForStamp && message !== this.lastError) {
      log(`scoring server: ${message}; still serving ${describe(this.current)}`);
    }
    this.lastError = message;
  }
}
