export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

/** Confusion counts at a threshold (predicted positive when p ≥ t), from labels and probabilities. */
export function confusionAt(y: number[], p: number[], t: number): Confusion {
  const c = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < y.length; i++) {
    const pos = p[i] >= t;
    if (pos) {
      if (y[i] === 1) c.tp++;
      else c.fp++;
    } else if (y[i] === 1) c.fn++;
    else c.tn++;
  }
  return c;
}

export function rates(c: Confusion) {
  const div = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = div(c.tp, c.tp + c.fp);
  const recall = div(c.tp, c.tp + c.fn);
  return {
    precision,
    recall,
    f1: div(2 * precision * recall, precision + recall),
    accuracy: div(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn),
  };
}
