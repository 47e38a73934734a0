/**
 * Probability calibration fitted on held-out predictions, matching scikit-learn 1.2:
 *
 * - 'isotonic': `IsotonicRegression(out_of_bounds='clip')` fitted on the model's probabilities —
 *   ties in the input are pooled to their mean (sklearn's `_make_unique`), pool-adjacent-violators,
 *   redundant thresholds trimmed, linear interpolation between thresholds, inputs clipped to the
 *   fitted range.
 * - 'sigmoid': Platt scaling as `_SigmoidCalibration`, with Platt's smoothed targets
 *   (N₊+1)/(N₊+2) and 1/(N₋+2). It is fitted on the *logit* of the model's probability,
 *   f = log(p / (1 − p)) with p clipped to [1e-15, 1 − 1e-15], because that is the raw score
 *   (`decision_function`) sklearn's `CalibratedClassifierCV(method='sigmoid')` uses for boosted trees
 *   and logistic models. Calibrated probability = 1 / (1 + exp(A·f + B)).
 *
 * Both calibrators take and return probabilities, so callers never deal with raw scores.
 */

export type CalibratorKind = 'isotonic' | 'sigmoid';

export interface IsotonicCalibratorJSON {
  kind: 'isotonic';
  format_version: 1;
  x_thresholds: number[];
  y_thresholds: number[];
  x_min: number;
  x_max: number;
}

export interface SigmoidCalibratorJSON {
  kind: 'sigmoid';
  format_version: 1;
  /** What the linear map is applied to; always the logit of the model's probability. */
  input: 'logit';
  a: number;
  b: number;
}

export type CalibratorJSON = IsotonicCalibratorJSON | SigmoidCalibratorJSON;

export interface Calibrator {
  readonly kind: CalibratorKind;
  /** Calibrated probability for one model probability (NaN stays NaN). */
  apply(p: number): number;
  applyAll(p: Float64Array): Float64Array;
  toJSON(): CalibratorJSON;
}

const LOGIT_EPS = 1e-15;
/** numpy.finfo(float64).resolution: sklearn's tolerance for "the same input value". */
const TIE_EPS = 1e-15;

function applyAll(this: Calibrator, p: Float64Array): Float64Array {
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = this.apply(p[i]);
  return out;
}

// ---------------------------------------------------------------- isotonic

/** sklearn's `_inplace_contiguous_isotonic_regression` (increasing), ported line for line. */
function pav(y: Float64Array, w: Float64Array): void {
  const n = y.length;
  const target = new Int32Array(n);
  for (let i = 0; i < n; i++) target[i] = i;
  let i = 0;
  while (i < n) {
    let k = target[i] + 1;
    if (k === n) break;
    if (y[i] < y[k]) {
      i = k;
      continue;
    }
    let sumWy = w[i] * y[i];
    let sumW = w[i];
    while (true) {
      const prevY = y[k];
      sumWy += w[k] * y[k];
      sumW += w[k];
      k = target[k] + 1;
      if (k === n || prevY < y[k]) {
        y[i] = sumWy / sumW;
        w[i] = sumW;
        target[i] = k - 1;
        target[k - 1] = i;
        if (i > 0) i = target[i - 1];
        break;
      }
    }
  }
  i = 0;
  while (i < n) {
    const k = target[i] + 1;
    y.fill(y[i], i + 1, k);
    i = k;
  }
}

class IsotonicCalibrator implements Calibrator {
  readonly kind = 'isotonic' as const;
  applyAll = applyAll;

  constructor(
    private readonly xs: Float64Array,
    private readonly ys: Float64Array,
    private readonly xMin: number,
    private readonly xMax: number,
  ) {}

