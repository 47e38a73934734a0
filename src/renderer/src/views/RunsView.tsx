import { memo, useMemo, useRef, useState } from 'react';
import { useVirtualizer, observeElementRect } from '@tanstack/react-virtual';
import type { RunSummary } from '../../../shared/api';
import { Empty, InlineError, Loading } from '../components/Status';
import { availableKeys, compareRuns, compileFilter, parseFilter } from '../lib/run-filter';
import { useAllRuns, useAppInfo } from '../queries';
import { useUi } from '../stores/ui';
import { BASE_COLUMN_KEYS, columnFor, defaultColumns, type Column } from './columns';

const ROW_HEIGHT = 32;

interface RowProps {
  run: RunSummary;
  columns: Column[];
  selected: boolean;
  index: number;
  top: number;
  template: string;
}

const Row = memo(function Row({ run, columns, selected, index, top, template }: RowProps) {
  const toggle = useUi((s) => s.toggleRun);
  const openRun = useUi((s) => s.openRun);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={selected ? 'vrow selected' : 'vrow'}
      style={{ transform: `translateY(${top}px)`, gridTemplateColumns: template }}
      data-run-id={run.run_id}
    >
      <div role="cell" className="vcell">
        <input
          type="checkbox"
          checked={selected}
          onChange={() => toggle(run.run_id)}
          aria-label={`Select ${run.name}`}
        />
      </div>
      {columns.map((c) =>
        c.key === 'name' ? (
          <div role="cell" className="vcell" key={c.key}>
            <button
              type="button"
              className="link"
              onClick={() => openRun(run.run_id)}
              title={`Open ${run.run_id} in the workspace`}
            >
              {run.name}
            </button>
          </div>
        ) : (
          <div
            role="cell"
            className={c.numeric ? 'vcell num' : `vcell ${c.key === 'status' ? `status-${run.status}` : ''}`}
            key={c.key}
          >
            {c.render(run)}
          </div>
        ),
      )}
    </div>
  );
});

