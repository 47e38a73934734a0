import type { MetricPoint, RunProgress } from '../../../shared/api';

export interface Series {
  name: string;
  x: number[];
  y: number[];
}

const FIELDS = ['train_loss', 'valid_loss', 'train_auc', 'valid_auc'] as const;
export type LiveField = (typeof FIELDS)[number];

/**
 * Loss/AUC series by iteration: the live progress points while training, else the stored history
 * (`runs.metrics`) once finished or after a reload. Repeated iterations keep the latest value.
 */
export function liveSeries(
  points: RunProgress[],
  history: Record<string, MetricPoint[]> | undefined,
): Record<LiveField, Series> {
  const out = {} as Record<LiveField, Series>;
  for (const f of FIELDS) {
    const byStep = new Map<number, number>();
    for (const p of points) {
      const v = p[f];
      if (typeof v === 'number' && typeof p.iteration === 'number') byStep.set(p.iteration, v);
    }
    if (byStep.size === 0) for (const h of history?.[f] ?? []) byStep.set(h.step, h.value);
    const steps = [...byStep.keys()].sort((a, b) => a - b);
    out[f] = { name: f.replace('_', ' '), x: steps, y: steps.map((s) => byStep.get(s)!) };
  }
  return out;
}
