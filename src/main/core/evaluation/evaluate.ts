import { binaryCurve, positivesInTop } from './binary-curve';
import { type Confusion, metricsAt, resolveK } from './confusion';
import { type GainsLift, gainsLiftFromCurve } from './gains';
import { brier, logLoss, reliabilityCurve, type ReliabilityCurve } from './probability';
import {
  prAucFromCurve,
  prCurveFromCurve,
  rocAucFromCurve,
  rocCurveFromCurve,
  type PrCurve,
  type RocCurve,
} from './ranking';
import { classificationReport } from './report';
import { type CostOptions, thresholdTableFromCurve, type ThresholdTable } from './threshold-table';
import { EvaluationError, validateInputs } from './validate';

export interface EvaluateOptions extends CostOptions {
  /** Decision threshold: predict positive when p >= threshold. */
  threshold: number;
  /** Uncalibrated probabilities; `p` is then taken to be the calibrated ones. */
  pRaw?: Float64Array;
  /** Class names for the report text, indexed by label. */
  targetNames?: [string, string];
  /** Maximum points per ROC/PR curve (default 400). */
  maxCurvePoints?: number;
}

export interface EvaluationCurves {
  roc: RocCurve;
  pr: PrCurve;
  reliability: ReliabilityCurve;
  /** Reliability of the uncalibrated probabilities; only when pRaw is given. */
  reliability_raw?: ReliabilityCurve;
  gains: GainsLift;
}

export interface EvaluationReport {
  metrics: Record<string, number>;
  confusion: Confusion;
  threshold: number;
  threshold_table: ThresholdTable;
  curves: EvaluationCurves;
  report_text: string;
}

/**
 * Everything the registry and GUI show for one scored data set.
 *
 * Metric names (the registry and GUI key on them):
 * - roc_auc, pr_auc, log_loss, brier: on the uncalibrated probabilities (pRaw when given, else p).
 * - roc_auc_calibrated, pr_auc_calibrated, log_loss_calibrated, brier_calibrated: on p; present only
 *   when pRaw is given.
 * - accuracy, precision, recall, f1, mcc: at `threshold`, on p (the calibrated probabilities when
 *   there is a calibrator, since that is what the threshold applies to).
 * - precision_at_10pct, recall_at_10pct: among the 10% highest-scoring rows by p.
 * - positives, rows: counts in y.
 * roc_auc is NaN when y holds a single class. Curves, threshold table and report are all on p.
 */
export function evaluate(y: Uint8Array, p: Float64Array, options: EvaluateOptions): EvaluationReport {
  const { threshold, pRaw } = options;
  if (!Number.isFinite(threshold)) throw new EvaluationError(`threshold must be finite, got ${threshold}.`);
  validateInputs(y, p, { probabilities: true });
  if (pRaw) validateInputs(y, pRaw, { probabilities: true, name: 'pRaw' });

  const curve = binaryCurve(y, p);
  const rawCurve = pRaw ? binaryCurve(y, pRaw, 'pRaw') : curve;
  const n = y.length;

  const pred = new Uint8Array(n);
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    if (p[i] >= threshold) {
      pred[i] = 1;
      if (y[i] === 1) tp++;
      else fp++;
    }
  }
  const conf: Confusion = { tp, fp, fn: curve.positives - tp, tn: curve.negatives - fp };
  const k10 = resolveK({ fraction: 0.1 }, n);
  const top10 = positivesInTop(curve, k10);

  const metrics: Record<string, number> = {
    roc_auc: rocAucFromCurve(rawCurve),
    pr_auc: prAucFromCurve(rawCurve),
    log_loss: logLoss(y, pRaw ?? p),
    brier: brier(y, pRaw ?? p),
  };
  if (pRaw) {
    metrics.roc_auc_calibrated = rocAucFromCurve(curve);
    metrics.pr_auc_calibrated = prAucFromCurve(curve);
    metrics.log_loss_calibrated = logLoss(y, p);
    metrics.brier_calibrated = brier(y, p);
  }
  Object.assign(metrics, metricsAt(conf), {
    positives: curve.positives,
    rows: n,
    precision_at_10pct: top10 / k10,
    recall_at_10pct: curve.positives === 0 ? 0 : top10 / curve.positives,
  });

  const curveOptions = { maxPoints: options.maxCurvePoints };
  const curves: EvaluationCurves = {
    roc: rocCurveFromCurve(curve, curveOptions),
    pr: prCurveFromCurve(curve, curveOptions),
    reliability: reliabilityCurve(y, p),
    gains: gainsLiftFromCurve(curve),
  };
  if (pRaw) curves.reliability_raw = reliabilityCurve(y, pRaw);

  return {
    metrics,
    confusion: conf,
    threshold,
    threshold_table: thresholdTableFromCurve(curve, options),
    curves,
    report_text: classificationReport(y, pred, { targetNames: options.targetNames }),
  };
}
