import { useEffect, useRef } from 'react';
import Plotly from 'plotly.js-dist-min';
import type { ChartProps } from './types';

const CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ['lasso2d', 'select2d'] };

/** The only place that touches Plotly: `react` on every prop change, `purge` on unmount. */
export default function PlotlyChart({ data, layout, height = 300 }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current!;
    void Plotly.react(el, data, { height, margin: { l: 50, r: 20, t: 30, b: 45 }, ...layout }, CONFIG);
  }, [data, layout, height]);
  useEffect(() => {
    const el = ref.current!;
    return () => Plotly.purge(el);
  }, []);
  return <div ref={ref} className="plot" style={{ minHeight: height }} />;
}
