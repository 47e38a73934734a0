import Database from 'better-sqlite3';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry, RegistryError, flattenParams } from './index';
import { registerVersion, runInput, tempDir } from './fixtures/helpers';

let reg: Registry;
let dir: string;
beforeEach(() => {
  dir = tempDir();
  reg = Registry.open(dir);
});
afterEach(() => reg.close());

describe('runs', () => {
  it('flattens config objects into dotted param paths', () => {
    expect(
      flattenParams({ seed: 1, model: { algorithm: 'gbdt', params: { depth: 3 } }, cols: ['a', 'b'], e: {} }),
    ).toEqual({
      seed: 1,
      'model.algorithm': 'gbdt',
      'model.params.depth': 3,
      cols: ['a', 'b'],
      e: {},
    });
  });

  it('lands the writes of one registry.transaction together, or none of them when it throws', () => {
    const r = reg.createRun(runInput({}));
    reg.setRunStatus(r.id, 'running');
    expect(() =>
      reg.transaction(() => {
        reg.logMetrics(r.id, { roc_auc: 0.9 });
        reg.setRunStatus(r.id, 'succeeded');
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(reg.getRun(r.id)).toMatchObject({ status: 'running', metrics: {} });
    const out = reg.transaction(() => {
      reg.logMetrics(r.id, { roc_auc: 0.9 });
      reg.setRunStatus(r.id, 'succeeded');
      return 'done';
    });
    expect(out).toBe('done');
    expect(reg.getRun(r.id)).toMatchObject({ status: 'succeeded', metrics: { roc_auc: 0.9 } });
  });

  it('creates a queued run, runs it, and records timings and metrics', () => {
    const r = reg.createRun(runInput({ name: 'first', tags: { b: '2', a: '1', ' ': 'x' }, notes: 'hello' }));
    expect(r).toMatchObject({
      status: 'queued',
      experiment: 'exp',
      name: 'first',
      started_at: null,
      tags: { a: '1', b: '2' },
    });
    expect(r.id).toMatch(/^[0-9a-z]{12}[0-9a-f]{6}$/);
    reg.setRunStatus(r.id, 'running');
    reg.logMetrics(r.id, { roc_auc: 0.8, log_loss: 0.4 });
    reg.logMetrics(r.id, { roc_auc: 0.85 });
    reg.logMetricHistory(r.id, 'train_loss', [
      { step: 0, value: 0.7 },
      { step: 1, value: 0.6 },
    ]);
    reg.addArtifact(r.id, { path: 'report.html', kind: 'report', bytes: 10, sha256: 'A'.repeat(64) });
    const done = reg.setRunStatus(r.id, 'succeeded');
    expect(done.status).toBe('succeeded');
    expect(done.ended_at).not.toBeNull();
    expect(done.duration_ms).toBeGreaterThanOrEqual(0);

    const d = reg.getRun(r.id)!;
    expect(d.metrics).toEqual({ roc_auc: 0.85, log_loss: 0.4 });
    expect(d.params).toEqual({ seed: 7, 'model.algorithm': 'gbdt', 'model.max_depth': 6 });
    expect(d.history.train_loss).toEqual([
      { step: 0, value: 0.7 },
      { step: 1, value: 0.6 },
    ]);
    expect(d.artifacts).toMatchObject([
      { path: 'report.html', kind: 'report', bytes: 10, sha256: 'a'.repeat(64) },
    ]);
    expect(d.config_yaml).toBe('seed: 7\nmodel:\n  algorithm: gbdt\n');
    expect(d.notes).toBe('hello');
    // The normalised metrics table agrees with the summary column.
    expect(reg.db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(r.id)).toEqual({ n: 2 });
  });

  it('refuses invalid transitions, non-finite metrics and unknown runs', () => {
    const r = reg.createRun(runInput({ status: 'running' }));
    reg.setRunStatus(r.id, 'failed', { error: 'boom' });
    expect(reg.getRun(r.id)!.error).toBe('boom');
    expect(() => reg.setRunStatus(r.id, 'running')).toThrow(/failed; it cannot become running/);
    expect(() => reg.logMetrics(r.id, { x: Number.NaN })).toThrow(RegistryError);
    expect(() => reg.logMetrics('nope', { x: 1 })).toThrow(/No run with id nope/);
    expect(() => reg.createRun(runInput({ parent_run_id: 'nope' }))).toThrow(/No run/);
  });

  it('links tuning trials to their parent and lists them', () => {
    const parent = reg.createRun(runInput({ status: 'running' }));
    const kids = [1, 2, 3].map((i) =>
      reg.createRun(runInput({ parent_run_id: parent.id, name: `trial-${i}` })),
    );
    expect(reg.getRun(parent.id)!.children.map((c) => c.id)).toEqual(kids.map((k) => k.id));
    expect(reg.listRuns({ parent: parent.id }).total).toBe(3);
    expect(reg.listRuns({ parent: null }).runs.map((r) => r.id)).toEqual([parent.id]);
  });

  it('diffs two runs: changed config keys only, and metric deltas', () => {
    const a = reg.createRun(
      runInput({ params: flattenParams({ seed: 1, model: { depth: 4, lr: 0.1 }, x: 'same' }) }),
    );
    const b = reg.createRun(
      runInput({ params: flattenParams({ seed: 1, model: { depth: 6, lr: 0.1 }, y: true, x: 'same' }) }),
    );
    reg.logMetrics(a.id, { roc_auc: 0.8, f1: 0.5 });
    reg.logMetrics(b.id, { roc_auc: 0.85, brier: 0.1 });
    const diff = reg.diffRuns(a.id, b.id);
    expect(diff.config).toEqual([
      { path: 'model.depth', a: 4, b: 6 },
      { path: 'y', a: undefined, b: true },
    ]);
    expect(diff.metrics).toEqual([
      { name: 'brier', a: null, b: 0.1, delta: null },
      { name: 'f1', a: 0.5, b: null, delta: null },
      { name: 'roc_auc', a: 0.8, b: 0.85, delta: expect.closeTo(0.05, 10) },
    ]);
  });

  it('updates tags and notes, and deletes a run with its children but not one with a model version', () => {
    const r = reg.createRun(runInput());
    reg.setRunTags(r.id, { baseline: '', ' x ': 'y' });
    reg.setRunNotes(r.id, 'kept');
    reg.setRunDataFingerprint(r.id, 'fp-2');
    expect(reg.getRun(r.id)!.data_fingerprint).toBe('fp-2');
    expect(reg.getRun(r.id)).toMatchObject({ tags: { baseline: '', x: 'y' }, notes: 'kept' });
    const child = reg.createRun(runInput({ parent_run_id: r.id }));
    reg.logMetrics(child.id, { a: 1 });
    reg.deleteRun(r.id);
    expect(reg.getRun(child.id)).toBeUndefined();
    expect(reg.db.prepare('SELECT count(*) AS n FROM metrics').get()).toEqual({ n: 0 });
    const v = registerVersion(reg, tempDir(), { roc_auc: 0.7 });
    expect(() => reg.deleteRun(v.version.run_id)).toThrow(/registered model versions/);
  });

  it('marks runs left running by a dead process as interrupted on the next open, and only those', () => {
    const mine = reg.createRun(runInput({ status: 'running' }));
    const dead = reg.createRun(runInput({ status: 'running' }));
    const reused = reg.createRun(runInput({ status: 'running' }));
    const queuedDead = reg.createRun(runInput());
    const queuedMine = reg.createRun(runInput());
    const queuedUnknown = reg.createRun(runInput());
    reg.close();
    const db = new Database(path.join(dir, 'registry.db'));
    // A pid that cannot exist on Linux (pid_max ≤ 4194304), and our own pid with another start token
    // (the pid was reused after the owner died).
    db.prepare('UPDATE runs SET owner_pid = 99999999 WHERE id = ?').run(dead.id);
    db.prepare("UPDATE runs SET owner_start = 'linux:1' WHERE id = ?").run(reused.id);
    db.prepare('UPDATE runs SET owner_pid = 99999999 WHERE id = ?').run(queuedDead.id);
    db.prepare('UPDATE runs SET owner_pid = NULL, owner_host = NULL WHERE id = ?').run(queuedUnknown.id);
    db.close();
    reg = Registry.open(dir);
    expect(reg.interruptedOnOpen.sort()).toEqual([dead.id, reused.id, queuedDead.id].sort());
    expect(reg.getRun(queuedDead.id)!.error).toMatch(/exited before the run started/);
    expect(reg.getRun(queuedMine.id)!.status).toBe('queued');
    expect(reg.getRun(queuedUnknown.id)!.status).toBe('queued');
    expect(reg.getRun(mine.id)!.status).toBe('running');
    const d = reg.getRun(dead.id)!;
    expect(d.status).toBe('interrupted');
    expect(d.error).toMatch(/stopped without finishing/);
    expect(d.ended_at).not.toBeNull();
  });

  it('lists experiments with run counts', () => {
    reg.createRun(runInput({ experiment: 'a' }));
    reg.createRun(runInput({ experiment: 'a' }));
    reg.createRun(runInput({ experiment: 'b' }));
    expect(reg.listExperiments().map((e) => [e.name, e.runs])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });
});
