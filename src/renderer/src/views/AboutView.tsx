import type { AppInfo } from '../../../shared/api';

/** Where things live (the e2e smoke test reads these testids). */
export function AboutPanel({ info }: { info: AppInfo }) {
  return (
    <section aria-label="App info" className="about">
      <dl>
        <dt>Data folder</dt>
        <dd data-testid="data-dir">{info.dataDir}</dd>
        <dt>Registry</dt>
        <dd data-testid="registry-path">{info.registryPath}</dd>
        <dt>Scoring URL</dt>
        <dd data-testid="scoring-url">{info.scoringUrl}</dd>
      </dl>
    </section>
  );
}
