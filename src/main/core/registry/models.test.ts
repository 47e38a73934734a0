import {
  chmodSync,
  existsSync,
  readFileSync,
  readdirSync,
  statSync,
  utimesSync,
  writeFileSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import { removeStaleTemps } from './bundles';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BundleIntegrityError, Registry, readVerifiedBundle, sha256Hex } from './index';
import { SIGNATURE, registerVersion, runInput, tempDir, writeBundle } from './fixtures/helpers';

let reg: Registry;
let bundles: string;
beforeEach(() => {
  reg = Registry.open(tempDir());
  bundles = tempDir('mlsys-bundles-');
});
afterEach(() => reg.close());

const reg3 = (metrics: Record<string, number>, opts: Parameters<typeof registerVersion>[3] = {}) =>
  registerVersion(reg, bundles, metrics, opts);

describe('model versions and the champion policy', () => {
  it('registers the first version as champion, copying the bundle read-only', () => {
    const res = reg3({ roc_auc: 0.8 }, { who: 'alice' });
    expect(res.promoted).toBe(true);
    const v = res.version;
    expect(v).toMatchObject({
      name: 'churn',
      version: 1,
      aliases: ['champion'],
      created_by: 'alice',
      signature: SIGNATURE,
    });
    expect(v.bundle_path.startsWith(reg.dir)).toBe(true);
    expect(statSync(v.bundle_path).mode & 0o777).toBe(0o444);
    expect(readVerifiedBundle(v.bundle_path, v.bundle_sha256)).toMatchObject({ kind: 'mlsys.bundle' });
    expect(reg.getChampion('churn')!.version).toBe(1);
    expect(reg.getRun(v.run_id)!.model_versions).toEqual([{ name: 'churn', version: 1 }]);
  });

  it('promotes a better version, keeps the champion for worse, equal, too-small and other-data versions', () => {
    reg3({ roc_auc: 0.8 });
    expect(reg3({ roc_auc: 0.82 }, { min_improvement: 0.01 }).promoted).toBe(true); // v2
    const worse = reg3({ roc_auc: 0.7 }); // v3
    const equal = reg3({ roc_auc: 0.82 }); // v4
    const small = reg3({ roc_auc: 0.825 }, { min_improvement: 0.01 }); // v5
    const other = reg3({ roc_auc: 0.99 }, { eval_fingerprint: 'eval-fp-2' }); // v6
    for (const r of [worse, equal, small, other]) expect(r.promoted).toBe(false);
    expect(other.reason).toMatch(/not compared/);
    expect(other.compared).toBeUndefined();
    expect(small.compared).toEqual({ metric: 'roc_auc', champion_value: 0.82, candidate_value: 0.825 });
    expect(reg.getChampion('churn')!.version).toBe(2);
    expect(reg.getVersion('churn', 6)!.decision).toMatch(/different data/);
    const log = reg.promotionHistory('churn');
    expect(log.map((e) => [e.action, e.from_version, e.to_version, e.candidate_version])).toEqual([
      ['register', null, 1, 1],
      ['register', 1, 2, 2],
      ['not-promoted', 2, 2, 3],
      ['not-promoted', 2, 2, 4],
      ['not-promoted', 2, 2, 5],
      ['not-compared', 2, 2, 6],
    ]);
    expect(log[1]).toMatchObject({ metric: 'roc_auc', from_value: 0.8, to_value: 0.82 });
  });

  it('refuses a registration without the primary metric, an unknown run, or a non-bundle file', () => {
    expect(() => reg3({ f1: 0.5 })).toThrow(/no finite value for the primary metric roc_auc/);
    const file = writeBundle(bundles, 'ghost');
    const base = {
      name: 'm',
      metrics: { roc_auc: 1 },
      primary_metric: 'roc_auc',
      min_improvement: 0,
      eval_fingerprint: 'e',
      signature: null,
    };
    expect(() => reg.registerModelVersion({ ...base, run_id: 'ghost', bundle_path: file })).toThrow(
      /No run with id ghost/,
    );
    const run = reg.createRun(runInput());
    writeFileSync(`${bundles}/x.bundle`, JSON.stringify({ kind: 'something-else' }));
    expect(() =>
      reg.registerModelVersion({ ...base, run_id: run.id, bundle_path: `${bundles}/x.bundle` }),
    ).toThrow(BundleIntegrityError);
    // a producer's sha256 that the file no longer matches does not spare it the check
    expect(() =>
      reg.registerModelVersion({
        ...base,
        run_id: run.id,
        bundle_path: `${bundles}/x.bundle`,
        bundle_sha256: sha256Hex(readFileSync(file)),
      }),
    ).toThrow(BundleIntegrityError);
    expect(reg.listModels()).toEqual([]);
    expect(reg.promotionHistory('m')).toEqual([]);
  });

  it("stores a training run's bundle by its producer's sha256, the same as one it checks", () => {
    const file = writeBundle(bundles, 'trained');
    const sha = sha256Hex(readFileSync(file));
    const run = reg.createRun(runInput());
    const r = reg.registerModelVersion({
      name: 'm',
      run_id: run.id,
      bundle_path: file,
      bundle_sha256: sha,
      metrics: { roc_auc: 0.9 },
      primary_metric: 'roc_auc',
      min_improvement: 0,
      eval_fingerprint: 'e',
      signature: null,
    });
    expect(r.version.bundle_sha256).toBe(sha);
    expect(readVerifiedBundle(r.version.bundle_path, sha)).toMatchObject({ kind: 'mlsys.bundle' });
  });

  it('promotes manually and rolls back along the champion history', () => {
    reg3({ roc_auc: 0.8 }); // v1 champion
    reg3({ roc_auc: 0.85 }); // v2 champion
    reg3({ roc_auc: 0.7 }); // v3 registered only
    const p = reg.promote('churn', 3, { reason: 'better on recent data', who: 'bob' });
    expect(p).toMatchObject({
      action: 'promote',
      from_version: 2,
      to_version: 3,
      who: 'bob',
      reason: 'better on recent data',
    });
    expect(p).toMatchObject({ from_value: 0.85, to_value: 0.7 });
    expect(() => reg.promote('churn', 3, { reason: 'again' })).toThrow(/already the champion/);
    expect(() => reg.promote('churn', 9, { reason: 'x' })).toThrow(/no version 9/);
    expect(() => reg.promote('churn', 1, { reason: ' ' })).toThrow(/needs a reason/);

    const stamp = reg.championStamp();
    expect(reg.rollback('churn', { reason: 'regression' })).toMatchObject({
      action: 'rollback',
      from_version: 3,
      to_version: 2,
    });
    expect(reg.championStamp()).toBeGreaterThan(stamp);
    expect(reg.rollback('churn')).toMatchObject({
      from_version: 2,
      to_version: 1,
      reason: 'rollback from v2 to v1',
    });
    expect(() => reg.rollback('churn')).toThrow(/no earlier champion/);
    expect(reg.rollback('churn', { to: 3, reason: 'explicit' })).toMatchObject({
      from_version: 1,
      to_version: 3,
    });
    expect(reg.getChampion('churn')!.version).toBe(3);
    // Every change is in the log, in order, each starting where the previous ended.
    const changes = reg.promotionHistory('churn');
    for (let i = 1; i < changes.length; i++) expect(changes[i].from_version).toBe(changes[i - 1].to_version);
  });

  it('keeps the promotion log append-only', () => {
    reg3({ roc_auc: 0.8 });
    expect(() => reg.db.prepare('UPDATE promotion_log SET who = ?').run('mallory')).toThrow(/append-only/);
    expect(() => reg.db.prepare('DELETE FROM promotion_log').run()).toThrow(/append-only/);
  });

  it('sets user aliases, lists models, and bumps the stamp on every alias change', () => {
    reg3({ roc_auc: 0.8 });
    reg3({ roc_auc: 0.7 });
    const s0 = reg.championStamp();
    reg.setAlias('churn', 'staging', 2);
    expect(reg.championStamp()).toBe(s0 + 1);
    expect(reg.getVersionByAlias('churn', 'staging')!.version).toBe(2);
    expect(reg.listModels()).toEqual([
      expect.objectContaining({
        name: 'churn',
        versions: 2,
        latest_version: 2,
        champion: 1,
        aliases: { champion: 1, staging: 2 },
      }),
    ]);
    reg.setAlias('churn', 'champion', 2);
    expect(reg.promotionHistory('churn').at(-1)).toMatchObject({ action: 'promote', to_version: 2 });
    expect(reg.removeAlias('churn', 'staging')).toBe(true);
    expect(() => reg.removeAlias('churn', 'champion')).toThrow(/cannot be removed/);
    expect(() => reg.setAlias('churn', 'bad alias', 1)).toThrow(/Invalid alias/);
    expect(reg.championStamp()).toBe(s0 + 3);
  });

  it('stamp changes are visible to another connection (the scoring server polls it)', () => {
    reg3({ roc_auc: 0.8 });
    const other = Registry.open(reg.dir);
    const before = other.championStamp();
    reg3({ roc_auc: 0.9 });
    expect(other.championStamp()).toBe(before + 1);
    expect(other.getChampion('churn')!.version).toBe(2);
    other.close();
  });
});

