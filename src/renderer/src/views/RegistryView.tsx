import { useState } from 'react';
import type { ModelVersionDto } from '../../../shared/api';
import { Dialog } from '../components/Dialog';
import { Empty, InlineError, Loading } from '../components/Status';
import { formatDate } from '../lib/format';
import { baseMetricNames, formatDelta, formatMetric, lowerIsBetter } from '../lib/metrics';
import { useChampion, useModelVersions, usePromote, usePromotionHistory, useRollback } from '../queries';
import { useUi } from '../stores/ui';

function PromoteDialog({
  candidate,
  champion,
  onClose,
}: {
  candidate: ModelVersionDto;
  champion: ModelVersionDto | null;
  onClose(): void;
}) {
  const promote = usePromote();
  const [reason, setReason] = useState('');
  const names = [...new Set([candidate.primary_metric, ...Object.keys(candidate.metrics).sort()])].filter(
    (m) => m in candidate.metrics,
  );
  return (
    <Dialog title={`Promote v${candidate.version} to champion?`} onClose={onClose}>
      <p>
        {champion ? (
          <>
            Replaces the current champion <strong>v{champion.version}</strong>. Metric deltas against it:
          </>
        ) : (
          'There is no champion yet; this version becomes the first.'
        )}
      </p>
      <table className="grid" aria-label="Metric deltas against the champion">
        <thead>
          <tr>
            <th scope="col">Metric</th>
            <th scope="col">Champion{champion ? ` v${champion.version}` : ''}</th>
            <th scope="col">v{candidate.version}</th>
            <th scope="col">Δ</th>
          </tr>
        </thead>
        <tbody>
          {names.map((m) => {
            const a = champion?.metrics[m];
            const b = candidate.metrics[m];
            const d = a === undefined ? null : b - a;
            const good = d !== null && (lowerIsBetter(m) ? d < 0 : d > 0);
            return (
              <tr key={m} className={m === candidate.primary_metric ? 'highlight' : undefined}>
                <th scope="row">{m}</th>
                <td className="num">{formatMetric(a, m)}</td>
                <td className="num">{formatMetric(b, m)}</td>
                <td className={`num delta ${d === null || d === 0 ? '' : good ? 'up' : 'down'}`}>
                  {formatDelta(d)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <label className="block">
        Reason{' '}
        <input
          aria-label="Reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="why this version (kept in the log)"
        />
      </label>
      {promote.isError && <InlineError what="Promotion failed" error={promote.error} />}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="primary"
          disabled={promote.isPending}
          onClick={() =>
            promote.mutate(
              { name: candidate.name, version: candidate.version, reason: reason || 'promoted from the GUI' },
              { onSuccess: onClose },
            )
          }
        >
          Confirm promotion
        </button>
      </div>
    </Dialog>
  );
}

function RollbackDialog({ name, onClose }: { name?: string; onClose(): void }) {
  const rollback = useRollback();
  const [reason, setReason] = useState('');
  return (
    <Dialog title="Roll back the champion?" onClose={onClose}>
      <p>The champion goes back to the previous champion in the promotion log; the change is logged.</p>
      <label className="block">
        Reason <input aria-label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      {rollback.isError && <InlineError what="Rollback failed" error={rollback.error} />}
      <div className="dialog-actions">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          disabled={rollback.isPending}
          onClick={() =>
            rollback.mutate({ name, reason: reason || 'rolled back from the GUI' }, { onSuccess: onClose })
          }
        >
          Confirm rollback
        </button>
      </div>
    </Dialog>
  );
}

export function RegistryView() {
  const versions = useModelVersions();
  const champion = useChampion();
  const history = usePromotionHistory();
  const openRun = useUi((s) => s.openRun);
  const [promoting, setPromoting] = useState<ModelVersionDto | null>(null);
  const [rollingBack, setRollingBack] = useState(false);
  const list = versions.data ?? [];
  const metricNames = baseMetricNames(list[0]?.metrics ?? {}).slice(0, 4);
  const primary = list[0]?.primary_metric;
  const champ = champion.data ?? null;

  return (
    <section className="view" aria-labelledby="registry-title" data-view="registry">
      <header className="view-header">
        <h2 id="registry-title">Model registry</h2>
        {champ && (
          <span className="champion-banner" data-testid="champion">
            <span className="badge champion">champion</span> {champ.name} v{champ.version} ·{' '}
            {champ.primary_metric} {formatMetric(champ.metrics[champ.primary_metric], champ.primary_metric)}
          </span>
        )}
        <span className="spacer" />
        <button type="button" onClick={() => setRollingBack(true)} disabled={!champ}>
          Roll back champion
        </button>
      </header>
      {versions.isLoading && <Loading what="model versions" />}
      {versions.isError && (
        <InlineError
          what="Could not list versions"
          error={versions.error}
          onRetry={() => void versions.refetch()}
        />
      )}
      {versions.isSuccess && list.length === 0 && (
        <Empty title="No model versions yet">
          Every successful run registers a version. Train one from the Workspace.
        </Empty>
      )}
      {list.length > 0 && (
        <div className="table-scroll">
          <table className="grid" aria-label="Model versions">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Run</th>
                <th scope="col">Created</th>
                {primary && <th scope="col">{primary}</th>}
                {metricNames
                  .filter((m) => m !== primary)
                  .map((m) => (
                    <th scope="col" key={m}>
                      {m}
                    </th>
                  ))}
                <th scope="col">Aliases</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((v) => (
                <tr
                  key={`${v.name}:${v.version}`}
                  className={v.is_champion ? 'highlight' : undefined}
                  data-version={v.version}
                >
                  <th scope="row">
                    v{v.version} {v.is_champion && <span className="badge champion">champion</span>}
                  </th>
                  <td>
                    <button type="button" className="link" onClick={() => openRun(v.run_id)}>
                      {v.run_id}
                    </button>
                  </td>
                  <td>{formatDate(v.created_at)}</td>
                  {primary && <td className="num">{formatMetric(v.metrics[primary], primary)}</td>}
                  {metricNames
                    .filter((m) => m !== primary)
                    .map((m) => (
                      <td className="num" key={m}>
                        {formatMetric(v.metrics[m], m)}
                      </td>
                    ))}
                  <td>{v.aliases.join(', ')}</td>
                  <td>
                    <button
                      type="button"
                      disabled={v.is_champion}
                      onClick={() => setPromoting(v)}
                      aria-label={`Promote v${v.version}`}
                    >
                      Promote
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Promotion history</h3>
      {history.isError && <InlineError what="Could not load the history" error={history.error} />}
      {history.data && history.data.length === 0 && (
        <Empty title="No promotions yet">The first successful run becomes champion.</Empty>
      )}
      {history.data && history.data.length > 0 && (
        <div className="table-scroll">
          <table className="grid" aria-label="Promotion history">
            <thead>
              <tr>
                {['When', 'Action', 'From', 'To', 'Metric', 'Who', 'Reason'].map((h) => (
                  <th scope="col" key={h}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {history.data.map((h) => (
                <tr key={h.id}>
                  <td>{formatDate(h.at)}</td>
                  <td>{h.action}</td>
                  <td>{h.from_version === null ? '—' : `v${h.from_version}`}</td>
                  <td>
                    {h.to_version === null ? '—' : `v${h.to_version}`}
                    {h.candidate_version !== null && h.candidate_version !== h.to_version && (
                      <span className="muted"> (candidate v{h.candidate_version})</span>
                    )}
                  </td>
                  <td>
                    {h.metric
                      ? `${h.metric} ${formatMetric(h.from_value, h.metric)} → ${formatMetric(h.to_value, h.metric)}`
                      : '—'}
                  </td>
                  <td>{h.who}</td>
                  <td className="wrap">{h.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {promoting && (
        <PromoteDialog candidate={promoting} champion={champ} onClose={() => setPromoting(null)} />
      )}
      {rollingBack && <RollbackDialog name={champ?.name} onClose={() => setRollingBack(false)} />}
    </section>
  );
}
