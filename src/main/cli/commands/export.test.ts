import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../core/app/paths';
import { loadConfig } from '../../core/config';
import { Registry, flattenParams } from '../../core/registry';
import { tempDir } from '../../core/registry/fixtures/helpers';
import { captureCli } from '../../core/registry/fixtures/capture';
import { main } from '../program';

const mlsys = (args: string[]) => captureCli(() => main(args));

describe('mlsys export', () => {
  it("writes the run's resolved config snapshot; loading it gives the same config and hash", async () => {
    const resolved = await loadConfig(path.join(projectRoot(), 'config', 'base_config.yaml'), {
      overrides: { set: ['model.hyperparameters.max_depth=3'] },
    });
    const dir = tempDir();
    const reg = Registry.open(dir);
    const run = reg.createRun({
      experiment: resolved.config.tracking.experiment_name,
      config_yaml: resolved.yaml,
      config_hash: resolved.hash,
      params: flattenParams(resolved.config),
      seed: resolved.config.data.random_state,
      data_fingerprint: 'fp',
    });
    reg.close();
    const out = path.join(tempDir(), 'nested', 'snapshot.yaml');
    const res = await mlsys(['export', run.id, '--output', out, '--registry-path', dir]);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(/wrote the config snapshot of run/);
    expect(readFileSync(out, 'utf8')).toBe(resolved.yaml);
    const again = await loadConfig(out);
    expect(again.hash).toBe(resolved.hash);
    expect(again.config).toEqual(resolved.config);

    writeFileSync(out, 'changed');
    const refused = await mlsys(['export', run.id, '--output', out, '--registry-path', dir]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/exists; use --force/);
    expect((await mlsys(['export', run.id, '-o', out, '--force', '--registry-path', dir])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(resolved.yaml);
    expect((await mlsys(['export', 'nope', '-o', out, '--force', '--registry-path', dir])).err).toMatch(
      /No run/,
    );
  });
});