describe('bundle integrity', () => {
  it('detects a tampered, missing or foreign bundle and never returns its content', () => {
    const v = reg3({ roc_auc: 0.8 }).version;
    expect(reg.loadBundle('churn').version.version).toBe(1);
    chmodSync(v.bundle_path, 0o644);
    const original = readFileSync(v.bundle_path, 'utf8');
    writeFileSync(v.bundle_path, original.replace('"threshold":0.5', '"threshold":0.1'));
    expect(() => reg.loadBundle('churn')).toThrow(BundleIntegrityError);
    expect(() => readVerifiedBundle(v.bundle_path, v.bundle_sha256)).toThrow(/has been modified/);
    rmSync(v.bundle_path);
    try {
      reg.loadBundle('churn', 1);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BundleIntegrityError);
      expect((err as BundleIntegrityError).reason).toBe('missing');
    }
    writeFileSync(v.bundle_path, '{"kind":"other"}');
    expect(() => readVerifiedBundle(v.bundle_path, sha256Hex('{"kind":"other"}'))).toThrow(
      /not an ml-sys bundle/,
    );
    expect(() => reg.loadBundle('churn', 7)).toThrow(/no version 7/);
  });

  it('refuses to promote or roll back to a damaged version', () => {
    const v1 = reg3({ roc_auc: 0.8 }).version;
    reg3({ roc_auc: 0.9 });
    chmodSync(v1.bundle_path, 0o644);
    writeFileSync(v1.bundle_path, '{}');
    expect(() => reg.rollback('churn')).toThrow(BundleIntegrityError);
    expect(() => reg.promote('churn', 1, { reason: 'x' })).toThrow(BundleIntegrityError);
    expect(reg.getChampion('churn')!.version).toBe(2);
    expect(reg.promotionHistory('churn')).toHaveLength(2);
  });

  it('removes only stale temporary copies left by a killed writer', () => {
    const v = reg3({ roc_auc: 0.8 }).version;
    const folder = path.dirname(v.bundle_path);
    writeFileSync(path.join(folder, 'old.bundle.1.aa.tmp'), 'partial');
    writeFileSync(path.join(folder, 'fresh.bundle.2.bb.tmp'), 'partial');
    const old = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(path.join(folder, 'old.bundle.1.aa.tmp'), old, old);
    expect(removeStaleTemps(reg.dir)).toBe(1);
    expect(readdirSync(folder).sort()).toEqual(
      [path.basename(v.bundle_path), 'fresh.bundle.2.bb.tmp'].sort(),
    );
  });

  it('stores identical bundles once (content-addressed) and leaves the source untouched', () => {
    const run = reg.createRun(runInput());
    const file = writeBundle(bundles, run.id);
    const before = readFileSync(file);
    const base = {
      name: 'm',
      run_id: run.id,
      bundle_path: file,
      metrics: { roc_auc: 1 },
      primary_metric: 'roc_auc',
      min_improvement: 0,
      eval_fingerprint: 'e',
      signature: null,
    };
    const a = reg.registerModelVersion(base).version;
    const b = reg.registerModelVersion(base).version;
    expect(a.bundle_path).toBe(b.bundle_path);
    expect(existsSync(a.bundle_path)).toBe(true);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
