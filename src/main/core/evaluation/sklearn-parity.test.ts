import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng';
import {
  accuracy,
  brier,
  classificationReport,
  confusion,
  f1,
  logLoss,
  mcc,
  prAuc,
  prCurveFull,
  precision,
  recall,
  reliabilityCurve,
  rocAuc,
  rocCurveFull,
} from './index';
import { pyFixed } from './format';

/*
 * Every metric against scikit-learn (Debian's /usr/bin/python3, sklearn 1.2) on fixed vectors from
 * Rng, including ties, exact 0/1 probabilities, probabilities on calibration bin edges and
 * single-class labels. Edge-case contract checked here: roc_auc is NaN where sklearn raises
 * ("Only one class present"); log loss with one class equals sklearn's log_loss(labels=[0, 1]) where
 * plain log_loss raises; everything else matches sklearn's values, including its NaN ROC rates.
 */

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./sklearn_reference.py', import.meta.url));
const hasSklearn =
  existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0;

interface Case {
  name: string;
  y: number[];
  p: number[];
  t: number;
  digits: number;
  bins: number;
  target_names?: [string, string];
}

type Ref = number | null | { error: string };

interface CaseResult {
  roc_auc: Ref;
  pr_auc: Ref;
  log_loss: Ref;
  log_loss_labels: Ref;
  brier: Ref;
  accuracy: Ref;
  precision: Ref;
  recall: Ref;
  f1: Ref;
  mcc: Ref;
  confusion: number[];
  roc_curve: (number | null)[][];
  pr_curve: number[][];
  calibration: number[][];
  report: string;
  report_named?: string;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

function makeCase(
  name: string,
  n: number,
  seed: number,
  rate: number,
  score: (rng: Rng, y: number) => number,
  extra: Partial<Case> = {},
): Case {
  const rng = new Rng(seed);
  const y: number[] = [];
  const p: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = rng.next() < rate ? 1 : 0;
    y.push(label);
    p.push(score(rng, label));
  }
  return { name, y, p, t: 0.5, digits: 2, bins: 10, ...extra };
}

