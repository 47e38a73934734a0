import type Database from 'better-sqlite3';
import path from 'node:path';
import { readVerifiedBundle, storeBundle } from './bundles';
import { RegistryError } from './errors';
import { decideChampion } from './policy';
import type {
  ModelSummary,
  ModelVersion,
  PromotionAction,
  PromotionLogEntry,
  RegisterVersionInput,
  RegisterVersionResult,
} from './types';
import { osUser } from './who';

export const CHAMPION = 'champion';

interface VersionRow {
  id: number;
  model_id: number;
  name: string;
  version: number;
  run_id: string;
  bundle_path: string;
  bundle_sha256: string;
  bundle_bytes: number;
  metrics_json: string;
  primary_metric: string;
  eval_fingerprint: string;
  signature_json: string | null;
  created_at: string;
  created_by: string;
  decision: string;
}

const VERSION_SELECT = `SELECT v.id, v.model_id, m.name, v.version, v.run_id, v.bundle_path, v.bundle_sha256,
  v.bundle_bytes, v.metrics_json, v.primary_metric, v.eval_fingerprint, v.signature_json, v.created_at,
  v.created_by, v.decision FROM model_versions v JOIN models m ON m.id = v.model_id`;

/** Model operations over one database + registry folder (bundle paths are stored relative to it). */
export class ModelStore {
  constructor(
    private readonly db: Database.Database,
    private readonly dir: string,
  ) {}

  private toVersion(row: VersionRow): ModelVersion {
    const aliases = (
      this.db.prepare('SELECT alias FROM aliases WHERE version_id = ? ORDER BY alias').all(row.id) as {
        alias: string;
      }[]
    ).map((a) => a.alias);
    return {
      name: row.name,
      version: row.version,
      run_id: row.run_id,
      bundle_path: path.join(this.dir, row.bundle_path),
      bundle_sha256: row.bundle_sha256,
      bundle_bytes: row.bundle_bytes,
      metrics: JSON.parse(row.metrics_json) as Record<string, number>,
      primary_metric: row.primary_metric,
      eval_fingerprint: row.eval_fingerprint,
      signature: row.signature_json ? (JSON.parse(row.signature_json) as ModelVersion['signature']) : null,
      created_at: row.created_at,
      created_by: row.created_by,
      decision: row.decision,
      aliases,
    };
  }

  private modelId(name: string): number | undefined {
    return (this.db.prepare('SELECT id FROM models WHERE name = ?').get(name) as { id: number } | undefined)
      ?.id;
  }

  private requireModel(name: string): number {
    const id = this.modelId(name);
    if (id === undefined) throw new RegistryError(`No model named ${name}.`);
    return id;
  }

  private versionRow(name: string, version: number): VersionRow | undefined {
    return this.db.prepare(`${VERSION_SELECT} WHERE m.name = ? AND v.version = ?`).get(name, version) as
      VersionRow | undefined;
  }

  private aliasRow(name: string, alias: string): VersionRow | undefined {
    return this.db
      .prepare(`${VERSION_SELECT} JOIN aliases a ON a.version_id = v.id WHERE m.name = ? AND a.alias = ?`)
      .get(name, alias) as VersionRow | undefined;
  }

  private requireVersion(name: string, version: number): VersionRow {
    const row = this.versionRow(name, version);
    if (!row) throw new RegistryError(`Model ${name} has no version ${version}.`);
    return row;
  }

  private setAliasRow(modelId: number, alias: string, versionId: number, now: string): void {
    this.db
      .prepare(
        `INSERT INTO aliases (model_id, alias, version_id, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(model_id, alias) DO UPDATE SET version_id = excluded.version_id, updated_at = excluded.updated_at`,
      )
      .run(modelId, alias, versionId, now);
  }

  private log(entry: Omit<PromotionLogEntry, 'id' | 'name'> & { model_id: number }): void {
    this.db
      .prepare(
        `INSERT INTO promotion_log (model_id, action, from_version, to_version, candidate_version, at, who, reason,
          metric, from_value, to_value)
         VALUES (@model_id, @action, @from_version, @to_version, @candidate_version, @at, @who, @reason, @metric,
          @from_value, @to_value)`,
      )
      .run(entry);
  }

  /** Verifies the bundle on disk; throws BundleIntegrityError, so a damaged version never becomes champion. */
  verify(v: ModelVersion): unknown {
    return readVerifiedBundle(v.bundle_path, v.bundle_sha256);
  }

