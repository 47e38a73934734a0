/**
 * Prometheus metrics of the scoring server. Label children are cached: prom-client hashes the label
 * values on every `labels()` call, which shows on the scoring hot path.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const PREFIX = 'mlsys_serving_';

export type LoadResult = 'success' | 'failure' | 'none';

export interface ServingMetrics {
  readonly register: Registry;
  /** One finished request: duration histogram, plus the error counter for status ≥ 400. */
  request(route: string, status: number, seconds: number): void;
  /** One scored batch: predictions by model version and the batch-size histogram. */
  scored(version: number, rows: number): void;
  /** A champion load attempt (success, failure, or no champion). */
  load(result: LoadResult): void;
  /** The served model's version (0 when none) and whether the latest load failed. */
  serving(version: number | undefined, loadFailed: boolean): void;
}

function existing<T>(register: Registry, name: string): T | undefined {
  return register.getSingleMetric(name) as T | undefined;
}

/** Metrics in `register` (a new registry by default); safe to call twice with the same registry. */
export function createServingMetrics(register = new Registry(), defaultMetrics = true): ServingMetrics {
  if (defaultMetrics && !register.getSingleMetric('process_cpu_user_seconds_total')) {
    collectDefaultMetrics({ register });
    // Gauges named *_total fail `promtool check metrics`; each is the sum of the unsuffixed gauge
    // prom-client also exports (nodejs_active_handles etc.), so nothing is lost.
    for (const name of [
      'nodejs_active_handles_total',
      'nodejs_active_requests_total',
      'nodejs_active_resources_total',
    ]) {
      register.removeSingleMetric(name);
    }
  }
  const predictions =
    existing<Counter<'model_version'>>(register, `${PREFIX}predictions_total`) ??
    new Counter({
      name: `${PREFIX}predictions_total`,
      help: 'Records scored, by the model version that scored them',
      labelNames: ['model_version'],
      registers: [register],
    });
  const duration =
    existing<Histogram<'route' | 'status'>>(register, `${PREFIX}request_duration_seconds`) ??
    new Histogram({
      name: `${PREFIX}request_duration_seconds`,
      help: 'HTTP request duration in the server, by route and status',
      labelNames: ['route', 'status'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [register],
    });
  const batch =
    existing<Histogram>(register, `${PREFIX}batch_size`) ??
    new Histogram({
      name: `${PREFIX}batch_size`,
      help: 'Records per scoring request',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000],
      registers: [register],
    });
  const errors =
    existing<Counter<'route' | 'status'>>(register, `${PREFIX}errors_total`) ??
    new Counter({
      name: `${PREFIX}errors_total`,
      help: 'Requests answered with an error status, by route and status',
      labelNames: ['route', 'status'],
      registers: [register],
    });
  const reloads =
    existing<Counter<'result'>>(register, `${PREFIX}model_reloads_total`) ??
    new Counter({
      name: `${PREFIX}model_reloads_total`,
      help: 'Champion load attempts, by result (success, failure, none = no champion)',
      labelNames: ['result'],
      registers: [register],
    });
  const version =
    existing<Gauge>(register, `${PREFIX}model_version`) ??
    new Gauge({
      name: `${PREFIX}model_version`,
      help: 'Version of the model being served (0 when none)',
      registers: [register],
    });
  const loadFailed =
    existing<Gauge>(register, `${PREFIX}model_load_failed`) ??
    new Gauge({
      name: `${PREFIX}model_load_failed`,
      help: '1 when the latest champion failed to load (the previous model keeps serving)',
      registers: [register],
    });

  const durationChildren = new Map<string, Histogram.Internal<'route' | 'status'>>();
  const predictionChildren = new Map<number, Counter.Internal>();

  return {
    register,
    request(route, status, seconds) {
      const key = `${route} ${status}`;
      let child = durationChildren.get(key);
      if (!child) {
        child = duration.labels(route, String(status));
        durationChildren.set(key, child);
      }
      child.observe(seconds);
      if (status >= 400) errors.labels(route, String(status)).inc();
    },
    scored(v, rows) {
      let child = predictionChildren.get(v);
      if (!child) {
        child = predictions.labels(String(v));
        predictionChildren.set(v, child);
      }
      child.inc(rows);
      batch.observe(rows);
    },
    load(result) {
      reloads.labels(result).inc();
    },
    serving(v, failed) {
      version.set(v ?? 0);
      loadFailed.set(failed ? 1 : 0);
    },
  };
}
