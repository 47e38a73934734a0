import { useMemo } from 'react';
import type { RunDetail } from '../../../shared/api';
import { Chart } from '../charts/Chart';
import { Cell } from '../components/Cell';
import { SnapshotActions } from '../components/SnapshotActions';
import { Empty, InlineError, StatusBadge } from '../components/Status';
import { formatDuration } from '../lib/format';
import { useCancelRun, useLiveProgress, useRun, useRunMetrics } from '../queries';
import { useUi } from '../stores/ui';
import { liveSeries } from './live-curves';

const isLive = (r: RunDetail | undefined) => r?.status === 'queued' || r?.status === 'running';

function QueueItem({ runId, active }: { runId: string; active: boolean }) {
  const run = useRun(runId);
  const setActive = useUi((s) => s.setActiveRun);
  return (
    <li>
      <button
        type="button"
        className={active ? 'link active' : 'link'}
        aria-current={active}
        onClick={() => setActive(runId)}
      >
        {run.data?.name ?? runId}
      </button>{' '}
      <StatusBadge status={run.data?.status ?? '…'} />
      {run.data?.progress && isLive(run.data) && (
        <span className="muted"> {Math.round(run.data.progress.percent)}%</span>
      )}
    </li>
  );
}

export function RunCell() {
  const activeRun = useUi((s) => s.activeRun);
  const launched = useUi((s) => s.launched);
  const run = useRun(activeRun);
  const live = useLiveProgress(activeRun);
  const finished = !!run.data && !isLive(run.data);
  const metrics = useRunMetrics(finished ? activeRun : null);
  const cancel = useCancelRun();
  const series = useMemo(() => liveSeries(live, metrics.data?.history), [live, metrics.data]);
  const progress = run.data?.progress ?? (live.length ? live[live.length - 1] : null);
  const r = run.data;
  const percent = r?.status === 'succeeded' ? 100 : Math.round(progress?.percent ?? 0);

  const lossData = [series.train_loss, series.valid_loss]
    .filter((s) => s.x.length)
    .map((s) => ({ ...s, type: 'scatter', mode: 'lines' }));
  const aucData = [series.train_auc, series.valid_auc]
    .filter((s) => s.x.length)
    .map((s) => ({ ...s, type: 'scatter', mode: 'lines' }));

  return (
    <Cell name="run" title="Run">
      {launched.length > 0 && (
        <div className="queue">
          <h3>Launched from this workspace</h3>
          <ul aria-label="Run queue">
            {launched.map((id) => (
              <QueueItem key={id} runId={id} active={id === activeRun} />
            ))}
          </ul>
        </div>
      )}
      {!activeRun && (
        <Empty title="No run yet">
          Press Run in the Config cell to train a model, or open a run from the Runs view.
        </Empty>
      )}
      {run.isError && (
        <InlineError what="Could not load the run" error={run.error} onRetry={() => void run.refetch()} />
      )}
      {r && (
        <div className="run-status" aria-label="Run progress" data-testid="run-status" data-status={r.status}>
          <div className="toolbar">
            <strong>{r.name}</strong> <code className="muted">{r.run_id}</code>{' '}
            <StatusBadge status={r.status} />
            <span className="muted">{r.algorithm}</span>
            {r.duration_s !== null && <span className="muted">{formatDuration(r.duration_s)}</span>}
            <span className="spacer" />
            {/* a failed or cancelled run's config can still be exported and re-run (results hold them otherwise) */}
            {!isLive(r) && r.status !== 'succeeded' && <SnapshotActions runId={r.run_id} runName={r.name} />}
            {isLive(r) && (
              <button
                type="button"
                className="danger"
                onClick={() => cancel.mutate(r.run_id)}
                disabled={cancel.isPending}
              >
                Cancel run
              </button>
            )}
          </div>
          <div className="progress-line">
            <progress
              max={100}
              value={percent}
              aria-label="Run progress percent"
              aria-valuetext={`${percent}%`}
            />
            <span data-testid="run-stage">
              {r.status === 'succeeded' ? 'done' : (progress?.stage ?? r.status)}
            </span>
            <span>{percent}%</span>
            {progress?.iteration !== undefined && (
              <span>
                iteration {progress.iteration}
                {progress.total ? ` / ${progress.total}` : ''}
              </span>
            )}
            {progress?.message && <span className="muted">{progress.message}</span>}
          </div>
          {r.error && <InlineError what="Run failed" error={r.error} />}
          {cancel.isError && <InlineError what="Could not cancel" error={cancel.error} />}
          {(lossData.length > 0 || aucData.length > 0) && (
            <div className="chart-row">
              {lossData.length > 0 && (
                <Chart
                  label="Loss by iteration"
                  data={lossData}
                  height={240}
                  layout={{ xaxis: { title: { text: 'iteration' } } }}
                />
              )}
              {aucData.length > 0 && (
                <Chart
                  label="AUC by iteration"
                  data={aucData}
                  height={240}
                  layout={{ xaxis: { title: { text: 'iteration' } } }}
                />
              )}
            </div>
          )}
        </div>
      )}
    </Cell>
  );
}
