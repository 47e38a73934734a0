/** Split scoring (XGBoost's formulas) and the best-split search over one node's histogram. */

export interface SplitParams {
  lambda: number;
  alpha: number;
  gamma: number;
  minChildWeight: number;
}

export interface Split {
  feature: number;
  /** Left takes value bins 1..bin (i.e. v < cuts[feature][bin - 1]). */
  bin: number;
  defaultLeft: boolean;
  gain: number;
  gl: number;
  hl: number;
  gr: number;
  hr: number;
}

/** XGBoost's kRtEps: splits must improve the loss by more than this. */
const MIN_GAIN = 1e-6;

function thresholdL1(g: number, alpha: number): number {
  if (g > alpha) return g - alpha;
  if (g < -alpha) return g + alpha;
  return 0;
}

export function nodeGain(g: number, h: number, p: SplitParams): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  const t = thresholdL1(g, p.alpha);
  return (t * t) / (h + p.lambda);
}

/** Optimal leaf weight (before the learning rate). */
export function leafWeight(g: number, h: number, p: SplitParams): number {
  if (h < p.minChildWeight || h <= 0) return 0;
  return -thresholdL1(g, p.alpha) / (h + p.lambda);
}

/**
 * Best split of a node over the allowed features: each boundary between value bins, with missing
 * values sent right and (when the node has missing values for the feature) left. Ties keep the first
 * candidate found (lower feature, lower bin, missing right). Returns null when no split beats gamma.
 */
export function findBestSplit(
  hist: Float64Array,
  hb: number,
  offsets: Int32Array,
  binCount: Int32Array,
  features: Int32Array,
  g: number,
  h: number,
  p: SplitParams,
): Split | null {
  const parentGain = nodeGain(g, h, p);
  const mcw = p.minChildWeight;
  let best: Split | null = null;
  let bestGain = Math.max(MIN_GAIN, p.gamma);
  let found = false;
  let bf = 0;
  let bb = 0;
  let bdl = false;
  let bgl = 0;
  let bhl = 0;
  for (let fi = 0; fi < features.length; fi++) {
    const f = features[fi];
    const base = hb + (offsets[f] << 1);
    const gm = hist[base];
    const hm = hist[base + 1];
    const hasMissing = hm !== 0 || gm !== 0;
    const last = binCount[f] - 2;
    let gl = 0;
    let hl = 0;
    for (let s = 1; s <= last; s++) {
      const bg = hist[base + 2 * s];
      const bh = hist[base + 2 * s + 1];
      // an empty bin repeats the previous partition, whose gain was already seen
      if (bg === 0 && bh === 0 && s > 1) continue;
      gl += bg;
      hl += bh;
      let hr = h - hl;
      // hl only grows: no later boundary (either default direction) leaves min_child_weight right
      if (hr < mcw) break;
      if (hl >= mcw) {
        const gain = nodeGain(gl, hl, p) + nodeGain(g - gl, hr, p) - parentGain;
        if (gain > bestGain) {
          bestGain = gain;
          found = true;
          bf = f;
          bb = s;
          bdl = false;
          bgl = gl;
          bhl = hl;
        }
      }
      if (hasMissing) {
        const gl2 = gl + gm;
        const hl2 = hl + hm;
        hr = h - hl2;
        if (hl2 >= mcw && hr >= mcw) {
          const gain = nodeGain(gl2, hl2, p) + nodeGain(g - gl2, hr, p) - parentGain;
          if (gain > bestGain) {
            bestGain = gain;
            found = true;
            bf = f;
            bb = s;
            bdl = true;
            bgl = gl2;
            bhl = hl2;
          }
        }
      }
    }
  }
  if (found) {
    best = {
      feature: bf,
      bin: bb,
      defaultLeft: bdl,
      gain: bestGain,
      gl: bgl,
      hl: bhl,
      gr: g - bgl,
      hr: h - bhl,
    };
  }
  return best;
}
