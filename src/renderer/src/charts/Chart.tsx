import { lazy, Suspense } from 'react';
import { ErrorBoundary } from '../components/ErrorBoundary';
import type { ChartProps } from './types';

// Plotly is ~3 MB: loaded on the first chart, never before the first paint.
const PlotlyChart = lazy(() => import('./PlotlyChart'));

export interface FigureProps extends ChartProps {
  /** Accessible name of the chart, e.g. "ROC curve". */
  label: string;
}

/** A chart with an accessible name; `data-traces` lists the trace names (tests and screen readers). */
export function Chart({ label, data, layout, height = 300 }: FigureProps) {
  const names = data.map((d) => String(d.name ?? '')).join('|');
  return (
    <figure
      className="chart"
      role="img"
      aria-label={label}
      data-traces={names}
      data-trace-count={data.length}
    >
      <ErrorBoundary label={label}>
        <Suspense
          fallback={
            <div className="chart-loading" style={{ height }}>
              Loading chart…
            </div>
          }
        >
          <PlotlyChart
            data={data}
            layout={{ title: { text: label, font: { size: 13 } }, ...layout }}
            height={height}
          />
        </Suspense>
      </ErrorBoundary>
    </figure>
  );
}
