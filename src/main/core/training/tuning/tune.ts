/**
 * Seeded hyper-parameter search around a caller-supplied objective (the pipeline passes mean CV AUC).
 * Evaluations run one at a time, so a seed and a deterministic objective give the same search.
 *
 * - 'random_halving': nTrials random configurations, successive halving over the resource (e.g.
 *   boosting rounds): all run at the smallest rung, the top 1/eta move up, the last rung uses
 *   maxResource. Promoted configurations run best-first, so a time cut keeps the promising ones.
 * - 'tpe': nStartup random trials, then Tree-structured Parzen Estimator proposals; every trial
 *   runs at maxResource.
 *
 * Budget: at most nTrials configurations, and no evaluation starts after timeoutS (one always runs).
 * onTrial fires whenever a trial's record changes (each evaluation, and when it is pruned); key
 * it by `index` and keep the latest. The result's `trials` holds each configuration's final record.
 */
import { CancelledError, type CancelSignal } from '../../models/types';
import { Rng } from '../../util/rng';
import { sampleUniform, validateSpace, type Params, type SearchSpace } from './space';
import { suggestTpe, type Observation } from './tpe';

export type TuneMethod = 'random_halving' | 'tpe';

export interface TrialResult {
  /** 0-based configuration number; also passed to the objective. */
  index: number;
  params: Params;
  /** Score at the trial's last evaluated rung; NaN when it failed. */
  score: number;
  resource: number;
  rung: number;
  status: 'completed' | 'pruned' | 'failed';
  error?: string;
  /** Objective time spent on this configuration, summed over its rungs. */
  seconds: number;
}

export interface TuneOptions {
  space: SearchSpace;
  /** Configurations to try; may be Infinity for 'tpe' when timeoutS is set. */
  nTrials: number;
  method: TuneMethod;
  seed: number;
  timeoutS?: number;
  /** Smallest resource for successive halving (default 1). */
  minResource?: number;
  maxResource: number;
  /** Halving rate (default 3): keep the top 1/eta at each rung. */
  eta?: number;
  /** Random trials before TPE starts modelling (default max(3, min(10, ⌊nTrials/3⌋))). */
  nStartup?: number;
  signal?: CancelSignal;
  /** Higher is better. Throwing marks the trial failed (a CancelledError cancels the search). */
  objective: (params: Params, resource: number, trialIndex: number) => Promise<number>;
  onTrial?: (t: TrialResult) => void;
  /** Clock in milliseconds; injectable for tests. */
  now?: () => number;
}

export interface TuneResult {
  best: TrialResult;
  trials: TrialResult[];
}

class Runner {
  readonly start: number;
  readonly trials: TrialResult[] = [];
  private evaluations = 0;

  constructor(private readonly o: TuneOptions) {
    this.start = this.now();
  }

  now(): number {
    return this.o.now ? this.o.now() : performance.now();
  }

  /** False once the time budget is spent; the first evaluation is always allowed. */
  mayStart(): boolean {
    if (this.o.signal?.aborted) throw new CancelledError('Tuning cancelled');
    if (this.evaluations === 0 || this.o.timeoutS === undefined) return true;
    return this.now() - this.start < this.o.timeoutS * 1000;
  }

  emit(t: TrialResult): void {
    this.o.onTrial?.({ ...t, params: { ...t.params } });
  }

  async evaluate(index: number, params: Params, resource: number, rung: number): Promise<TrialResult> {
    this.evaluations++;
    const t0 = this.now();
    let score = NaN;
    let error: string | undefined;
    try {
      score = await this.o.objective({ ...params }, resource, index);
      if (typeof score !== 'number' || Number.isNaN(score)) {
        error = `objective returned ${String(score)}`;
        score = NaN;
      }
    } catch (err) {
      if (err instanceof CancelledError || this.o.signal?.aborted) throw err;
      error = err instanceof Error ? err.message : String(err);
    }
    const seconds = (this.now() - t0) / 1000;
    let trial = this.trials[index];
    if (!trial) {
      trial = { index, params, score, resource, rung, status: 'completed', seconds: 0 };
      this.trials[index] = trial;
    }
    Object.assign(trial, { score, resource, rung, seconds: trial.seconds + seconds });
    if (error !== undefined) {
      trial.status = 'failed';
      trial.error = error;
    }
    this.emit(trial);
    return trial;
  }

  result(): TuneResult {
    const trials = this.trials.filter((t) => t !== undefined);
    const ok = trials.filter((t) => t.status !== 'failed');
    if (ok.length === 0) {
      const first = trials.find((t) => t.error);
      throw new Error(`tune: every trial failed${first ? ` (first error: ${first.error})` : ''}`);
    }
    const topRung = Math.max(...ok.map((t) => t.rung));
    let best: TrialResult | undefined;
    for (const t of ok) if (t.rung === topRung && (!best || t.score > best.score)) best = t;
    return { best: { ...best! }, trials: trials.map((t) => ({ ...t })) };
  }
}

