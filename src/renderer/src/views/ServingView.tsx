import { useMemo, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { SignatureColumn } from '../../../shared/model/signature';
import { Empty, InlineError, Loading } from '../components/Status';
import { errorMessage, formatDate } from '../lib/format';
import { recordFromForm, sendScore, type ScoreReply } from '../lib/score';
import {
  keys,
  useChampion,
  useServingPort,
  useServingStart,
  useServingStatus,
  useServingStop,
} from '../queries';

function Field({ col, value, onChange }: { col: SignatureColumn; value: string; onChange(v: string): void }) {
  const label = `${col.name}${col.nullable ? '' : ' (required)'}`;
  if (col.type === 'category' && col.categories?.length) {
    return (
      <label className="field">
        <span>{label}</span>
        <select aria-label={col.name} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="">(missing)</option>
          {col.categories.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
    );
  }
  return (
    <label className="field">
      <span>{label}</span>
      <input
        aria-label={col.name}
        inputMode={col.type === 'number' ? 'decimal' : undefined}
        value={value}
        placeholder={col.type === 'number' ? 'number or empty' : 'text or empty'}
        onChange={(e) => onChange(e.target.value)}
      />
    </label>
  );
}

function TryIt({ url, columns }: { url: string; columns: SignatureColumn[] }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const [raw, setRaw] = useState<string | null>(null);
  const [reply, setReply] = useState<ScoreReply | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const qc = useQueryClient();
  const generated = useMemo(
    () => JSON.stringify({ records: [recordFromForm(columns, values)] }, null, 2),
    [columns, values],
  );
  const body = raw ?? generated;

  const send = async () => {
    setPending(true);
    setError(null);
    try {
      setReply(await sendScore(url, body));
    } catch (err) {
      setReply(null);
      setError(`${errorMessage(err)} — is the scoring server running and reachable from this page (CORS)?`);
    } finally {
      setPending(false);
      // the counters moved: refresh them now rather than at the next poll
      void qc.invalidateQueries({ queryKey: keys.servingStatus() });
    }
  };

  return (
    <form
      className="try-it"
      aria-label="Try the scoring endpoint"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="fields">
        {columns.map((c) => (
          <Field
            key={c.name}
            col={c}
            value={values[c.name] ?? ''}
            onChange={(v) => {
              setRaw(null);
              setValues((s) => ({ ...s, [c.name]: v }));
            }}
          />
        ))}
      </div>
      <label className="block">
        Request body (POST {url}/score){' '}
        <textarea
          aria-label="Request body"
          className="mono"
          rows={Math.min(14, body.split('\n').length + 1)}
          value={body}
          onChange={(e) => setRaw(e.target.value)}
        />
      </label>
      <div className="toolbar">
        <button type="submit" className="primary" disabled={pending}>
          {pending ? 'Sending…' : 'Send POST /score'}
        </button>
        {raw !== null && (
          <button type="button" onClick={() => setRaw(null)}>
            Reset body from fields
          </button>
        )}
      </div>
      {error && <InlineError what="Request failed" error={error} />}
      {reply && (
        <div className="reply" aria-label="Score reply" data-testid="score-reply" data-status={reply.status}>
          <p>
            <span className={reply.status < 300 ? 'badge status-succeeded' : 'badge status-failed'}>
              HTTP {reply.status}
            </span>{' '}
            <span data-testid="score-latency">{reply.ms.toFixed(1)} ms</span>
            {reply.modelVersion && <span className="muted"> · X-Model-Version {reply.modelVersion}</span>}
          </p>
          <pre className="mono" data-testid="score-body">
            {JSON.stringify(reply.body, null, 2)}
          </pre>
        </div>
      )}
    </form>
  );
}

export function ServingView() {
  const status = useServingStatus(true);
  const champion = useChampion();
  const start = useServingStart();
  const stop = useServingStop();
  const setPort = useServingPort();
  const [port, setPortText] = useState('');
  const s = status.data;
  const columns = champion.data?.signature.columns ?? [];
  const portNum = Number(port);
  const portOk = Number.isInteger(portNum) && portNum > 0 && portNum < 65536;

  return (
    <section className="view" aria-labelledby="serving-title" data-view="serving">
      <header className="view-header">
        <h2 id="serving-title">Serving</h2>
        {s && (
          <span
            className={s.running ? 'badge status-succeeded' : 'badge status-cancelled'}
            data-testid="serving-state"
          >
            {s.running ? 'running' : 'stopped'}
          </span>
        )}
        <span className="spacer" />
        {s &&
          (s.running ? (
            <button type="button" onClick={() => stop.mutate()} disabled={stop.isPending}>
              Stop server
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              onClick={() => start.mutate({})}
              disabled={start.isPending}
            >
              Start server
            </button>
          ))}
      </header>
      {status.isLoading && <Loading what="serving status" />}
      {status.isError && (
        <InlineError
          what="Could not read the serving status"
          error={status.error}
          onRetry={() => void status.refetch()}
        />
      )}
      {[start, stop, setPort].map(
        (m, i) => m.isError && <InlineError key={i} what="Serving action failed" error={m.error} />,
      )}
      {s && (
        <>
          <dl className="stats" aria-label="Serving status">
            <div>
              <dt>Scoring URL</dt>
              <dd>
                <code data-testid="serving-url">{s.url}</code>
              </dd>
            </div>
            <div>
              <dt>Serving</dt>
              <dd data-testid="serving-model">
                {s.model ? `${s.model.name} v${s.model.version}` : 'no champion'}
              </dd>
            </div>
            <div>
              <dt>Since</dt>
              <dd>{formatDate(s.started_at)}</dd>
            </div>
            <div>
              <dt>Requests</dt>
              <dd data-testid="serving-requests">{s.requests_total.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Predictions</dt>
              <dd data-testid="serving-predictions">{s.predictions_total.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Errors</dt>
              <dd data-testid="serving-errors">{s.errors_total.toLocaleString('en-US')}</dd>
            </div>
          </dl>
          {s.last_error && <InlineError what="Last serving error" error={s.last_error} />}
          <div className="toolbar">
            <label>
              Port{' '}
              <input
                aria-label="Scoring port"
                inputMode="numeric"
                placeholder={String(s.port)}
                value={port}
                onChange={(e) => setPortText(e.target.value)}
              />
            </label>
            <button
              type="button"
              disabled={!portOk || setPort.isPending}
              onClick={() => setPort.mutate(portNum, { onSuccess: () => setPortText('') })}
            >
              Move to port
            </button>
          </div>
          <h3>Try it</h3>
          {!s.running && <Empty title="The scoring server is stopped">Start it to send requests.</Empty>}
          {s.running && !s.model && (
            <Empty title="No champion to serve">
              Train a model in the Workspace (or promote one in the Registry) first.
            </Empty>
          )}
          {s.running &&
            s.model &&
            (columns.length ? <TryIt url={s.url} columns={columns} /> : <Loading what="model signature" />)}
        </>
      )}
    </section>
  );
}
