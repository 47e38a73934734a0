import type { AppInfo } from '../../../shared/api';

/** Where things live (the e2e smoke test reads these testids). */
export function AboutPanel({ info, full = false }: { info: AppInfo; full?: boolean }) {
  return (
    <section aria-label="App info" className="about">
      <dl>
        {full && (
          <>
            <dt>Version</dt>
            <dd>{info.version}</dd>
            <dt>Home</dt>
            <dd>{info.home}</dd>
            <dt>Config folder</dt>
            <dd>{info.configDir}</dd>
            <dt>Artifacts</dt>
            <dd>{info.artifactsPath}</dd>
            <dt>Model name</dt>
            <dd>{info.modelName}</dd>
            <dt>Primary metric</dt>
            <dd>{info.primaryMetric}</dd>
          </>
        )}
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
