import type { RunEvaluation } from '../../../shared/api';

export interface NamedEvaluation {
  name: string;
  evaluation: RunEvaluation;
}

type Trace = Record<string, unknown>;

const line = (name: string, x: number[], y: number[], extra: Trace = {}): Trace => ({
  type: 'scatter',
  mode: 'lines',
  name,
  x,
  y,
  ...extra,
});

const diagonal = (name: string): Trace =>
  line(name, [0, 1], [0, 1], { line: { dash: 'dot', color: '#9aa5b1' }, hoverinfo: 'skip' });

export function rocTraces(evals: NamedEvaluation[]): Trace[] {
  return [...evals.map((e) => line(e.name, e.evaluation.roc.x, e.evaluation.roc.y)), diagonal('chance')];
}

export function prTraces(evals: NamedEvaluation[]): Trace[] {
  return evals.map((e) => line(e.name, e.evaluation.pr.x, e.evaluation.pr.y));
}

export function reliabilityTraces(evals: NamedEvaluation[]): Trace[] {
  return [
    ...evals.map((e) =>
      line(e.name, e.evaluation.reliability.mean_predicted, e.evaluation.reliability.fraction_positive, {
        mode: 'lines+markers',
      }),
    ),
    diagonal('perfectly calibrated'),
  ];
}

/** One run's reliability, calibrated and (when a calibrator was fitted) before calibration. */
export function reliabilityWithRaw(e: NamedEvaluation): Trace[] {
  const raw = e.evaluation.reliability_raw;
  const traces = reliabilityTraces([{ ...e, name: raw ? 'calibrated' : e.name }]);
  if (raw)
    traces.splice(
      1,
      0,
      line('uncalibrated', raw.mean_predicted, raw.fraction_positive, {
        mode: 'lines+markers',
        line: { dash: 'dash' },
      }),
    );
  return traces;
}

export function gainsTraces(e: NamedEvaluation): Trace[] {
  const g = e.evaluation.gains;
  return [
    line('cumulative gain', g.group, g.cumulative_gain, { mode: 'lines+markers' }),
    { type: 'bar', name: 'lift', x: g.group, y: g.lift, yaxis: 'y2', opacity: 0.4 },
  ];
}

export const rocLayout = {
  xaxis: { title: { text: 'false positive rate' }, range: [0, 1] },
  yaxis: { title: { text: 'true positive rate' }, range: [0, 1] },
};
export const prLayout = {
  xaxis: { title: { text: 'recall' }, range: [0, 1] },
  yaxis: { title: { text: 'precision' }, range: [0, 1] },
};
export const reliabilityLayout = {
  xaxis: { title: { text: 'mean predicted probability' }, range: [0, 1] },
  yaxis: { title: { text: 'fraction positive' }, range: [0, 1] },
};
export const gainsLayout = {
  xaxis: { title: { text: 'decile' } },
  yaxis: { title: { text: 'cumulative gain' }, range: [0, 1] },
  yaxis2: { title: { text: 'lift' }, overlaying: 'y', side: 'right' },
  legend: { orientation: 'h' },
  margin: { l: 50, r: 50, t: 30, b: 45 },
};