function buildCases(): Case[] {
  const edges = [0, 0.1, 0.2, 0.3, 3 * 0.1, 0.4, 0.5, 0.6, 0.7, 7 * 0.1, 0.8, 0.9, 1];
  const cases: Case[] = [
    makeCase('continuous', 2000, 1, 0.3, (r, y) => sigmoid(r.normal() + 1.2 * y - 0.8)),
    makeCase('ties-2dp', 3000, 2, 0.4, (r, y) => Math.round(sigmoid(r.normal() + y) * 100) / 100, {
      t: 0.55,
      digits: 3,
      target_names: ['stay', 'convert'],
    }),
    makeCase(
      'coarse-with-0-and-1',
      800,
      3,
      0.5,
      (r, y) => Math.min(1, Math.max(0, r.int(5) * 0.25 + 0.25 * y - 0.25)),
      {
        t: 0.5,
        digits: 4,
        target_names: ['no', 'a-much-longer-class-name'],
      },
    ),
    makeCase('bin-edges', 600, 4, 0.35, (r, y) => edges[(r.int(edges.length) + 2 * y) % edges.length], {
      t: 0.3,
      bins: 10,
    }),
    makeCase('bins-7', 900, 5, 0.2, (r, y) => sigmoid(2 * r.normal() + 2 * y - 1), { bins: 7, t: 0.2 }),
    makeCase('imbalanced-1pct', 5000, 6, 0.01, (r, y) => sigmoid(r.normal() + 2.5 * y - 4), {
      t: 0.08,
      digits: 5,
    }),
    makeCase(
      'large-3dp',
      40000,
      14,
      0.15,
      (r, y) => Math.round(sigmoid(1.5 * r.normal() + 1.5 * y - 2) * 1000) / 1000,
      {
        t: 0.25,
        digits: 3,
      },
    ),
    makeCase('all-negative', 300, 7, 0, (r) => r.next(), { t: 0.4 }),
    makeCase('all-positive', 300, 8, 1, (r) => Math.round(r.next() * 20) / 20, { t: 0.4 }),
    makeCase('constant-score', 200, 9, 0.3, () => 0.5),
    makeCase('nothing-predicted', 400, 10, 0.3, (r, y) => sigmoid(r.normal() + y), { t: 1.1 }),
    makeCase('everything-predicted', 400, 11, 0.3, (r, y) => sigmoid(r.normal() + y), { t: 0 }),
    makeCase('perfect', 500, 12, 0.5, (r, y) => (y ? 0.6 + 0.4 * r.next() : 0.5 * r.next())),
    makeCase('inverted', 500, 13, 0.5, (r, y) => (y ? 0.5 * r.next() : 0.6 + 0.4 * r.next())),
    { name: 'single-row', y: [1], p: [0.7], t: 0.5, digits: 2, bins: 10 },
    { name: 'two-rows', y: [0, 1], p: [0.2, 0.2], t: 0.2, digits: 2, bins: 10 },
    // tp=1 fp=7 fn=1 tn=7: precision 0.125 and 0.875, exact rounding ties for the report.
    {
      name: 'rounding-ties',
      y: [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
      p: [0.9, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.8, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1],
      t: 0.5,
      digits: 2,
      bins: 4,
    },
    {
      name: 'rounding-ties-1-digit',
      y: [1, 1, 1, 0, 1, 0, 0, 0],
      p: [0.9, 0.9, 0.9, 0.9, 0.1, 0.1, 0.1, 0.1],
      t: 0.5,
      digits: 1,
      bins: 3,
    },
  ];
  return cases;
}

function buildFormats(): [number, number][] {
  const rng = new Rng(99);
  const out: [number, number][] = [];
  for (const d of [0, 1, 2, 3, 4]) {
    for (let k = 0; k <= 64; k++) out.push([k / 64, d]); // dyadic values include exact ties
    for (let k = 0; k < 50; k++) out.push([rng.next(), d]);
  }
  out.push([2.5, 0], [3.5, 0], [-0.125, 2], [1e-7, 3], [123.456, 2]);
  return out;
}

function expectClose(actual: number, expected: number | null, what: string, tol = 1e-9): void {
  if (expected === null) {
    expect(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`).toBe(true);
    return;
  }
  const err = Math.abs(actual - expected);
  expect(err, `${what}: ${actual} vs sklearn ${expected}`).toBeLessThanOrEqual(
    tol * Math.max(1, Math.abs(expected)),
  );
}

function expectArrayClose(actual: Float64Array | number[], expected: (number | null)[], what: string): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i], `${what}[${i}]`);
}

function value(ref: Ref, what: string): number | null {
  if (ref !== null && typeof ref === 'object') throw new Error(`${what}: sklearn raised ${ref.error}`);
  return ref;
}

describe.skipIf(!hasSklearn)('parity with scikit-learn (skipped when /usr/bin/python3 lacks sklearn)', () => {
  const cases = buildCases();
  const formats = buildFormats();
  let dir = '';
  let ref: { cases: Record<string, CaseResult>; formats: string[] };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'eval-parity-'));
    const input = join(dir, 'cases.json');
    writeFileSync(input, JSON.stringify({ cases, formats }));
    const run = spawnSync(PYTHON, [SCRIPT, input], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (run.status !== 0) throw new Error(`sklearn_reference.py failed: ${run.stderr}`);
    ref = JSON.parse(run.stdout);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const c of cases) {
    describe(c.name, () => {
      const y = Uint8Array.from(c.y);
      const p = Float64Array.from(c.p);
      const pred = Uint8Array.from(c.p, (v) => (v >= c.t ? 1 : 0));
      const r = (): CaseResult => ref.cases[c.name];
      const positives = c.y.reduce((a, b) => a + b, 0);
      const oneClass = positives === 0 || positives === c.y.length;

      it('ranking metrics: roc_auc and average precision', () => {
        if (oneClass) {
          expect(r().roc_auc).toEqual({ error: expect.stringContaining('Only one class present') });
          expect(rocAuc(y, p)).toBeNaN();
        } else {
          expectClose(rocAuc(y, p), value(r().roc_auc, 'roc_auc'), 'roc_auc');
        }
        expectClose(prAuc(y, p), value(r().pr_auc, 'pr_auc'), 'pr_auc');
      });

      it('probability metrics: log loss (sklearn clipping) and Brier', () => {
        if (oneClass) expect(r().log_loss).toEqual({ error: expect.stringContaining('only one label') });
        else expectClose(logLoss(y, p), value(r().log_loss, 'log_loss'), 'log_loss');
        expectClose(logLoss(y, p), value(r().log_loss_labels, 'log_loss'), 'log_loss(labels=[0,1])');
        expectClose(brier(y, p), value(r().brier, 'brier'), 'brier');
      });

      it('threshold metrics with sklearn zero-division conventions', () => {
        const cm = confusion(y, p, c.t);
        expect([cm.tn, cm.fp, cm.fn, cm.tp]).toEqual(r().confusion);
        expectClose(accuracy(cm), value(r().accuracy, 'accuracy'), 'accuracy');
        expectClose(precision(y, p, c.t), value(r().precision, 'precision'), 'precision');
        expectClose(recall(cm), value(r().recall, 'recall'), 'recall');
        expectClose(f1(cm), value(r().f1, 'f1'), 'f1');
        expectClose(mcc(cm), value(r().mcc, 'mcc'), 'mcc');
      });

      it('full-resolution ROC curve equals roc_curve(drop_intermediate=True)', () => {
        const roc = rocCurveFull(y, p);
        const [fpr, tpr, thresholds] = r().roc_curve;
        expectArrayClose(roc.fpr, fpr, 'fpr');
        expectArrayClose(roc.tpr, tpr, 'tpr');
        expect(Array.from(roc.thresholds)).toEqual(thresholds);
      });

      it('full-resolution PR curve equals precision_recall_curve', () => {
        const pr = prCurveFull(y, p);
        const [prec, rec, thresholds] = r().pr_curve;
        expectArrayClose(pr.precision, prec, 'precision');
        expectArrayClose(pr.recall, rec, 'recall');
        expect(Array.from(pr.thresholds)).toEqual(thresholds);
      });

      it('reliability curve equals calibration_curve(strategy="uniform")', () => {
        const rel = reliabilityCurve(y, p, c.bins);
        const [probTrue, probPred] = r().calibration;
        expectArrayClose(rel.fraction_positive, probTrue, 'fraction_positive');
        expectArrayClose(rel.mean_predicted, probPred, 'mean_predicted');
        expect(rel.count.reduce((a, b) => a + b, 0)).toBe(c.y.length);
      });

      it('classification report text is identical', () => {
        expect(classificationReport(y, pred, { digits: c.digits })).toBe(r().report);
        if (c.target_names) {
          expect(classificationReport(y, pred, { digits: c.digits, targetNames: c.target_names })).toBe(
            r().report_named,
          );
        }
      });
    });
  }

  it("formats numbers like Python's format(x, '.Nf'), ties to even", () => {
    expect(formats.map(([x, d]) => pyFixed(x, d))).toEqual(ref.formats);
  });
});