  register(input: RegisterVersionInput): RegisterVersionResult {
    if (!input.name) throw new RegistryError('registerModelVersion: name is required.');
    const candValue = input.metrics[input.primary_metric];
    if (typeof candValue !== 'number' || !Number.isFinite(candValue)) {
      throw new RegistryError(
        `The metrics have no finite value for the primary metric ${input.primary_metric} ` +
          `(have: ${Object.keys(input.metrics).join(', ') || 'none'}).`,
      );
    }
    if (!(input.min_improvement >= 0)) throw new RegistryError('min_improvement must be a number ≥ 0.');
    // Content-addressed and atomic, so it can happen before (and outside) the transaction.
    const stored = storeBundle(this.dir, input.bundle_path, input.bundle_sha256);
    const who = input.who ?? osUser();
    const tx = this.db.transaction((): RegisterVersionResult => {
      if (!this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(input.run_id)) {
        throw new RegistryError(
          `No run with id ${input.run_id}; create the run before registering its model.`,
        );
      }
      const now = new Date().toISOString();
      this.db
        .prepare('INSERT INTO models (name, created_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING')
        .run(input.name, now);
      const modelId = this.requireModel(input.name);
      const { next } = this.db
        .prepare('SELECT COALESCE(MAX(version), 0) + 1 AS next FROM model_versions WHERE model_id = ?')
        .get(modelId) as { next: number };
      const champion = this.aliasRow(input.name, CHAMPION);
      const decision = decideChampion({
        primary_metric: input.primary_metric,
        min_improvement: input.min_improvement,
        greater_is_better: input.greater_is_better,
        candidate: { version: next, metrics: input.metrics, eval_fingerprint: input.eval_fingerprint },
        champion: champion && {
          version: champion.version,
          metrics: JSON.parse(champion.metrics_json) as Record<string, number>,
          eval_fingerprint: champion.eval_fingerprint,
        },
      });
      const info = this.db
        .prepare(
          `INSERT INTO model_versions (model_id, version, run_id, bundle_path, bundle_sha256, bundle_bytes,
            metrics_json, primary_metric, eval_fingerprint, signature_json, created_at, created_by, decision)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          modelId,
          next,
          input.run_id,
          stored.relPath,
          stored.sha256,
          stored.bytes,
          JSON.stringify(input.metrics),
          input.primary_metric,
          input.eval_fingerprint,
          input.signature ? JSON.stringify(input.signature) : null,
          now,
          who,
          decision.reason,
        );
      if (decision.promote) this.setAliasRow(modelId, CHAMPION, Number(info.lastInsertRowid), now);
      this.log({
        model_id: modelId,
        action: decision.action,
        from_version: champion?.version ?? null,
        to_version: decision.promote ? next : (champion?.version ?? null),
        candidate_version: next,
        at: now,
        who,
        reason: input.reason ? `${input.reason} — ${decision.reason}` : decision.reason,
        metric: input.primary_metric,
        from_value: decision.compared?.champion_value ?? null,
        to_value: candValue,
      });
      return {
        version: this.toVersion(this.requireVersion(input.name, next)),
        promoted: decision.promote,
        reason: decision.reason,
        ...(decision.compared ? { compared: decision.compared } : {}),
      };
    });
    return tx.immediate();
  }

  private switchChampion(
    name: string,
    target: VersionRow,
    action: PromotionAction,
    opts: { reason: string; who?: string },
  ): PromotionLogEntry {
    const current = this.aliasRow(name, CHAMPION);
    if (current?.version === target.version) {
      throw new RegistryError(`${name} v${target.version} is already the champion.`);
    }
    this.verify(this.toVersion(target));
    const now = new Date().toISOString();
    const metric = target.primary_metric;
    const value = (row: VersionRow | undefined): number | null =>
      row ? ((JSON.parse(row.metrics_json) as Record<string, number>)[metric] ?? null) : null;
    this.setAliasRow(target.model_id, CHAMPION, target.id, now);
    this.log({
      model_id: target.model_id,
      action,
      from_version: current?.version ?? null,
      to_version: target.version,
      candidate_version: target.version,
      at: now,
      who: opts.who ?? osUser(),
      reason: opts.reason,
      metric,
      from_value: value(current),
      to_value: value(target),
    });
    return this.history(name).at(-1)!;
  }

  promote(name: string, version: number, opts: { reason: string; who?: string }): PromotionLogEntry {
    if (!opts.reason?.trim()) throw new RegistryError('A manual promotion needs a reason.');
    return this.db
      .transaction(() => this.switchChampion(name, this.requireVersion(name, version), 'promote', opts))
      .immediate();
  }

  /**
   * The champions over time as a stack: registrations and promotions push, a rollback returns to an
   * earlier entry (truncating after it). Rolling back twice from v1→v2→v3 gives v2, then v1.
   */
  private championStack(modelId: number): number[] {
    const rows = this.db
      .prepare(
        `SELECT action, to_version FROM promotion_log
         WHERE model_id = ? AND action IN ('register', 'promote', 'rollback') ORDER BY id`,
      )
      .all(modelId) as { action: PromotionAction; to_version: number }[];
    const stack: number[] = [];
    for (const r of rows) {
      const at = r.action === 'rollback' ? stack.lastIndexOf(r.to_version) : -1;
      if (at >= 0) stack.length = at + 1;
      else stack.push(r.to_version);
    }
    return stack;
  }

  rollback(name: string, opts: { reason?: string; who?: string; to?: number } = {}): PromotionLogEntry {
    return this.db
      .transaction(() => {
        const modelId = this.requireModel(name);
        const stack = this.championStack(modelId);
        const target = opts.to ?? stack.at(-2);
        if (target === undefined) {
          throw new RegistryError(`${name} has no earlier champion to roll back to.`);
        }
        const current = stack.at(-1);
        return this.switchChampion(name, this.requireVersion(name, target), 'rollback', {
          reason: opts.reason?.trim() || `rollback from v${current} to v${target}`,
          who: opts.who,
        });
      })
      .immediate();
  }

  /** The log, oldest first; empty for a model that does not exist (yet). */
  history(name: string): PromotionLogEntry[] {
    const modelId = this.modelId(name);
    if (modelId === undefined) return [];
    return this.db
      .prepare(
        `SELECT l.id, m.name, l.action, l.from_version, l.to_version, l.candidate_version, l.at, l.who, l.reason,
          l.metric, l.from_value, l.to_value
         FROM promotion_log l JOIN models m ON m.id = l.model_id WHERE l.model_id = ? ORDER BY l.id`,
      )
      .all(modelId) as PromotionLogEntry[];
  }

  listVersions(name: string): ModelVersion[] {
    return (
      this.db.prepare(`${VERSION_SELECT} WHERE m.name = ? ORDER BY v.version`).all(name) as VersionRow[]
    ).map((r) => this.toVersion(r));
  }

  getVersion(name: string, version: number): ModelVersion | undefined {
    const row = this.versionRow(name, version);
    return row && this.toVersion(row);
  }

  getByAlias(name: string, alias: string): ModelVersion | undefined {
    const row = this.aliasRow(name, alias);
    return row && this.toVersion(row);
  }

  /** User aliases; `champion` goes through promote so that the change is logged. */
  setAlias(name: string, alias: string, version: number, opts: { who?: string } = {}): void {
    if (!/^[A-Za-z][\w.-]{0,63}$/.test(alias))
      throw new RegistryError(`Invalid alias ${JSON.stringify(alias)}.`);
    if (alias === CHAMPION) {
      this.promote(name, version, { reason: `alias ${CHAMPION} set to v${version}`, who: opts.who });
      return;
    }
    this.db
      .transaction(() => {
        const row = this.requireVersion(name, version);
        this.setAliasRow(row.model_id, alias, row.id, new Date().toISOString());
      })
      .immediate();
  }

  removeAlias(name: string, alias: string): boolean {
    if (alias === CHAMPION)
      throw new RegistryError('The champion alias cannot be removed; promote or roll back.');
    const modelId = this.requireModel(name);
    return (
      this.db.prepare('DELETE FROM aliases WHERE model_id = ? AND alias = ?').run(modelId, alias).changes > 0
    );
  }

  listModels(): ModelSummary[] {
    const models = this.db
      .prepare(
        `SELECT m.id, m.name, m.created_at, count(v.id) AS versions, max(v.version) AS latest_version
         FROM models m LEFT JOIN model_versions v ON v.model_id = m.id GROUP BY m.id ORDER BY m.name`,
      )
      .all() as {
      id: number;
      name: string;
      created_at: string;
      versions: number;
      latest_version: number | null;
    }[];
    const aliasStmt = this.db.prepare(
      `SELECT a.alias, v.version FROM aliases a JOIN model_versions v ON v.id = a.version_id
       WHERE a.model_id = ? ORDER BY a.alias`,
    );
    return models.map(({ id, ...m }) => {
      const aliases = Object.fromEntries(
        (aliasStmt.all(id) as { alias: string; version: number }[]).map((a) => [a.alias, a.version]),
      );
      return { ...m, champion: aliases[CHAMPION] ?? null, aliases };
    });
  }

  /** Changes whenever any alias of any model changes; cheap enough to poll every 250 ms. */
  championStamp(): number {
    return (
      this.db.prepare("SELECT value FROM registry_state WHERE key = 'alias_stamp'").get() as { value: number }
    ).value;
  }
}