export function RunsView() {
  const runs = useAllRuns();
  const info = useAppInfo();
  const selected = useUi((s) => s.selectedRuns);
  const clearSelection = useUi((s) => s.clearSelection);
  const setView = useUi((s) => s.setView);
  const [search, setSearch] = useState('');
  const [filterText, setFilterText] = useState('');
  const [sort, setSort] = useState<{ key: string; dir: 'asc' | 'desc' }>({ key: 'created_at', dir: 'desc' });
  const [extraColumns, setExtraColumns] = useState<string[] | null>(null);
  const scrollRef = useRef<HTMLDivElement>(null);

  const all = runs.runs;
  const keys = useMemo(() => availableKeys(all), [all]);
  const columnKeys = extraColumns ?? defaultColumns(info.data?.primaryMetric, keys.metrics);
  const columns = useMemo(() => columnKeys.map(columnFor), [columnKeys]);
  const template = `36px ${columns.map((c) => `${c.width}px`).join(' ')}`;

  const parsed = useMemo(() => parseFilter(filterText), [filterText]);
  // sort once per list/sort change; filtering keeps that order, so typing only pays for the filter
  const sorted = useMemo(() => [...all].sort(compareRuns(sort.key, sort.dir)), [all, sort]);
  const rows = useMemo(
    () => sorted.filter(compileFilter(parsed.ok ? parsed.clauses : [], search)),
    [sorted, parsed, search],
  );
  const selectedSet = useMemo(() => new Set(selected), [selected]);

  // no React Compiler here: the virtualizer's getters must be read fresh on every render
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
    // before layout (or without one) render a screenful instead of nothing
    observeElementRect: (instance, cb) =>
      observeElementRect(instance, (rect) => cb(rect.height > 0 ? rect : { width: rect.width, height: 640 })),
  });

  const onSort = (key: string) =>
    setSort((s) =>
      s.key === key
        ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { key, dir: key.startsWith('metrics.') ? 'desc' : 'asc' },
    );
  const addColumn = (key: string) =>
    key && !columnKeys.includes(key) && setExtraColumns([...columnKeys, key]);
  const removeColumn = (key: string) => setExtraColumns(columnKeys.filter((k) => k !== key));

  if (runs.isLoading) return <Loading what="runs" />;
  if (runs.error && !all.length)
    return <InlineError what="Could not list runs" error={runs.error} onRetry={runs.refetch} />;

  return (
    <section className="view runs-view" aria-labelledby="runs-title" data-view="runs">
      <header className="view-header">
        <h2 id="runs-title">Runs</h2>
        <span className="muted" data-testid="runs-count" aria-live="polite">
          {rows.length === all.length
            ? `${all.length.toLocaleString('en-US')} runs`
            : `${rows.length.toLocaleString('en-US')} of ${all.length.toLocaleString('en-US')} runs`}
          {!runs.complete && ` (loading all ${runs.total.toLocaleString('en-US')}…)`}
        </span>
        <span className="spacer" />
        <span className="muted">{selected.length} selected</span>
        <button type="button" onClick={clearSelection} disabled={!selected.length}>
          Clear selection
        </button>
        <button
          type="button"
          className="primary"
          disabled={selected.length < 2}
          onClick={() => setView('compare')}
        >
          Compare {selected.length >= 2 ? selected.length : ''} runs
        </button>
      </header>
      <div className="toolbar">
        <label>
          Search{' '}
          <input
            type="search"
            aria-label="Search runs"
            placeholder="name, id, experiment…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </label>
        <label className="grow">
          Filter{' '}
          <input
            aria-label="Filter runs"
            className="mono"
            placeholder="metrics.roc_auc > 0.8 and params.model.algorithm = gbdt"
            value={filterText}
            onChange={(e) => setFilterText(e.target.value)}
            aria-invalid={!parsed.ok}
            aria-describedby="filter-help"
          />
        </label>
        <label>
          Sort by{' '}
          <select
            aria-label="Sort by"
            value={sort.key}
            onChange={(e) => setSort({ key: e.target.value, dir: sort.dir })}
          >
            {[
              ...BASE_COLUMN_KEYS,
              ...keys.metrics.map((m) => `metrics.${m}`),
              ...keys.params.map((p) => `params.${p}`),
            ].map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          aria-label={`Sort direction: ${sort.dir === 'asc' ? 'ascending' : 'descending'}`}
          onClick={() => setSort({ ...sort, dir: sort.dir === 'asc' ? 'desc' : 'asc' })}
        >
          {sort.dir === 'asc' ? '↑' : '↓'}
        </button>
        <label>
          Add column{' '}
          <select aria-label="Add column" value="" onChange={(e) => addColumn(e.target.value)}>
            <option value="">choose…</option>
            <optgroup label="Metrics">
              {keys.metrics.map((m) => (
                <option key={m} value={`metrics.${m}`} disabled={columnKeys.includes(`metrics.${m}`)}>
                  {m}
                </option>
              ))}
            </optgroup>
            <optgroup label="Params">
              {keys.params.map((p) => (
                <option key={p} value={`params.${p}`} disabled={columnKeys.includes(`params.${p}`)}>
                  {p}
                </option>
              ))}
            </optgroup>
          </select>
        </label>
      </div>
      <p
        id="filter-help"
        className={parsed.ok ? 'hint muted' : 'hint error'}
        role={parsed.ok ? undefined : 'alert'}
      >
        {parsed.ok
          ? 'Clauses joined by “and”; operators = != < <= > >= and ~ (contains). Click a header to sort.'
          : parsed.error}
      </p>
      {all.length === 0 ? (
        <Empty title="No runs yet">
          Open the Workspace, pick a config and press Run — every run appears here.
        </Empty>
      ) : (
        <div className="vtable" role="table" aria-label="Runs" aria-rowcount={rows.length + 1}>
          <div ref={scrollRef} className="vscroll" data-testid="runs-scroll">
            <div role="rowgroup" className="vhead">
              <div
                role="row"
                aria-rowindex={1}
                className="vrow head"
                style={{ gridTemplateColumns: template }}
              >
                <div role="columnheader" className="vcell">
                  <span className="sr-only">Select</span>
                </div>
                {columns.map((c) => (
                  <div
                    role="columnheader"
                    key={c.key}
                    className={c.numeric ? 'vcell num' : 'vcell'}
                    aria-sort={
                      sort.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'
                    }
                  >
                    <button type="button" className="sort" onClick={() => onSort(c.key)} title={c.key}>
                      {c.label}
                      {sort.key === c.key ? (sort.dir === 'asc' ? ' ↑' : ' ↓') : ''}
                    </button>
                    {!BASE_COLUMN_KEYS.includes(c.key) && (
                      <button
                        type="button"
                        className="remove"
                        aria-label={`Remove column ${c.label}`}
                        onClick={() => removeColumn(c.key)}
                      >
                        ×
                      </button>
                    )}
                  </div>
                ))}
              </div>
            </div>
            <div role="rowgroup" className="vbody" style={{ height: virtualizer.getTotalSize() }}>
              {virtualizer.getVirtualItems().map((item) => {
                const run = rows[item.index];
                return (
                  <Row
                    key={run.run_id}
                    run={run}
                    columns={columns}
                    selected={selectedSet.has(run.run_id)}
                    index={item.index}
                    top={item.start}
                    template={template}
                  />
                );
              })}
            </div>
            {rows.length === 0 && (
              <Empty title="No run matches">Change or clear the search and filter.</Empty>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
