import { formatMetricNumber } from '../../shared/util/metric-format';

/** Prints metrics as a table with raw and calibrated columns side by side. */
export function formatMetricsTable(metrics: Record<string, number>): string {
  const names = Object.keys(metrics)
    .filter((k) => !k.endsWith('_calibrated'))
    .sort();
  const hasCal = Object.keys(metrics).some((k) => k.endsWith('_calibrated'));
  const rows = names.map((n) => [n, fmt(metrics[n], n), hasCal ? fmt(metrics[`${n}_calibrated`], n) : '']);
  const header = ['metric', 'raw', hasCal ? 'calibrated' : ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function fmt(v: number | undefined, name: string): string {
  return v === undefined ? '' : formatMetricNumber(v, name);
}
