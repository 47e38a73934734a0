import type { RunSummary } from '../../../shared/api';
import { formatDate, formatDuration } from '../lib/format';
import { formatMetric } from '../lib/metrics';
import { runValue } from '../lib/run-filter';

export interface Column {
  key: string;
  label: string;
  width: number;
  numeric?: boolean;
  render(run: RunSummary): string;
}

const base: Record<string, Column> = {
  name: { key: 'name', label: 'Name', width: 190, render: (r) => r.name },
  status: { key: 'status', label: 'Status', width: 100, render: (r) => r.status },
  experiment: { key: 'experiment', label: 'Experiment', width: 120, render: (r) => r.experiment },
  algorithm: { key: 'algorithm', label: 'Algorithm', width: 90, render: (r) => r.algorithm },
  created_at: { key: 'created_at', label: 'Created', width: 160, render: (r) => formatDate(r.created_at) },
  duration_s: {
    key: 'duration_s',
    label: 'Duration',
    width: 90,
    numeric: true,
    render: (r) => formatDuration(r.duration_s),
  },
  model_version: {
    key: 'model_version',
    label: 'Version',
    width: 80,
    numeric: true,
    render: (r) => (r.model_version === null ? '' : `v${r.model_version}${r.is_champion ? ' ★' : ''}`),
  },
};

export function columnFor(key: string): Column {
  if (base[key]) return base[key];
  const isMetric = key.startsWith('metrics.');
  const label = key.replace(/^(metrics|params)\./, '');
  return {
    key,
    label,
    width: isMetric ? 115 : 150,
    numeric: isMetric,
    render: (r) => {
      const v = runValue(r, key);
      if (v === undefined || v === null) return '';
      return typeof v === 'number' ? formatMetric(v, isMetric ? label : undefined) : String(v);
    },
  };
}

export const BASE_COLUMN_KEYS = Object.keys(base);

export function defaultColumns(primaryMetric: string | undefined, metricKeys: string[]): string[] {
  const preferred = [primaryMetric, 'roc_auc', 'pr_auc', 'log_loss'].filter((m): m is string => !!m);
  const metrics = [...new Set(preferred)].filter((m) => metricKeys.includes(m)).slice(0, 4);
  return [
    'name',
    'status',
    'experiment',
    'algorithm',
    'created_at',
    'duration_s',
    'model_version',
    ...metrics.map((m) => `metrics.${m}`),
  ];
}
