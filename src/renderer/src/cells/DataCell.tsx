import { useMemo } from 'react';
import type { ColumnSummary, RunSource } from '../../../shared/api';
import { Cell } from '../components/Cell';
import { Empty, InlineError, Loading } from '../components/Status';
import { formatNumber } from '../lib/format';
import { useDataPreview, useDataSummary } from '../queries';
import { useUi } from '../stores/ui';

function TopValues({ col }: { col: ColumnSummary }) {
  if (col.top?.length)
    return (
      <>
        {col.top
          .slice(0, 3)
          .map((t) => `${t.value} (${t.count})`)
          .join(', ')}
      </>
    );
  return null;
}

export function DataCell() {
  const configPath = useUi((s) => s.configPath);
  const source = useMemo<RunSource | null>(() => (configPath ? { configPath } : null), [configPath]);
  const summary = useDataSummary(source);
  const preview = useDataPreview(source, 20);
  const s = summary.data;

  return (
    <Cell name="data" title="Data">
      {!source && (
        <Empty title="No config selected">Pick a config file in the Config cell to see its data.</Empty>
      )}
      {summary.isLoading && <Loading what="data summary" />}
      {summary.isError && (
        <InlineError
          what="Could not describe the data"
          error={summary.error}
          onRetry={() => void summary.refetch()}
        />
      )}
      {s && (
        <>
          <dl className="stats" aria-label="Dataset summary">
            <div>
              <dt>Rows</dt>
              <dd data-testid="data-rows">{s.rows.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Positives</dt>
              <dd>{s.positives.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Negatives</dt>
              <dd>{s.negatives.toLocaleString('en-US')}</dd>
            </div>
            <div>
              <dt>Positive rate</dt>
              <dd>{(s.positive_rate * 100).toFixed(1)}%</dd>
            </div>
            <div>
              <dt>Columns</dt>
              <dd>{s.columns.length}</dd>
            </div>
          </dl>
          <div
            className="balance"
            role="img"
            aria-label={`Class balance: ${s.positives} positive, ${s.negatives} negative`}
          >
            <span className="pos" style={{ width: `${s.positive_rate * 100}%` }} />
          </div>
          <p className="muted small">
            {s.files.join(', ')} · fingerprint <code>{s.fingerprint.slice(0, 12)}</code>
          </p>
          {s.warnings.length > 0 && (
            <ul className="warnings" aria-label="Data warnings">
              {s.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          <div className="table-scroll tall">
            <table className="grid" aria-label="Columns">
              <thead>
                <tr>
                  <th scope="col">Column</th>
                  <th scope="col">Type</th>
                  <th scope="col">Missing</th>
                  <th scope="col">Min</th>
                  <th scope="col">Max</th>
                  <th scope="col">Mean</th>
                  <th scope="col">Distinct / top values</th>
                </tr>
              </thead>
              <tbody>
                {s.columns.map((c) => (
                  <tr key={c.name}>
                    <th scope="row">{c.name}</th>
                    <td>{c.type}</td>
                    <td className="num">
                      {c.missing} ({c.missing_pct.toFixed(1)}%)
                    </td>
                    <td className="num">{formatNumber(c.min)}</td>
                    <td className="num">{formatNumber(c.max)}</td>
                    <td className="num">{formatNumber(c.mean)}</td>
                    <td>
                      {c.distinct !== undefined && <span className="muted">{c.distinct} distinct · </span>}
                      <TopValues col={c} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {preview.isError && (
        <InlineError
          what="Could not load the preview"
          error={preview.error}
          onRetry={() => void preview.refetch()}
        />
      )}
      {preview.data && (
        <details className="preview">
          <summary>
            Preview ({preview.data.rows.length} of {preview.data.total_rows.toLocaleString('en-US')} rows)
          </summary>
          <div className="table-scroll">
            <table className="grid" aria-label="Data preview">
              <thead>
                <tr>
                  {preview.data.columns.map((c) => (
                    <th key={c} scope="col">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {preview.data.rows.map((row, i) => (
                  <tr key={i}>
                    {row.map((v, j) => (
                      <td key={j} className={typeof v === 'number' ? 'num' : undefined}>
                        {v === null ? <span className="muted">null</span> : String(v)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </Cell>
  );
}
