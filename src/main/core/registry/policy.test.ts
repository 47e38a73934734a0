import { describe, expect, it } from 'vitest';
import { decideChampion, greaterIsBetter } from './policy';

const cand = (v: number, fp = 'e1') => ({
  version: 5,
  metrics: { auc: v, log_loss: v },
  eval_fingerprint: fp,
});
const champ = (v: number, fp = 'e1') => ({
  version: 4,
  metrics: { auc: v, log_loss: v },
  eval_fingerprint: fp,
});

describe('champion policy', () => {
  it('knows which metrics are lower-is-better', () => {
    expect(greaterIsBetter('roc_auc_calibrated')).toBe(true);
    expect(greaterIsBetter('pr_auc')).toBe(true);
    expect(greaterIsBetter('log_loss')).toBe(false);
    expect(greaterIsBetter('brier_score')).toBe(false);
    expect(greaterIsBetter('ece')).toBe(false);
  });

  it('promotes the first version', () => {
    const d = decideChampion({ primary_metric: 'auc', min_improvement: 0.5, candidate: cand(0.1) });
    expect(d).toMatchObject({ promote: true, action: 'register' });
    expect(d.reason).toMatch(/no champion yet; v5 becomes champion/);
  });

  it('promotes a better version and reports the comparison', () => {
    const d = decideChampion({
      primary_metric: 'auc',
      min_improvement: 0.01,
      candidate: cand(0.85),
      champion: champ(0.8),
    });
    expect(d.promote).toBe(true);
    expect(d.compared).toEqual({ metric: 'auc', champion_value: 0.8, candidate_value: 0.85 });
    expect(d.reason).toMatch(/v5 beats champion v4: auc 0.85 vs champion v4 0.8/);
  });

  it('keeps the champion when the candidate is worse or equal', () => {
    const worse = decideChampion({
      primary_metric: 'auc',
      min_improvement: 0,
      candidate: cand(0.79),
      champion: champ(0.8),
    });
    expect(worse).toMatchObject({ promote: false, action: 'not-promoted' });
    expect(worse.reason).toMatch(/is worse than/);
    const equal = decideChampion({
      primary_metric: 'auc',
      min_improvement: 0,
      candidate: cand(0.8),
      champion: champ(0.8),
    });
    expect(equal).toMatchObject({ promote: false, action: 'not-promoted' });
    expect(equal.reason).toMatch(/ties/);
  });

  it('requires at least min_improvement, exactly at the boundary despite float noise', () => {
    const below = decideChampion({
      primary_metric: 'auc',
      min_improvement: 0.01,
      candidate: cand(0.805),
      champion: champ(0.8),
    });
    expect(below.promote).toBe(false);
    expect(below.reason).toMatch(/by less than min_improvement/);
    // 0.83 - 0.82 = 0.009999999999999898 in floating point: still "at least 0.01".
    const at = decideChampion({
      primary_metric: 'auc',
      min_improvement: 0.01,
      candidate: cand(0.83),
      champion: champ(0.82),
    });
    expect(at.promote).toBe(true);
  });

  it('uses the metric direction: a lower loss wins', () => {
    expect(
      decideChampion({
        primary_metric: 'log_loss',
        min_improvement: 0,
        candidate: cand(0.3),
        champion: champ(0.4),
      }).promote,
    ).toBe(true);
    expect(
      decideChampion({
        primary_metric: 'log_loss',
        min_improvement: 0,
        candidate: cand(0.5),
        champion: champ(0.4),
      }).promote,
    ).toBe(false);
    expect(
      decideChampion({
        primary_metric: 'log_loss',
        greater_is_better: true,
        min_improvement: 0,
        candidate: cand(0.5),
        champion: champ(0.4),
      }).promote,
    ).toBe(true);
  });

  it('does not compare across different evaluation data, and says why', () => {
    const d = decideChampion({
      primary_metric: 'auc',
      min_improvement: 0,
      candidate: cand(0.99, 'e2'),
      champion: champ(0.5, 'e1'),
    });
    expect(d).toMatchObject({ promote: false, action: 'not-compared' });
    expect(d.compared).toBeUndefined();
    expect(d.reason).toMatch(/different data.*e2.*e1.*not compared/);
  });

  it('does not compare when the champion lacks the primary metric', () => {
    const d = decideChampion({
      primary_metric: 'pr_auc',
      min_improvement: 0,
      candidate: { version: 2, metrics: { pr_auc: 0.9 }, eval_fingerprint: 'e1' },
      champion: { version: 1, metrics: { auc: 0.9 }, eval_fingerprint: 'e1' },
    });
    expect(d).toMatchObject({ promote: false, action: 'not-compared' });
    expect(d.reason).toMatch(/no pr_auc value/);
  });
});
