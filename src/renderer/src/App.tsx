import { useAppInfo } from './queries/app';

export function App() {
  const info = useAppInfo();
  const ready = info.isSuccess || info.isError;
  return (
    <div className="app" data-app-state={ready ? 'ready' : 'loading'}>
      <header className="app-header">
        <h1>ml-sys</h1>
        {info.data && <span aria-label="version">v{info.data.version}</span>}
      </header>
      <main>
        {info.isError && (
          <p role="alert" className="error">
            Cannot reach the backend: {info.error.message}
          </p>
        )}
        {info.data && (
          <section aria-label="App info">
            <dl>
              <dt>Data folder</dt>
              <dd data-testid="data-dir">{info.data.dataDir}</dd>
              <dt>Registry</dt>
              <dd data-testid="registry-path">{info.data.registryPath}</dd>
              <dt>Scoring URL</dt>
              <dd data-testid="scoring-url">{info.data.scoringUrl}</dd>
            </dl>
          </section>
        )}
      </main>
    </div>
  );
}
