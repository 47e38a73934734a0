import type { Handlers } from '../../../shared/api';
import type { BackendContext } from './context';
import { appVersion } from './version';

/** The app API implemented over core: exactly one handler per name in the contract. */
export function createHandlers(ctx: BackendContext): Handlers {
  return {
    'app.info': async () => ({
      name: 'ml-sys',
      version: appVersion(),
      dataDir: ctx.paths.dataDir,
      registryPath: ctx.paths.registryPath,
      artifactsPath: ctx.paths.artifactsPath,
      scoringUrl: ctx.scoringUrl(),
      home: ctx.paths.home,
    }),
  };
}
