import { ErrorBoundary } from './components/ErrorBoundary';
import { useAppInfo, useServerEvents } from './queries';
import { useUi, type ViewName } from './stores/ui';
import { AboutPanel } from './views/AboutView';
import { CompareView } from './views/CompareView';
import { RegistryView } from './views/RegistryView';
import { RunsView } from './views/RunsView';
import { ServingView } from './views/ServingView';
import { Workspace } from './views/Workspace';

const NAV: { view: ViewName; label: string }[] = [
  { view: 'workspace', label: 'Workspace' },
  { view: 'runs', label: 'Runs' },
  { view: 'compare', label: 'Compare' },
  { view: 'registry', label: 'Registry' },
  { view: 'serving', label: 'Serving' },
  { view: 'about', label: 'About' },
];

function CurrentView({ view }: { view: ViewName }) {
  switch (view) {
    case 'workspace':
      return <Workspace />;
    case 'runs':
      return <RunsView />;
    case 'compare':
      return <CompareView />;
    case 'registry':
      return <RegistryView />;
    case 'serving':
      return <ServingView />;
    case 'about':
      return null;
  }
}

export function App() {
  useServerEvents();
  const info = useAppInfo();
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const selected = useUi((s) => s.selectedRuns.length);
  const ready = info.isSuccess || info.isError;
  return (
    <div className="app" data-app-state={ready ? 'ready' : 'loading'}>
      <header className="app-header">
        <h1>ml-sys</h1>
        {info.data && <span aria-label="version">v{info.data.version}</span>}
        <span className="spacer" />
        {info.data && <span className="muted-light">model {info.data.modelName}</span>}
      </header>
      <div className="layout">
        <nav aria-label="Main" className="side-nav">
          <ul>
            {NAV.map((n) => (
              <li key={n.view}>
                <button
                  type="button"
                  aria-current={view === n.view ? 'page' : undefined}
                  onClick={() => setView(n.view)}
                >
                  {n.label}
                  {n.view === 'compare' && selected > 0 && <span className="count">{selected}</span>}
                </button>
              </li>
            ))}
          </ul>
        </nav>
        <main>
          {info.isError && (
            <p role="alert" className="error">
              Cannot reach the backend: {info.error.message}
            </p>
          )}
          <ErrorBoundary key={view} label={`The ${view} view`}>
            <CurrentView view={view} />
          </ErrorBoundary>
          {info.data &&
            (view === 'about' ? (
              <AboutPanel info={info.data} full />
            ) : (
              <footer className="status-bar">
                <AboutPanel info={info.data} />
              </footer>
            ))}
        </main>
      </div>
    </div>
  );
}
