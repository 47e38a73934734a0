import type { Registry } from '../registry';
import type { ChampionSource, ScoringModel } from '../serving/types';
import { ModelBundle } from './bundle';

/**
 * The scoring server's view of the registry: `stamp()` changes whenever an alias changes (in any
 * process); `load()` reads and verifies the champion's bundle (sha256 + kind) and wraps it.
 */
export function registryChampionSource(registry: Registry, modelName: string): ChampionSource {
  return {
    stamp: () => registry.championStamp(),
    async load(): Promise<ScoringModel | undefined> {
      if (!registry.getChampion(modelName)) return undefined;
      const { version, bundle: doc } = registry.loadBundle(modelName);
      const bundle = ModelBundle.fromDocument(doc, version.bundle_path);
      return {
        identity: {
          name: version.name,
          version: version.version,
          run_id: version.run_id,
          bundle_sha256: version.bundle_sha256,
        },
        signature: bundle.signature,
        threshold: bundle.threshold,
        calibrated: bundle.calibrator !== null,
        metadata: {
          ...bundle.metadata,
          metrics: version.metrics,
          trained_at: version.created_at,
          threshold_policy: bundle.thresholdPolicy,
        },
        predict: (records) => bundle.predict(records),
      };
    },
  };
}
