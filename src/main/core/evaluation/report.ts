import { padLeft, pyFixed } from './format';
import { EvaluationError, validatePredictions } from './validate';

export interface ReportOptions {
  /** Display names indexed by class label: targetNames[0] for class 0, targetNames[1] for class 1. */
  targetNames?: [string, string] | string[];
  /** Decimal places (default 2, as sklearn). */
  digits?: number;
}

interface ClassStats {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

function f1(p: number, r: number): number {
  const d = p + r;
  return d === 0 ? 0 : (2 * p * r) / d;
}

/**
 * sklearn's `classification_report(y, pred, digits=…, target_names=…)` text, character for
 * character, including its zero-division convention (0). The classes listed are those present in y
 * or pred, like sklearn. Deviation: sklearn raises when target_names has more names than classes
 * present; here names are looked up by label, so a single-class report still uses the right name.
 */
export function classificationReport(y: Uint8Array, pred: Uint8Array, options: ReportOptions = {}): string {
  validatePredictions(y, pred);
  const digits = options.digits ?? 2;
  if (!Number.isInteger(digits) || digits < 0 || digits > 12) {
    throw new EvaluationError(`digits must be an integer in [0, 12], got ${digits}.`);
  }
  const names = options.targetNames;
  if (names !== undefined && names.length !== 2) {
    throw new EvaluationError(`targetNames needs one name per class (2), got ${names.length}.`);
  }
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    if (pred[i] === 1) {
      if (y[i] === 1) tp++;
      else fp++;
    } else if (y[i] === 1) fn++;
  }
  const tn = y.length - tp - fp - fn;
  const present = [tn + fp > 0 || tn + fn > 0, tp + fn > 0 || tp + fp > 0];
  // Class 0 seen as the positive class swaps tp<->tn and fp<->fn.
  const perClass: ClassStats[] = [];
  for (const label of [0, 1]) {
    if (!present[label]) continue;
    const [ctp, cfp, cfn] = label === 1 ? [tp, fp, fn] : [tn, fn, fp];
    const precision = ratio(ctp, ctp + cfp);
    const recall = ratio(ctp, ctp + cfn);
    perClass.push({
      name: names ? names[label] : String(label),
      precision,
      recall,
      f1: f1(precision, recall),
      support: ctp + cfn,
    });
  }

  const heading = 'weighted avg';
  const width = Math.max(...perClass.map((c) => [...c.name].length), heading.length, digits);
  const num = (x: number): string => ' ' + padLeft(pyFixed(x, digits), 9);
  // sklearn quirk: with no correct prediction at all its counts become floats, printed as "282.0".
  const asFloat = tp + tn === 0;
  const int = (x: number): string => ' ' + padLeft(asFloat ? `${x}.0` : String(x), 9);
  const row = (name: string, p: number, r: number, f: number, s: number): string =>
    `${padLeft(name, width)} ${num(p)}${num(r)}${num(f)}${int(s)}\n`;

  let out =
    padLeft('', width) +
    ' ' +
    ['precision', 'recall', 'f1-score', 'support'].map((h) => ' ' + padLeft(h, 9)).join('');
  out += '\n\n';
  for (const c of perClass) out += row(c.name, c.precision, c.recall, c.f1, c.support);
  out += '\n';

  const total = y.length;
  const acc = (tp + tn) / total;
  out += `${padLeft('accuracy', width)} ${' '.repeat(20)}${num(acc)}${int(total)}\n`;
  const k = perClass.length;
  const mean = (pick: (c: ClassStats) => number): number => perClass.reduce((s, c) => s + pick(c), 0) / k;
  out += row(
    'macro avg',
    mean((c) => c.precision),
    mean((c) => c.recall),
    mean((c) => c.f1),
    total,
  );
  const weighted = (pick: (c: ClassStats) => number): number =>
    perClass.reduce((s, c) => s + pick(c) * c.support, 0) / total;
  out += row(
    'weighted avg',
    weighted((c) => c.precision),
    weighted((c) => c.recall),
    weighted((c) => c.f1),
    total,
  );
  return out;
}