/** Rung resources r_k = maxResource / eta^(S−k), k = 0..S, with S limited by both nTrials and the resource range. */
export function halvingRungs(
  nTrials: number,
  minResource: number,
  maxResource: number,
  eta: number,
): number[] {
  const logEta = (x: number): number => Math.log(x) / Math.log(eta);
  const eps = 1e-9;
  const s = Math.max(
    0,
    Math.min(Math.floor(logEta(nTrials) + eps), Math.floor(logEta(maxResource / minResource) + eps)),
  );
  const integer = Number.isInteger(minResource) && Number.isInteger(maxResource);
  const rungs: number[] = [];
  for (let k = 0; k <= s; k++) {
    const r = maxResource / eta ** (s - k);
    rungs.push(integer ? Math.max(1, Math.round(r)) : r);
  }
  return rungs;
}

/**
 * Objective calls a search makes when nothing fails and no time budget cuts it short; use it as the
 * denominator of a progress bar (onTrial also fires when a trial is pruned, so count evaluations).
 */
export function plannedEvaluations(
  o: Pick<TuneOptions, 'nTrials' | 'method' | 'minResource' | 'maxResource' | 'eta'>,
): number {
  if (o.method === 'tpe') return o.nTrials;
  const eta = o.eta ?? 3;
  const rungs = halvingRungs(o.nTrials, o.minResource ?? 1, o.maxResource, eta);
  let active = o.nTrials;
  let total = 0;
  for (let k = 0; k < rungs.length; k++) {
    total += active;
    active = Math.max(1, Math.floor(active / eta));
  }
  return total;
}

async function randomHalving(o: TuneOptions, rng: Rng, run: Runner): Promise<void> {
  const eta = o.eta ?? 3;
  const rungs = halvingRungs(o.nTrials, o.minResource ?? 1, o.maxResource, eta);
  const configs = Array.from({ length: o.nTrials }, () => sampleUniform(o.space, rng));
  let active = configs.map((_, i) => i);
  for (let rung = 0; rung < rungs.length; rung++) {
    const done: TrialResult[] = [];
    for (const index of active) {
      if (!run.mayStart()) return;
      const t = await run.evaluate(index, configs[index], rungs[rung], rung);
      if (t.status !== 'failed') done.push(t);
    }
    if (rung === rungs.length - 1) return;
    done.sort((a, b) => b.score - a.score || a.index - b.index);
    const keep = Math.max(1, Math.floor(active.length / eta));
    for (const t of done.slice(keep)) {
      t.status = 'pruned';
      run.emit(t);
    }
    active = done.slice(0, keep).map((t) => t.index);
    if (active.length === 0) return;
  }
}

async function tpe(o: TuneOptions, rng: Rng, run: Runner): Promise<void> {
  const nStartup = o.nStartup ?? Math.max(3, Math.min(10, Math.floor(o.nTrials / 3)));
  const history: Observation[] = [];
  for (let index = 0; index < o.nTrials; index++) {
    if (!run.mayStart()) return;
    const params =
      index < nStartup || history.length === 0
        ? sampleUniform(o.space, rng)
        : suggestTpe(o.space, history, rng);
    const t = await run.evaluate(index, params, o.maxResource, 0);
    history.push({ params, score: t.score });
  }
}

export async function tune(options: TuneOptions): Promise<TuneResult> {
  validateSpace(options.space);
  const { nTrials, method, maxResource, timeoutS } = options;
  const unbounded = nTrials === Infinity && method === 'tpe' && timeoutS !== undefined;
  if (!unbounded && !(Number.isInteger(nTrials) && nTrials >= 1)) {
    throw new Error(
      `tune: nTrials must be a positive integer (Infinity only for 'tpe' with timeoutS), got ${nTrials}`,
    );
  }
  if (!(maxResource > 0)) throw new Error(`tune: maxResource must be positive, got ${maxResource}`);
  const minResource = options.minResource ?? 1;
  if (!(minResource > 0 && minResource <= maxResource)) {
    throw new Error(`tune: minResource must be in (0, maxResource], got ${minResource}`);
  }
  if (options.eta !== undefined && !(options.eta > 1))
    throw new Error(`tune: eta must be > 1, got ${options.eta}`);
  if (timeoutS !== undefined && !(timeoutS >= 0))
    throw new Error(`tune: timeoutS must be >= 0, got ${timeoutS}`);

  const rng = new Rng(options.seed);
  const run = new Runner(options);
  if (method === 'random_halving') await randomHalving(options, rng, run);
  else if (method === 'tpe') await tpe(options, rng, run);
  else throw new Error(`tune: unknown method '${String(method)}'`);
  return run.result();
}
