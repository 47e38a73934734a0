import type { ReactNode } from 'react';
import { useUi, type CellName } from '../stores/ui';

/** A notebook cell: a titled, collapsible region. */
export function Cell({
  name,
  title,
  actions,
  children,
}: {
  name: CellName;
  title: string;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const open = useUi((s) => s.openCells[name]);
  const toggle = useUi((s) => s.toggleCell);
  const headingId = `cell-${name}-title`;
  return (
    <section className="cell" aria-labelledby={headingId} data-cell={name}>
      <header className="cell-header">
        <button
          type="button"
          className="cell-toggle"
          aria-expanded={open}
          aria-controls={`cell-${name}-body`}
          aria-label={`${open ? 'Collapse' : 'Expand'} ${title}`}
          onClick={() => toggle(name)}
        >
          {open ? '▾' : '▸'}
        </button>
        <h2 id={headingId}>{title}</h2>
        <div className="cell-actions">{actions}</div>
      </header>
      {open && (
        <div className="cell-body" id={`cell-${name}-body`}>
          {children}
        </div>
      )}
    </section>
  );
}
