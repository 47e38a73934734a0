/**
 * Test helpers for the serving tests (not used by product code): a small logistic model with a real
 * input signature and encoder rules, a champion source whose champion tests can change, and a server
 * on a free port.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InputSignature } from '../../../shared/model/signature';
import { createScoringApp, type ScoringApp, type ScoringAppOptions } from './app';
import { RecordError, type ChampionSource, type ScoringModel } from './types';

export const SIGNATURE: InputSignature = {
  columns: [
    { name: 'x', type: 'number', nullable: false },
    { name: 'segment', type: 'category', categories: ['a', 'b'], nullable: true },
    { name: 'z', type: 'number', nullable: true },
  ],
};

const SEGMENT_EFFECT: Record<string, number> = { a: 0.5, b: -0.5 };

export interface LogisticSpec {
  version: number;
  slope: number;
  intercept?: number;
  name?: string;
  threshold?: number;
  /** How the encoder treats an unknown segment: as missing (default) or as an error. */
  unknown?: 'missing' | 'error';
}

/** P(1) = σ(intercept + slope·x + effect(segment) + 0.1·z); missing segment or z add nothing. */
export function logisticProbability(spec: LogisticSpec, rec: Record<string, unknown>): number {
  const seg = rec.segment;
  const z = rec.z;
  const eta =
    (spec.intercept ?? 0) +
    spec.slope * (rec.x as number) +
    (typeof seg === 'string' ? (SEGMENT_EFFECT[seg] ?? 0) : 0) +
    (typeof z === 'number' ? 0.1 * z : 0);
  return 1 / (1 + Math.exp(-eta));
}

export function logisticModel(spec: LogisticSpec): ScoringModel {
  const name = spec.name ?? 'churn';
  return {
    identity: {
      name,
      version: spec.version,
      run_id: `run-${spec.version}`,
      bundle_sha256: `sha-${spec.version}-${spec.slope}`,
    },
    signature: SIGNATURE,
    threshold: spec.threshold ?? 0.5,
    calibrated: false,
    metadata: {
      algorithm: 'logistic',
      config_hash: `cfg-${spec.version}`,
      trained_at: '2026-11-26T08:00:00Z',
      metrics: { roc_auc: (80 + spec.version) / 100, log_loss: 0.3 },
    },
    predict(records) {
      const out = new Float64Array(records.length);
      for (let i = 0; i < records.length; i++) {
        const seg = records[i].segment;
        if (spec.unknown === 'error' && typeof seg === 'string' && !(seg in SEGMENT_EFFECT)) {
          throw new RecordError(i, 'segment', `record ${i}, field "segment": unknown category "${seg}"`);
        }
        out[i] = logisticProbability(spec, records[i]);
      }
      return out;
    },
  };
}

/** A champion source whose champion the test sets; loads take `loadDelayMs` and may be made to fail. */
export class FakeSource implements ChampionSource {
  loads = 0;
  loadDelayMs = 0;
  failWith: Error | undefined;
  private model: ScoringModel | undefined;
  private changes = 0;

  constructor(model?: ScoringModel) {
    this.model = model;
  }

  set(model: ScoringModel | undefined): void {
    this.model = model;
    this.changes++;
  }

  stamp(): number {
    return this.changes;
  }

  async load(): Promise<ScoringModel | undefined> {
    this.loads++;
    const model = this.model;
    const failure = this.failWith;
    if (this.loadDelayMs > 0) await new Promise((r) => setTimeout(r, this.loadDelayMs));
    if (failure) throw failure;
    return model;
  }
}

export interface TestServer {
  url: string;
  scoring: ScoringApp;
  logs: string[];
  close(): Promise<void>;
}

export async function startTestServer(
  options: Partial<ScoringAppOptions> & { source: ChampionSource },
): Promise<TestServer> {
  const logs: string[] = [];
  const scoring = createScoringApp({ modelName: 'churn', log: (m) => logs.push(m), ...options });
  await scoring.ready();
  const server: Server = await new Promise((resolve, reject) => {
    const s = scoring.app.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    scoring,
    logs,
    async close() {
      scoring.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Polls `cond` every 5 ms until it holds; fails after `timeoutMs` (generous: CI machines are busy). */
export async function waitFor(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
