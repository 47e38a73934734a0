import { beforeEach, describe, expect, it } from 'vitest';
import { Registry, type PromotionLogEntry } from '../../core/registry';
import { registerVersion, tempDir } from '../../core/registry/fixtures/helpers';
import { captureCli } from '../../core/registry/fixtures/capture';
import { main } from '../program';

const mlsys = (args: string[]) => captureCli(() => main(args));

let dir: string;
beforeEach(() => {
  dir = tempDir();
  const reg = Registry.open(dir);
  const bundles = tempDir();
  registerVersion(reg, bundles, { roc_auc: 0.8 }); // v1 champion
  registerVersion(reg, bundles, { roc_auc: 0.85 }); // v2 champion
  registerVersion(reg, bundles, { roc_auc: 0.75 }); // v3 registered
  reg.close();
});

const champion = (): number | undefined => {
  const reg = Registry.open(dir);
  try {
    return reg.getChampion('churn')?.version;
  } finally {
    reg.close();
  }
};

describe('mlsys promote / rollback', () => {
  it('promotes a version with a reason, logged with the metric values', async () => {
    const res = await mlsys(['promote', 'churn', '3', '--reason', 'fresher data', '--registry-path', dir]);
    expect(res.code).toBe(0);
    expect(res.out).toMatch(
      /promoted churn: champion v2 → v3 \(roc_auc: 0\.85 → 0\.75\) by .+: fresher data/,
    );
    expect(champion()).toBe(3);
    const json = await mlsys(['promote', 'churn', 'v1', '--reason', 'x', '--json', '--registry-path', dir]);
    expect((JSON.parse(json.out) as PromotionLogEntry).to_version).toBe(1);
  });

  it('requires a reason and an existing version', async () => {
    expect((await mlsys(['promote', 'churn', '3', '--registry-path', dir])).code).toBe(2);
    const missing = await mlsys(['promote', 'churn', '9', '--reason', 'x', '--registry-path', dir]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no version 9/);
    expect((await mlsys(['promote', 'churn', 'abc', '--reason', 'x', '--registry-path', dir])).code).toBe(2);
    expect(champion()).toBe(2);
  });

  it('rolls back to the previous champion, or to --to, and fails when there is none', async () => {
    const back = await mlsys(['rollback', 'churn', '--reason', 'alerts', '--registry-path', dir]);
    expect(back.code).toBe(0);
    expect(back.out).toMatch(/rolled back churn: champion v2 → v1 .*: alerts/);
    expect(champion()).toBe(1);
    const none = await mlsys(['rollback', 'churn', '--registry-path', dir]);
    expect(none.code).toBe(1);
    expect(none.err).toMatch(/no earlier champion/);
    expect((await mlsys(['rollback', 'churn', '--to', '3', '--registry-path', dir])).code).toBe(0);
    expect(champion()).toBe(3);
    expect((await mlsys(['rollback', 'nope', '--registry-path', dir])).err).toMatch(/No model named nope/);
  });
});