  apply(p: number): number {
    const { xs, ys } = this;
    if (Number.isNaN(p)) return NaN;
    const x = Math.min(this.xMax, Math.max(this.xMin, p));
    const n = xs.length;
    if (n === 1) return ys[0];
    // scipy interp1d(kind='linear'): searchsorted(left), clipped to [1, n-1]
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (xs[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    const j = Math.min(n - 1, Math.max(1, lo));
    const slope = (ys[j] - ys[j - 1]) / (xs[j] - xs[j - 1]);
    return slope * (x - xs[j - 1]) + ys[j - 1];
  }

  toJSON(): IsotonicCalibratorJSON {
    return {
      kind: 'isotonic',
      format_version: 1,
      x_thresholds: Array.from(this.xs),
      y_thresholds: Array.from(this.ys),
      x_min: this.xMin,
      x_max: this.xMax,
    };
  }
}

function fitIsotonic(scores: Float64Array, y: Uint8Array): IsotonicCalibrator {
  const n = scores.length;
  const order = Array.from({ length: n }, (_, i) => i);
  // np.lexsort((y, X)): by X, then by y (stable)
  order.sort((a, b) => scores[a] - scores[b] || y[a] - y[b] || a - b);

  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  let curX = scores[order[0]];
  let sumY = 0;
  let sumW = 0;
  for (const i of order) {
    const x = scores[i];
    if (x - curX >= TIE_EPS) {
      ux.push(curX);
      uy.push(sumY / sumW);
      uw.push(sumW);
      curX = x;
      sumY = 0;
      sumW = 0;
    }
    sumY += y[i];
    sumW += 1;
  }
  ux.push(curX);
  uy.push(sumY / sumW);
  uw.push(sumW);

  const fitted = Float64Array.from(uy);
  pav(fitted, Float64Array.from(uw));

  // drop interior points whose value equals both neighbours
  const xs: number[] = [];
  const ys: number[] = [];
  const m = fitted.length;
  for (let i = 0; i < m; i++) {
    const interior = i > 0 && i < m - 1;
    if (!interior || fitted[i] !== fitted[i - 1] || fitted[i] !== fitted[i + 1]) {
      xs.push(ux[i]);
      ys.push(fitted[i]);
    }
  }
  return new IsotonicCalibrator(Float64Array.from(xs), Float64Array.from(ys), ux[0], ux[m - 1]);
}

// ---------------------------------------------------------------- sigmoid (Platt)

export function logit(p: number): number {
  const q = Math.min(1 - LOGIT_EPS, Math.max(LOGIT_EPS, p));
  return Math.log(q / (1 - q));
}

class SigmoidCalibrator implements Calibrator {
  readonly kind = 'sigmoid' as const;
  applyAll = applyAll;

  constructor(
    readonly a: number,
    readonly b: number,
  ) {}

  apply(p: number): number {
    if (Number.isNaN(p)) return NaN;
    return 1 / (1 + Math.exp(this.a * logit(p) + this.b));
  }

  toJSON(): SigmoidCalibratorJSON {
    return { kind: 'sigmoid', format_version: 1, input: 'logit', a: this.a, b: this.b };
  }
}

/** log(1 + e^t) without overflow. */
function log1pExp(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/**
 * Minimises Platt's smoothed cross-entropy Σ T·(A f + B) + log(1 + e^{−(A f + B)}) over (A, B) with
 * Newton's method and backtracking (Lin, Lin & Weng 2007). The problem is convex in two variables,
 * so this converges to the exact optimum that sklearn's BFGS approaches.
 */
function fitPlatt(f: Float64Array, y: Uint8Array): { a: number; b: number } {
  const n = f.length;
  let prior1 = 0;
  for (let i = 0; i < n; i++) prior1 += y[i] > 0 ? 1 : 0;
  const prior0 = n - prior1;
  const hiT = (prior1 + 1) / (prior1 + 2);
  const loT = 1 / (prior0 + 2);
  const t = (i: number): number => (y[i] > 0 ? hiT : loT);

  // P = expit(−(A f + B)); loss = −[T log P + (1 − T) log(1 − P)]
  const objective = (a: number, b: number): number => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const z = a * f[i] + b;
      s += t(i) * z + log1pExp(-z);
    }
    return s;
  };

  let a = 0;
  let b = Math.log((prior0 + 1) / (prior1 + 1));
  let fval = objective(a, b);
  for (let iter = 0; iter < 200; iter++) {
    let ga = 0;
    let gb = 0;
    let haa = 1e-12;
    let hab = 0;
    let hbb = 1e-12;
    for (let i = 0; i < n; i++) {
      const z = a * f[i] + b;
      const p = 1 / (1 + Math.exp(z)); // expit(−z)
      const d = t(i) - p; // ∂loss/∂z
      const h = p * (1 - p);
      ga += d * f[i];
      gb += d;
      haa += h * f[i] * f[i];
      hab += h * f[i];
      hbb += h;
    }
    if (Math.abs(ga) < 1e-12 * n && Math.abs(gb) < 1e-12 * n) break;
    const det = haa * hbb - hab * hab;
    const da = -(hbb * ga - hab * gb) / det;
    const db = -(-hab * ga + haa * gb) / det;
    let step = 1;
    let improved = false;
    while (step >= 1e-10) {
      const na = a + step * da;
      const nb = b + step * db;
      const nval = objective(na, nb);
      if (nval < fval + 1e-4 * step * (ga * da + gb * db)) {
        a = na;
        b = nb;
        fval = nval;
        improved = true;
        break;
      }
      step /= 2;
    }
    if (!improved) break;
  }
  return { a, b };
}

// ---------------------------------------------------------------- public API

function checkInputs(kind: CalibratorKind, scores: Float64Array, y: Uint8Array): void {
  if (scores.length !== y.length)
    throw new Error(`calibration: ${scores.length} scores for ${y.length} labels`);
  if (scores.length === 0) throw new Error('calibration: no data to fit on');
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) throw new Error(`calibration: score ${s} at index ${i} is not finite`);
    if (kind === 'sigmoid' && (s < 0 || s > 1)) {
      throw new Error(`calibration: score ${s} at index ${i} is not a probability`);
    }
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`calibration: label ${y[i]} at index ${i} is not 0 or 1`);
  }
}

