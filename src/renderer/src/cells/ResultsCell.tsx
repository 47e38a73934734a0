import { useMemo, useState } from 'react';
import type { RunEvaluation } from '../../../shared/api';
import { Chart } from '../charts/Chart';
import {
  gainsLayout,
  gainsTraces,
  prLayout,
  prTraces,
  reliabilityLayout,
  reliabilityWithRaw,
  rocLayout,
  rocTraces,
} from '../charts/curves';
import { Cell } from '../components/Cell';
import { SnapshotActions } from '../components/SnapshotActions';
import { Empty, InlineError, Loading } from '../components/Status';
import { confusionAt, rates } from '../lib/confusion';
import { baseMetricNames, formatMetric } from '../lib/metrics';
import { useRun, useRunCurves } from '../queries';
import { useUi } from '../stores/ui';

function MetricCards({ metrics }: { metrics: Record<string, number> }) {
  const names = baseMetricNames(metrics);
  return (
    <ul className="cards" aria-label="Metrics">
      {names.map((m) => (
        <li key={m} className="card" data-metric={m}>
          <span className="card-title">{m}</span>
          <span className="card-value" aria-label={`${m} raw`}>
            {formatMetric(metrics[m], m)}
          </span>
          {`${m}_calibrated` in metrics && (
            <span className="card-sub" aria-label={`${m} calibrated`}>
              calibrated {formatMetric(metrics[`${m}_calibrated`], m)}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

function ConfusionMatrix({ evaluation }: { evaluation: RunEvaluation }) {
  const [threshold, setThreshold] = useState(evaluation.threshold);
  const scores = evaluation.scores;
  const c = useMemo(
    () => (scores ? confusionAt(scores.y, scores.p, threshold) : evaluation.confusion),
    [scores, threshold, evaluation.confusion],
  );
  const r = rates(c);
  return (
    <div className="confusion">
      <h3>Confusion matrix</h3>
      <label className="threshold">
        Threshold{' '}
        <input
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={threshold}
          onChange={(e) => setThreshold(Number(e.target.value))}
          disabled={!scores}
          aria-label="Threshold"
        />{' '}
        <output aria-label="Threshold value">{threshold.toFixed(2)}</output>
      </label>
      {!scores && (
        <p className="muted small">Scores were not stored for this run; showing the chosen threshold only.</p>
      )}
      <p className="muted small">
        Policy {evaluation.threshold_policy}, chosen {evaluation.threshold.toFixed(3)}
      </p>
      <table className="grid matrix" aria-label="Confusion matrix">
        <thead>
          <tr>
            <td />
            <th scope="col">Predicted 0</th>
            <th scope="col">Predicted 1</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Actual 0</th>
            <td data-testid="cm-tn">{c.tn}</td>
            <td data-testid="cm-fp">{c.fp}</td>
          </tr>
          <tr>
            <th scope="row">Actual 1</th>
            <td data-testid="cm-fn">{c.fn}</td>
            <td data-testid="cm-tp">{c.tp}</td>
          </tr>
        </tbody>
      </table>
      <p className="small">
        precision {r.precision.toFixed(3)} · recall {r.recall.toFixed(3)} · F1 {r.f1.toFixed(3)} · accuracy{' '}
        {r.accuracy.toFixed(3)}
      </p>
    </div>
  );
}

function ThresholdTable({ evaluation }: { evaluation: RunEvaluation }) {
  return (
    <details>
      <summary>Threshold table ({evaluation.threshold_table.length} rows)</summary>
      <div className="table-scroll short">
        <table className="grid" aria-label="Threshold table">
          <thead>
            <tr>
              {['threshold', 'precision', 'recall', 'f1', 'mcc', 'cost'].map((h) => (
                <th key={h} scope="col">
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {evaluation.threshold_table.map((row) => (
              <tr
                key={row.threshold}
                className={Math.abs(row.threshold - evaluation.threshold) < 1e-9 ? 'highlight' : undefined}
              >
                <td className="num">{row.threshold.toFixed(3)}</td>
                <td className="num">{row.precision.toFixed(3)}</td>
                <td className="num">{row.recall.toFixed(3)}</td>
                <td className="num">{row.f1.toFixed(3)}</td>
                <td className="num">{row.mcc.toFixed(3)}</td>
                <td className="num">{formatMetric(row.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function Importance({ evaluation }: { evaluation: RunEvaluation }) {
  const top = evaluation.feature_importance.slice(0, 20);
  if (!top.length) return null;
  const data = [
    {
      type: 'bar',
      orientation: 'h',
      name: 'gain',
      x: top.map((f) => f.gain).reverse(),
      y: top.map((f) => f.feature).reverse(),
    },
  ];
  return (
    <Chart
      label="Feature importance (gain)"
      data={data}
      height={Math.max(220, top.length * 22 + 60)}
      layout={{ margin: { l: 20, r: 20, t: 30, b: 40 }, yaxis: { automargin: true } }}
    />
  );
}

export function ResultsCell() {
  const activeRun = useUi((s) => s.activeRun);
  const run = useRun(activeRun);
  const succeeded = run.data?.status === 'succeeded';
  const curves = useRunCurves(activeRun, succeeded);
  const r = run.data;
  const ev = curves.data;
  const named = useMemo(() => (ev && r ? [{ name: r.name, evaluation: ev }] : []), [ev, r]);

  return (
    <Cell
      name="results"
      title="Results"
      actions={r && succeeded ? <SnapshotActions runId={r.run_id} runName={r.name} /> : null}
    >
      {!activeRun && <Empty title="No results yet">Results appear here when a run finishes.</Empty>}
      {r && !succeeded && (
        <Empty
          title={r.status === 'queued' || r.status === 'running' ? `Run is ${r.status}` : `Run ${r.status}`}
        >
          {r.status === 'queued' || r.status === 'running'
            ? 'Results appear when it finishes.'
            : 'This run produced no results.'}
        </Empty>
      )}
      {curves.isError && (
        <InlineError
          what="Could not load the evaluation"
          error={curves.error}
          onRetry={() => void curves.refetch()}
        />
      )}
      {succeeded && r && (
        <>
          <MetricCards metrics={r.metrics} />
          {curves.isLoading && <Loading what="curves" />}
          {curves.isSuccess && !ev && (
            <Empty title="No evaluation stored">This run has metrics but no curves.</Empty>
          )}
          {ev && (
            <>
              <div className="chart-grid">
                <Chart label="ROC curve" data={rocTraces(named)} layout={rocLayout} />
                <Chart label="Precision-recall curve" data={prTraces(named)} layout={prLayout} />
                <Chart
                  label="Reliability diagram"
                  data={reliabilityWithRaw(named[0])}
                  layout={reliabilityLayout}
                />
                <Chart label="Gains and lift" data={gainsTraces(named[0])} layout={gainsLayout} />
              </div>
              <div className="two-col">
                <ConfusionMatrix key={r.run_id} evaluation={ev} />
                <div>
                  <h3>Classification report</h3>
                  <pre className="report" aria-label="Classification report">
                    {ev.report_text}
                  </pre>
                </div>
              </div>
              <ThresholdTable evaluation={ev} />
              <Importance evaluation={ev} />
            </>
          )}
        </>
      )}
    </Cell>
  );
}
