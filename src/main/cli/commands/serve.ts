import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { ServingSchema } from '../../../shared/config/schema';
import { loadConfig } from '../../core/config/load';
import { resolveRegistryDir } from '../../core/registry';
import type { ScoringApp } from '../../core/serving';
import { CliError } from '../errors';
import { parseNumberOption } from './train';

export interface ServeOptions {
  config?: string;
  host?: string;
  port?: string;
  registryPath?: string;
  modelName?: string;
}

export interface RunningServer {
  url: string;
  scoring: ScoringApp;
  close(): Promise<void>;
}

/** Starts the scoring server as configured (config's serving section, flags win) and returns once it listens. */
export async function startServe(
  opts: ServeOptions,
  log: (line: string) => void = console.log,
): Promise<RunningServer> {
  const port = parseNumberOption(
    '--port',
    opts.port,
    (n) => Number.isInteger(n) && n >= 0 && n <= 65535,
    'a port 0-65535',
  );
  const serving = opts.config
    ? (await loadConfig(opts.config, { overrides: { registryPath: opts.registryPath } })).config.serving
    : { ...ServingSchema.parse({}), model_registry_path: resolveRegistryDir(opts.registryPath) };
  const host = opts.host ?? serving.host;
  const modelName = opts.modelName ?? serving.model_name;
  // Express and the scoring app load only when serving
  const { createChampionSource } = await import('../../core/serving/champion-source');
  const { createScoringApp } = await import('../../core/serving');
  const source = createChampionSource(serving.model_registry_path, modelName);
  const scoring = createScoringApp({
    source,
    modelName,
    maxBatch: serving.max_batch,
    prometheus: serving.prometheus,
  });
  await scoring.ready();
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = scoring.app.listen(port ?? serving.port, host, (err?: Error) =>
        err ? reject(err) : resolve(s),
      );
    });
  } catch (err) {
    scoring.close();
    source.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(`${host}:${port ?? serving.port} is in use; pass --port`, 1);
    throw err;
  }
  const addr = server.address() as AddressInfo;
  const url = `http://${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}`;
  const m = scoring.current();
  log(`Scoring server for "${modelName}" on ${url} (registry ${serving.model_registry_path})`);
  log(
    m
      ? `Serving version ${m.identity.version}`
      : 'No champion yet: POST /score answers 503 until one is promoted',
  );
  log(`API docs: ${url}/docs`);
  return {
    url,
    scoring,
    async close() {
      scoring.close();
      server.closeIdleConnections();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      source.close();
    },
  };
}

export function register(program: Command): void {
  program
    .command('serve')
    .description(
      'serve the champion model over HTTP (POST /score, /invocations; GET /health, /docs) until Ctrl-C',
    )
    .option(
      '--config <file>',
      'config whose serving section gives host, port, registry, model name, max_batch',
    )
    .option('--host <host>', 'address to bind (default serving.host, else 127.0.0.1)')
    .option('--port <port>', 'port (default serving.port, else 8000; 0 = any free port)')
    .option(
      '--registry-path <dir>',
      'registry folder (default serving.model_registry_path, else MLSYS_HOME/registry)',
    )
    .option('--model-name <name>', 'registered model to serve (default serving.model_name)')
    .action(async (opts: ServeOptions) => {
      const running = await startServe(opts);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          console.log('Stopping the scoring server…');
          void running.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
