/**
 * What `mlsys data describe` prints and the GUI's data cell shows: rows, class balance, and per
 * column its type, missing share, min / max / mean or top categories.
 */
import type { ColumnSummary, DataPreview, DataSummary } from '../../../shared/api/dto';
import type { Dataset } from './dataset';

export interface DatasetSummary extends DataSummary {
  raw_rows: Record<string, number>;
  /** hubspot: the non-customers' cutoff and how many usage rows the point-in-time cutoff dropped. */
  snapshot_date?: string;
  dropped_after_cutoff?: number;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

export function describeDataset(ds: Dataset, options: { topK?: number } = {}): DatasetSummary {
  const topK = options.topK ?? 5;
  const rows = ds.y.length;
  const positives = ds.y.reduce((a, v) => a + v, 0);
  const columns: ColumnSummary[] = [
    { name: 'id', type: 'id', missing: 0, missing_pct: 0, distinct: new Set(ds.ids).size },
    { name: 'label', type: 'target', missing: 0, missing_pct: 0, min: 0, max: 1, mean: rows ? round(positives / rows, 6) : 0 },
  ];
  for (const c of ds.table.columns) {
    if (c.kind === 'numeric') {
      let missing = 0;
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (const v of c.values) {
        if (Number.isNaN(v)) missing++;
        else {
          if (v < min) min = v;
          if (v > max) max = v;
          sum += v;
        }
      }
      const n = rows - missing;
      columns.push({
        name: c.name,
        type: 'number',
        missing,
        missing_pct: rows ? round((100 * missing) / rows, 2) : 0,
        ...(n > 0 ? { min, max, mean: round(sum / n) } : {}),
      });
    } else {
      const counts = new Map<string, number>();
      let missing = 0;
      for (const v of c.values) {
        if (v === null) missing++;
        else counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      const top = [...counts.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, topK)
        .map(([value, count]) => ({ value, count }));
      columns.push({
        name: c.name,
        type: 'category',
        missing,
        missing_pct: rows ? round((100 * missing) / rows, 2) : 0,
        distinct: counts.size,
        top,
      });
    }
  }
  return {
    source: ds.source,
    files: ds.files,
    rows,
    positives,
    negatives: rows - positives,
    positive_rate: rows ? round(positives / rows, 6) : 0,
    columns,
    warnings: ds.warnings,
    fingerprint: ds.fingerprint,
    raw_rows: ds.rawRows,
    ...(ds.snapshotDate !== undefined ? { snapshot_date: ds.snapshotDate } : {}),
    ...(ds.droppedAfterCutoff !== undefined ? { dropped_after_cutoff: ds.droppedAfterCutoff } : {}),
  };
}

/** The first `n` rows: id, label, then the raw feature columns (NaN as null). */
export function previewRows(ds: Dataset, n: number): DataPreview {
  const k = Math.max(0, Math.min(n, ds.y.length));
  const rows: (string | number | null)[][] = [];
  for (let i = 0; i < k; i++) {
    const r: (string | number | null)[] = [ds.ids[i], ds.y[i]];
    for (const c of ds.table.columns) {
      const v = c.values[i];
      r.push(typeof v === 'number' && Number.isNaN(v) ? null : v);
    }
    rows.push(r);
  }
  return { columns: ['id', 'label', ...ds.table.columns.map((c) => c.name)], rows, total_rows: ds.y.length };
}

/** Plain-text rendering of a summary for the terminal. */
export function formatSummary(s: DatasetSummary): string {
  const lines: string[] = [];
  lines.push(`source        ${s.source}`);
  for (const f of s.files) lines.push(`file          ${f}`);
  lines.push(`raw rows      ${Object.entries(s.raw_rows).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`rows          ${s.rows}`);
  lines.push(
    `class balance ${s.positives} positive (${(100 * s.positive_rate).toFixed(2)} %), ${s.negatives} negative`,
  );
  if (s.snapshot_date) lines.push(`snapshot      ${s.snapshot_date}`);
  if (s.dropped_after_cutoff !== undefined) lines.push(`cutoff        dropped ${s.dropped_after_cutoff} usage rows after the cutoff`);
  lines.push(`fingerprint   ${s.fingerprint}`);
  lines.push('');
  const name = Math.max(6, ...s.columns.map((c) => c.name.length));
  lines.push(`${'column'.padEnd(name)}  type      missing  summary`);
  const num = (x: number | undefined) =>
    x === undefined ? '-' : Math.abs(x) >= 1e6 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(3) : String(round(x, 3));
  for (const c of s.columns) {
    let summary: string;
    if (c.type === 'category') {
      summary = `${c.distinct} distinct; top ${(c.top ?? []).map((t) => `${t.value} (${t.count})`).join(', ')}`;
    } else if (c.type === 'id') summary = `${c.distinct} distinct`;
    else summary = `min ${num(c.min)}  max ${num(c.max)}  mean ${num(c.mean)}`;
    lines.push(`${c.name.padEnd(name)}  ${c.type.padEnd(8)}  ${`${c.missing_pct.toFixed(1)} %`.padStart(7)}  ${summary}`);
  }
  if (s.warnings.length) {
    lines.push('');
    for (const w of s.warnings) lines.push(`warning: ${w}`);
  }
  return lines.join('\n');
}
