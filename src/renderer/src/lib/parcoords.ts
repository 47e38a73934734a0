import type { RunSummary } from '../../../shared/api';

export interface Dimension {
  label: string;
  values: number[];
  tickvals?: number[];
  ticktext?: string[];
}

/**
 * Parallel-coordinates dimensions: every param that varies across the runs (numbers as they are,
 * anything else as category codes with tick labels), then the primary metric.
 */
export function parcoordsDimensions(runs: RunSummary[], metric: string, maxParams = 12): Dimension[] {
  const keys = new Set(runs.flatMap((r) => Object.keys(r.params)));
  const dims: Dimension[] = [];
  for (const key of [...keys].sort()) {
    const raw = runs.map((r) => r.params[key] ?? null);
    if (raw.every((v) => JSON.stringify(v) === JSON.stringify(raw[0]))) continue;
    if (raw.every((v) => typeof v === 'number')) {
      dims.push({ label: key, values: raw as number[] });
    } else {
      const cats = [...new Set(raw.map((v) => String(v)))].sort();
      dims.push({
        label: key,
        values: raw.map((v) => cats.indexOf(String(v))),
        tickvals: cats.map((_, i) => i),
        ticktext: cats,
      });
    }
    if (dims.length >= maxParams) break;
  }
  dims.push({ label: metric, values: runs.map((r) => r.metrics[metric] ?? NaN) });
  return shortenLabels(dims);
}

/** Axis labels: the last path segment, or the last two where the last one alone is ambiguous. */
function shortenLabels(dims: Dimension[]): Dimension[] {
  const last = (l: string) => l.split('.').slice(-1)[0];
  const counts = new Map<string, number>();
  for (const d of dims) counts.set(last(d.label), (counts.get(last(d.label)) ?? 0) + 1);
  return dims.map((d) => ({
    ...d,
    label: counts.get(last(d.label))! > 1 ? d.label.split('.').slice(-2).join('.') : last(d.label),
  }));
}
