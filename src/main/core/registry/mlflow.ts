import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Registry } from './index';
import type { MetricPoint } from './types';

/**
 * Optional MLflow tracking over its REST API (2.0): get-or-create the experiment, create a run, log
 * params / metrics / tags in batches, upload artifacts when the server proxies artifact storage, and
 * end the run. Any failure becomes one warning and `{ ok: false }`: MLflow never fails a run.
 */
export interface MlflowRunPayload {
  experiment: string;
  run_name?: string;
  params: Record<string, unknown>;
  metrics: Record<string, number>;
  history?: Record<string, MetricPoint[]>;
  tags?: Record<string, string>;
  /** Local files to upload, under `name` in the run's artifact folder. */
  artifacts?: { name: string; file: string }[];
  status: 'FINISHED' | 'FAILED' | 'KILLED';
  start_time?: number;
  end_time?: number;
}

export interface MlflowOptions {
  timeoutMs?: number;
  warn?: (message: string) => void;
}

export type MlflowResult =
  | { ok: true; run_id: string; experiment_id: string; artifacts_uploaded: number; artifacts_skipped: number }
  | { ok: false; error: string };

const MAX_PARAMS = 100;
const MAX_METRICS = 1000;
const MAX_PARAM_VALUE = 6000;

class MlflowHttpError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function paramValue(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > MAX_PARAM_VALUE ? s.slice(0, MAX_PARAM_VALUE) : s;
}

export async function logRunToMlflow(
  uri: string,
  payload: MlflowRunPayload,
  options: MlflowOptions = {},
): Promise<MlflowResult> {
  const base = uri.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;
  const warn = options.warn ?? ((m: string) => console.warn(m));

  async function call<T>(
    method: string,
    endpoint: string,
    body?: unknown,
    query?: Record<string, string>,
  ): Promise<T> {
    const url = new URL(`${base}/api/2.0/mlflow/${endpoint}`);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) {
      let code: string | undefined;
      try {
        code = (JSON.parse(text) as { error_code?: string }).error_code;
      } catch {
        // not JSON
      }
      throw new MlflowHttpError(
        `${method} ${endpoint} → HTTP ${res.status}${code ? ` ${code}` : ''}`,
        res.status,
        code,
      );
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  try {
    let experimentId: string;
    try {
      const got = await call<{ experiment: { experiment_id: string } }>(
        'GET',
        'experiments/get-by-name',
        undefined,
        {
          experiment_name: payload.experiment,
        },
      );
      experimentId = got.experiment.experiment_id;
    } catch (err) {
      if (!(err instanceof MlflowHttpError && (err.status === 404 || err.code === 'RESOURCE_DOES_NOT_EXIST')))
        throw err;
      experimentId = (
        await call<{ experiment_id: string }>('POST', 'experiments/create', { name: payload.experiment })
      ).experiment_id;
    }
    const created = await call<{ run: { info: { run_id: string; artifact_uri?: string } } }>(
      'POST',
      'runs/create',
      {
        experiment_id: experimentId,
        run_name: payload.run_name,
        start_time: payload.start_time ?? Date.now(),
        tags: Object.entries(payload.tags ?? {}).map(([key, value]) => ({ key, value })),
      },
    );
    const runId = created.run.info.run_id;
    const now = Date.now();
    const params = Object.entries(payload.params).map(([key, v]) => ({ key, value: paramValue(v) }));
    const metrics = [
      ...Object.entries(payload.metrics).map(([key, value]) => ({ key, value, timestamp: now, step: 0 })),
      ...Object.entries(payload.history ?? {}).flatMap(([key, points]) =>
        points.map((p) => ({ key, value: p.value, timestamp: now, step: p.step })),
      ),
    ];
    for (const batch of chunks(params, MAX_PARAMS))
      await call('POST', 'runs/log-batch', { run_id: runId, params: batch });
    for (const batch of chunks(metrics, MAX_METRICS)) {
      await call('POST', 'runs/log-batch', { run_id: runId, metrics: batch });
    }
    let uploaded = 0;
    let skipped = 0;
    const artifactUri = created.run.info.artifact_uri ?? '';
    for (const a of payload.artifacts ?? []) {
      // Only a server that proxies artifact storage (mlflow-artifacts:/…) accepts uploads over HTTP.
      if (!artifactUri.startsWith('mlflow-artifacts:') || !existsSync(a.file)) {
        skipped++;
        continue;
      }
      const rel = artifactUri.replace(/^mlflow-artifacts:\/*/, '');
      const url = `${base}/api/2.0/mlflow-artifacts/artifacts/${rel}/${encodeURIComponent(path.basename(a.name))}`;
      const res = await fetch(url, {
        method: 'PUT',
        body: readFileSync(a.file),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new MlflowHttpError(`PUT artifact ${a.name} → HTTP ${res.status}`, res.status);
      uploaded++;
    }
    await call('POST', 'runs/update', {
      run_id: runId,
      status: payload.status,
      end_time: payload.end_time ?? Date.now(),
    });
    return {
      ok: true,
      run_id: runId,
      experiment_id: experimentId,
      artifacts_uploaded: uploaded,
      artifacts_skipped: skipped,
    };
  } catch (err) {
    const error =
      err instanceof Error
        ? err.name === 'TimeoutError'
          ? `timed out after ${timeoutMs} ms`
          : err.message
        : String(err);
    warn(
      `warning: MLflow tracking at ${base} failed (${error}); the run is recorded in the local registry only.`,
    );
    return { ok: false, error };
  }
}

/** Sends a registry run (params, final metrics, history, tags, artifacts with local files) to MLflow. */
export async function mirrorRunToMlflow(
  registry: Registry,
  runId: string,
  uri: string,
  options: MlflowOptions & { extraArtifacts?: { name: string; file: string }[] } = {},
): Promise<MlflowResult> {
  const run = registry.getRun(runId);
  if (!run) return { ok: false, error: `no run ${runId}` };
  const status = run.status === 'succeeded' ? 'FINISHED' : run.status === 'cancelled' ? 'KILLED' : 'FAILED';
  return logRunToMlflow(
    uri,
    {
      experiment: run.experiment,
      run_name: run.name ?? run.id,
      params: run.params,
      metrics: run.metrics,
      history: run.history,
      tags: { ...run.tags, 'mlsys.run_id': run.id, 'mlsys.config_hash': run.config_hash },
      artifacts: [
        ...run.artifacts
          .filter((a) => path.isAbsolute(a.path))
          .map((a) => ({ name: path.basename(a.path), file: a.path })),
        ...(options.extraArtifacts ?? []),
      ],
      status,
      start_time: run.started_at ? Date.parse(run.started_at) : undefined,
      end_time: run.ended_at ? Date.parse(run.ended_at) : undefined,
    },
    options,
  );
}
