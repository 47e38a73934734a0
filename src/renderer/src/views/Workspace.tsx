import { ConfigCell } from '../cells/ConfigCell';
import { DataCell } from '../cells/DataCell';
import { ResultsCell } from '../cells/ResultsCell';
import { RunCell } from '../cells/RunCell';
import { ErrorBoundary } from '../components/ErrorBoundary';

/** The notebook: config → data → run → results, each cell collapsible. */
export function Workspace() {
  return (
    <div className="notebook" data-view="workspace">
      <ErrorBoundary label="Config cell">
        <ConfigCell />
      </ErrorBoundary>
      <ErrorBoundary label="Data cell">
        <DataCell />
      </ErrorBoundary>
      <ErrorBoundary label="Run cell">
        <RunCell />
      </ErrorBoundary>
      <ErrorBoundary label="Results cell">
        <ResultsCell />
      </ErrorBoundary>
    </div>
  );
}
