/**
 * Browser mode: one Node process serves the built renderer, the app API over HTTP (token-protected)
 * and its events over SSE. `npm start` runs this where no Electron binary exists.
 */
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { startBackend, projectRoot } from './core/app';
import { createHttpTransport } from './core/app/http-transport';

export interface BrowserServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export async function startBrowserServer(
  options: {
    port?: number;
    token?: string;
    rendererDir?: string;
    env?: NodeJS.ProcessEnv;
    scoringPort?: number;
    startScoring?: boolean;
  } = {},
): Promise<BrowserServer> {
  const env = options.env ?? process.env;
  // the scoring port comes from the config (serving.port; MLSYS_SERVING__PORT=0 picks a free one)
  const backend = await startBackend({
    env,
    scoringPort: options.scoringPort,
    startScoring: options.startScoring,
  });
  const transport = createHttpTransport({
    backend,
    token: options.token,
    rendererDir: options.rendererDir ?? path.join(projectRoot(), 'out', 'renderer'),
  });
  const server = http.createServer(transport.app);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await backend.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  transport.setPort(port);
  // the GUI's try-it form calls the scoring port from the page's origin
  for (const host of ['127.0.0.1', 'localhost']) backend.serving.allowOrigin(`http://${host}:${port}`);
  return {
    url: `http://127.0.0.1:${port}/?token=${transport.token}`,
    port,
    token: transport.token,
    async close() {
      transport.closeEventStreams();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await backend.close();
    },
  };
}

function parsePort(argv: string[]): number | undefined {
  const i = argv.indexOf('--port');
  const raw = i >= 0 ? argv[i + 1] : process.env.MLSYS_UI_PORT;
  if (raw === undefined) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Invalid port: ${raw} (expected an integer 0-65535)`);
    process.exit(2);
  }
  return port;
}

const isMain =
  process.argv[1] &&
  path.resolve(process.argv[1]).replace(/\.[cm]?[jt]s$/, '') ===
    path.resolve(import.meta.filename ?? '').replace(/\.[cm]?[jt]s$/, '');
const DEFAULT_UI_PORT = 5173;

/** The port asked for, or 5173 — and any free port when 5173 is taken (a second instance, say). */
async function startOnSomePort(requested: number | undefined): Promise<BrowserServer> {
  const token = process.env.MLSYS_TOKEN;
  try {
    return await startBrowserServer({ port: requested ?? DEFAULT_UI_PORT, token });
  } catch (err) {
    if (requested !== undefined || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    console.log(`Port ${DEFAULT_UI_PORT} is in use; using a free port instead.`);
    return startBrowserServer({ port: 0, token });
  }
}

if (isMain) {
  startOnSomePort(parsePort(process.argv.slice(2)))
    .then((s) => {
      console.log(`ml-sys is running in browser mode.\nOpen: ${s.url}`);
      const stop = () => void s.close().then(() => process.exit(0));
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      console.error(`Could not start ml-sys: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
