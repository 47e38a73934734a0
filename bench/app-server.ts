/**
 * Starts the built browser-mode server (`out/main/server.js`) as a child process on a free port with
 * its own MLSYS_HOME and a free scoring port, and resolves with the URL it prints. Shared by the
 * Playwright fixtures and the browser benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

export interface LaunchedServer {
  url: string;
  origin: string;
  token: string;
  process: ChildProcess;
}

export async function launchAppServer(
  home: string,
  extraEnv: Record<string, string> = {},
): Promise<LaunchedServer> {
  const child = spawn(process.execPath, [path.join(root, 'out/main/server.js'), '--port', '0'], {
    cwd: root,
    env: { ...process.env, MLSYS_HOME: home, MLSYS_SERVING__PORT: '0', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 60_000);
    const onData = (buf: Buffer) => {
      output += buf.toString();
      const m = /Open: (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  const u = new URL(url);
  return { url, origin: u.origin, token: u.searchParams.get('token')!, process: child };
}

/** SIGTERM and wait for the exit. */
export async function stopAppServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