/**
 * Fits a calibrator on held-out model probabilities `scores` (in [0, 1]) and 0/1 labels `y`.
 * Fit it on data the model was not trained on (a calibration split or out-of-fold predictions).
 */
export function fitCalibrator(kind: CalibratorKind, scores: Float64Array, y: Uint8Array): Calibrator {
  checkInputs(kind, scores, y);
  if (kind === 'isotonic') return fitIsotonic(scores, y);
  if (kind === 'sigmoid') {
    const f = new Float64Array(scores.length);
    for (let i = 0; i < f.length; i++) f[i] = logit(scores[i]);
    const { a, b } = fitPlatt(f, y);
    return new SigmoidCalibrator(a, b);
  }
  throw new Error(`calibration: unknown method '${String(kind)}'`);
}

function finiteArray(v: unknown, name: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw new Error(`calibrator JSON: '${name}' must be an array of finite numbers`);
  }
  return v as number[];
}

function finiteNumber(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Error(`calibrator JSON: '${name}' must be a finite number`);
  return v;
}

export function calibratorFromJSON(json: unknown): Calibrator {
  if (typeof json !== 'object' || json === null) throw new Error('calibrator JSON: not an object');
  const j = json as Record<string, unknown>;
  if (j.format_version !== 1)
    throw new Error(`calibrator JSON: unsupported format_version ${String(j.format_version)}`);
  if (j.kind === 'isotonic') {
    const xs = finiteArray(j.x_thresholds, 'x_thresholds');
    const ys = finiteArray(j.y_thresholds, 'y_thresholds');
    if (xs.length === 0 || xs.length !== ys.length)
      throw new Error('calibrator JSON: threshold arrays differ in length');
    for (let i = 1; i < xs.length; i++) {
      if (!(xs[i] > xs[i - 1]) || ys[i] < ys[i - 1])
        throw new Error('calibrator JSON: thresholds are not increasing');
    }
    return new IsotonicCalibrator(
      Float64Array.from(xs),
      Float64Array.from(ys),
      finiteNumber(j.x_min, 'x_min'),
      finiteNumber(j.x_max, 'x_max'),
    );
  }
  if (j.kind === 'sigmoid') {
    if (j.input !== 'logit')
      throw new Error(`calibrator JSON: unsupported sigmoid input '${String(j.input)}'`);
    return new SigmoidCalibrator(finiteNumber(j.a, 'a'), finiteNumber(j.b, 'b'));
  }
  throw new Error(`calibrator JSON: unknown kind '${String(j.kind)}'`);
}
