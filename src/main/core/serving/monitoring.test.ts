import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeSource, logisticModel, startTestServer, type TestServer } from './test-support';

const DIR = path.resolve(import.meta.dirname, '../../../../monitoring');
const PROMTOOL = '/usr/bin/promtool';
const METRIC = /\b(?:mlsys_serving|process|nodejs)_[a-z0-9_]+\b/g;

/** Every series name the server can export: TYPE lines, plus the _bucket/_sum/_count of histograms. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const m of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]);
    if (m[2] === 'histogram' || m[2] === 'summary')
      for (const s of ['_bucket', '_sum', '_count']) names.add(m[1] + s);
  }
  return names;
}

interface Dashboard {
  panels: { id: number; title: string; targets: { expr: string }[] }[];
}

describe('monitoring/', () => {
  let srv: TestServer;
  let names: Set<string>;
  beforeAll(async () => {
    srv = await startTestServer({ source: new FakeSource(logisticModel({ version: 1, slope: 1 })) });
    names = exportedNames(await (await fetch(`${srv.url}/metrics`)).text());
  });
  afterAll(() => srv.close());

  it('the dashboard uses only metrics the server exports', () => {
    const dash = JSON.parse(readFileSync(path.join(DIR, 'grafana-dashboard.json'), 'utf8')) as Dashboard;
    expect(new Set(dash.panels.map((p) => p.id)).size).toBe(dash.panels.length);
    const used = dash.panels.flatMap((p) => p.targets.flatMap((t) => t.expr.match(METRIC) ?? []));
    expect(used.length).toBeGreaterThan(10);
    expect(used.filter((n) => !names.has(n))).toEqual([]);
    for (const core of [
      'predictions_total',
      'request_duration_seconds_bucket',
      'batch_size_bucket',
      'errors_total',
      'model_reloads_total',
    ]) {
      expect(used).toContain(`mlsys_serving_${core}`);
    }
  });

  it('the alert rules use only metrics the server exports', () => {
    const used = readFileSync(path.join(DIR, 'alerts.yml'), 'utf8').match(METRIC) ?? [];
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((n) => !names.has(n))).toEqual([]);
  });

  it.skipIf(!existsSync(PROMTOOL))('promtool accepts the scrape config and the rules', () => {
    const config = spawnSync(PROMTOOL, ['check', 'config', path.join(DIR, 'prometheus.yml')], {
      encoding: 'utf8',
    });
    expect(config.status, config.stderr + config.stdout).toBe(0);
    const rules = spawnSync(PROMTOOL, ['check', 'rules', path.join(DIR, 'alerts.yml')], { encoding: 'utf8' });
    expect(rules.status, rules.stderr + rules.stdout).toBe(0);
  });
});
