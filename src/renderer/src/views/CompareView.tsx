import { useMemo } from 'react';
import type { RunDetail, RunEvaluation } from '../../../shared/api';
import { Chart } from '../charts/Chart';
import {
  prLayout,
  prTraces,
  reliabilityLayout,
  reliabilityTraces,
  rocLayout,
  rocTraces,
} from '../charts/curves';
import { Empty, InlineError, Loading, StatusBadge } from '../components/Status';
import { diffConfigs } from '../lib/config-diff';
import { bestIndex, formatDelta, formatMetric, lowerIsBetter } from '../lib/metrics';
import { parcoordsDimensions } from '../lib/parcoords';
import { useAppInfo, useRunsDetails } from '../queries';
import { useUi } from '../stores/ui';

function MetricsTable({ runs, baseline }: { runs: RunDetail[]; baseline: number }) {
  const names = useMemo(() => [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort(), [runs]);
  if (!names.length) return <Empty title="No metrics">None of these runs has finished with metrics.</Empty>;
  return (
    <div className="table-scroll">
      <table className="grid compare-metrics" aria-label="Metrics comparison">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            {runs.map((r, i) => (
              <th scope="col" key={r.run_id}>
                {r.name}
                {i === baseline && <span className="badge baseline">baseline</span>}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((m) => {
            const values = runs.map((r) => r.metrics[m]);
            const best = bestIndex(m, values);
            const base = values[baseline];
            return (
              <tr key={m} data-metric={m}>
                <th scope="row">
                  {m} <span className="muted small">{lowerIsBetter(m) ? '↓' : '↑'}</span>
                </th>
                {values.map((v, i) => (
                  <td
                    key={runs[i].run_id}
                    className={i === best ? 'num best' : 'num'}
                    aria-label={i === best ? `${formatMetric(v, m)} (best)` : undefined}
                  >
                    {formatMetric(v, m)}
                    {i !== baseline && v !== undefined && base !== undefined && (
                      <span
                        className={`delta ${(v - base) * (lowerIsBetter(m) ? -1 : 1) > 0 ? 'up' : v === base ? '' : 'down'}`}
                      >
                        {formatDelta(v - base)}
                      </span>
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function ConfigDiff({ runs }: { runs: RunDetail[] }) {
  const diff = useMemo(() => diffConfigs(runs.map((r) => r.config_yaml)), [runs]);
  if (!diff.paths.length)
    return <Empty title="Identical configs">These runs used the same resolved config.</Empty>;
  return (
    <>
      <p className="muted small">
        {diff.paths.length} changed key{diff.paths.length > 1 ? 's' : ''}: {diff.paths.join(', ')}
      </p>
      <div className="diff-grid" style={{ gridTemplateColumns: `repeat(${runs.length}, minmax(0, 1fr))` }}>
        {runs.map((r, i) => (
          <figure key={r.run_id} className="diff-col">
            <figcaption>{r.name}</figcaption>
            <pre aria-label={`Changed config of ${r.name}`} data-testid="config-diff">
              {diff.yaml[i]}
            </pre>
          </figure>
        ))}
      </div>
    </>
  );
}

export function CompareView() {
  const selected = useUi((s) => s.selectedRuns);
  const baselineId = useUi((s) => s.baseline);
  const setBaseline = useUi((s) => s.setBaseline);
  const toggleRun = useUi((s) => s.toggleRun);
  const setView = useUi((s) => s.setView);
  const info = useAppInfo();
  const { details, curves } = useRunsDetails(selected);
  const primary = info.data?.primaryMetric ?? 'roc_auc';

  const runs = details.map((d) => d.data).filter((d): d is RunDetail => !!d);
  const loaded = runs.length === selected.length;
  const baseline = Math.max(0, baselineId ? selected.indexOf(baselineId) : 0);
  const named = selected
    .map((id, i) => ({ name: details[i].data?.name ?? id, evaluation: curves[i].data }))
    .filter((e): e is { name: string; evaluation: RunEvaluation } => !!e.evaluation);
  const dims = useMemo(() => (loaded ? parcoordsDimensions(runs, primary) : []), [loaded, runs, primary]);

  if (selected.length < 2) {
    return (
      <section className="view" aria-labelledby="compare-title" data-view="compare">
        <h2 id="compare-title">Compare</h2>
        <Empty title="Select at least two runs">
          Tick runs in the Runs view, then press Compare.{' '}
          <button type="button" className="link" onClick={() => setView('runs')}>
            Go to Runs
          </button>
        </Empty>
      </section>
    );
  }

  const failed = details.find((d) => d.isError);
  return (
    <section className="view" aria-labelledby="compare-title" data-view="compare">
      <header className="view-header">
        <h2 id="compare-title">Compare {selected.length} runs</h2>
        <span className="spacer" />
        <label>
          Baseline{' '}
          <select
            aria-label="Baseline run"
            value={selected[baseline]}
            onChange={(e) => setBaseline(e.target.value)}
          >
            {selected.map((id, i) => (
              <option key={id} value={id}>
                {details[i].data?.name ?? id}
              </option>
            ))}
          </select>
        </label>
      </header>
      {failed && (
        <InlineError what="Could not load a run" error={failed.error} onRetry={() => void failed.refetch()} />
      )}
      <ul className="chips" aria-label="Compared runs">
        {selected.map((id, i) => (
          <li key={id}>
            {details[i].data?.name ?? id} <code className="muted">{id}</code>{' '}
            {details[i].data && <StatusBadge status={details[i].data!.status} />}
            <button
              type="button"
              className="remove"
              aria-label={`Remove ${details[i].data?.name ?? id} from comparison`}
              onClick={() => toggleRun(id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {!loaded && !failed && <Loading what="runs" />}
      {loaded && (
        <>
          <h3>Metrics</h3>
          <MetricsTable runs={runs} baseline={baseline} />
          <h3>Config diff</h3>
          <ConfigDiff runs={runs} />
          <h3>Curves</h3>
          {named.length === 0 ? (
            <Empty title="No curves">None of the selected runs has stored evaluation curves.</Empty>
          ) : (
            <div className="chart-grid three">
              <Chart label="ROC curves" data={rocTraces(named)} layout={rocLayout} />
              <Chart label="Precision-recall curves" data={prTraces(named)} layout={prLayout} />
              <Chart label="Reliability curves" data={reliabilityTraces(named)} layout={reliabilityLayout} />
            </div>
          )}
          <h3>Params → {primary}</h3>
          {dims.length > 1 ? (
            <Chart
              label={`Parallel coordinates of params and ${primary}`}
              height={360}
              data={[
                {
                  type: 'parcoords',
                  name: 'runs',
                  line: { color: dims[dims.length - 1].values, colorscale: 'Viridis', showscale: true },
                  labelfont: { size: 11 },
                  tickfont: { size: 10 },
                  dimensions: dims.map((d) => ({
                    label: d.label,
                    values: d.values,
                    tickvals: d.tickvals,
                    ticktext: d.ticktext,
                  })),
                },
              ]}
              layout={{ title: { text: '' }, margin: { l: 90, r: 90, t: 50, b: 30 } }}
            />
          ) : (
            <Empty title="No param varies">
              These runs share every param, so there is nothing to relate to {primary}.
            </Empty>
          )}
        </>
      )}
    </section>
  );
}
