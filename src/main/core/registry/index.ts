import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { removeStaleTemps } from './bundles';
import { openDatabase } from './db';
import { RegistryError } from './errors';
import { migrate } from './migrate';
import { CHAMPION, ModelStore } from './models';
import { listRuns } from './query';
import * as runs from './runs';
import type {
  ArtifactInput,
  ArtifactRecord,
  CreateRunInput,
  ExperimentSummary,
  ListRunsQuery,
  ListRunsResult,
  MetricPoint,
  ModelSummary,
  ModelVersion,
  PromotionLogEntry,
  RegisterVersionInput,
  RegisterVersionResult,
  RunDetail,
  RunDiff,
  RunRecord,
  RunStatus,
} from './types';

export * from './types';
export { BundleIntegrityError, RegistryError, RegistrySchemaError } from './errors';
export { readVerifiedBundle, BUNDLE_KIND, BUNDLE_FORMAT_VERSION, sha256Hex } from './bundles';
export { flattenParams } from './params';
export { greaterIsBetter, decideChampion } from './policy';
export { resolveRegistryDir } from './location';
export { CHAMPION } from './models';
export { newRunId } from './ids';
export { logRunToMlflow, mirrorRunToMlflow, type MlflowRunPayload, type MlflowResult } from './mlflow';

export interface OpenOptions {
  busyTimeoutMs?: number;
}

/**
 * The model registry and run tracker: `<dir>/registry.db` (SQLite, WAL) plus `<dir>/bundles/`
 * (read-only, content-addressed bundle copies). Safe to open from several processes at once.
 */
export class Registry {
  /** Runs found `running` whose process had died, marked `interrupted` by this open. */
  readonly interruptedOnOpen: string[];
  private readonly models: ModelStore;

  private constructor(
    readonly dir: string,
    readonly db: Database.Database,
  ) {
    this.models = new ModelStore(db, dir);
    this.interruptedOnOpen = runs.markInterrupted(db);
  }

  static open(dir: string, options: OpenOptions = {}): Registry {
    const abs = path.resolve(dir);
    mkdirSync(path.join(abs, 'bundles'), { recursive: true });
    const file = path.join(abs, 'registry.db');
    const db = openDatabase(file, options);
    try {
      migrate(db, file);
      removeStaleTemps(abs);
      return new Registry(abs, db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  close(): void {
    if (!this.db.open) return;
    try {
      // Keeps the planner's statistics fresh (bounded work); without them SQLite can pick a poor
      // index for the param/metric filters.
      this.db.pragma('analysis_limit = 400');
      this.db.pragma('optimize');
    } catch {
      // best effort: a busy database is not a reason to fail close()
    }
    this.db.close();
  }

  /**
   * Runs `fn` in one write transaction (the registry's own transactions inside it become savepoints):
   * its writes land together or not at all, with one commit.
   */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  // Runs

  createRun(input: CreateRunInput): RunRecord {
    return runs.createRun(this.db, input);
  }
  setRunStatus(id: string, status: RunStatus, opts: { error?: string } = {}): RunRecord {
    return runs.setRunStatus(this.db, id, status, opts);
  }
  logMetrics(id: string, metrics: Record<string, number>): void {
    runs.logMetrics(this.db, id, metrics);
  }
  logMetricHistory(id: string, name: string, points: MetricPoint[]): void {
    runs.logMetricHistory(this.db, id, name, points);
  }
  addArtifact(id: string, artifact: ArtifactInput): ArtifactRecord {
    return runs.addArtifact(this.db, id, artifact);
  }
  getRun(id: string): RunDetail | undefined {
    return runs.getRun(this.db, id);
  }
  listRuns(query: ListRunsQuery = {}): ListRunsResult {
    return listRuns(this.db, query);
  }
  diffRuns(a: string, b: string): RunDiff {
    return runs.diffRuns(this.db, a, b);
  }
  setRunNotes(id: string, notes: string | null): void {
    runs.setRunNotes(this.db, id, notes);
  }
  setRunTags(id: string, tags: Record<string, string>): void {
    runs.setRunTags(this.db, id, tags);
  }
  setRunDataFingerprint(id: string, fingerprint: string): void {
    runs.setRunDataFingerprint(this.db, id, fingerprint);
  }
  deleteRun(id: string): void {
    runs.deleteRun(this.db, id);
  }
  listExperiments(): ExperimentSummary[] {
    return this.db
      .prepare(
        `SELECT e.name, e.created_at, count(r.id) AS runs FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id
         GROUP BY e.id ORDER BY e.name`,
      )
      .all() as ExperimentSummary[];
  }

  // Models

  registerModelVersion(input: RegisterVersionInput): RegisterVersionResult {
    return this.models.register(input);
  }
  listModels(): ModelSummary[] {
    return this.models.listModels();
  }
  listVersions(name: string): ModelVersion[] {
    return this.models.listVersions(name);
  }
  getVersion(name: string, version: number): ModelVersion | undefined {
    return this.models.getVersion(name, version);
  }
  getChampion(name: string): ModelVersion | undefined {
    return this.models.getByAlias(name, CHAMPION);
  }
  getVersionByAlias(name: string, alias: string): ModelVersion | undefined {
    return this.models.getByAlias(name, alias);
  }
  promote(name: string, version: number, opts: { reason: string; who?: string }): PromotionLogEntry {
    return this.models.promote(name, version, opts);
  }
  /** To the previous champion in the log, or to version `to`. */
  rollback(name: string, opts: { reason?: string; who?: string; to?: number } = {}): PromotionLogEntry {
    return this.models.rollback(name, opts);
  }
  promotionHistory(name: string): PromotionLogEntry[] {
    return this.models.history(name);
  }
  setAlias(name: string, alias: string, version: number, opts: { who?: string } = {}): void {
    this.models.setAlias(name, alias, version, opts);
  }
  removeAlias(name: string, alias: string): boolean {
    return this.models.removeAlias(name, alias);
  }
  championStamp(): number {
    return this.models.championStamp();
  }

  /**
   * The verified, parsed bundle of a version (default: the champion). Throws BundleIntegrityError
   * for a missing or altered file, RegistryError when there is no such version.
   */
  loadBundle(name: string, ref: number | string = CHAMPION): { version: ModelVersion; bundle: unknown } {
    const version = typeof ref === 'number' ? this.getVersion(name, ref) : this.getVersionByAlias(name, ref);
    if (!version) {
      throw new RegistryError(
        `Model ${name} has no ${typeof ref === 'number' ? `version ${ref}` : `alias ${ref}`}.`,
      );
    }
    return { version, bundle: this.models.verify(version) };
  }
}
