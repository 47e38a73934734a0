import { test as base, expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface AppServer {
  url: string;
  origin: string;
  token: string;
  home: string;
  process: ChildProcess;
}

const root = path.resolve(import.meta.dirname, '..');

/** Starts the built browser-mode server on a free port with its own MLSYS_HOME. */
export async function launchServer(extraEnv: Record<string, string> = {}): Promise<AppServer> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-e2e-'));
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
  return { url, origin: u.origin, token: u.searchParams.get('token')!, home, process: child };
}

export async function stopServer(server: AppServer): Promise<void> {
  if (server.process.exitCode === null) {
    await new Promise<void>((resolve) => {
      server.process.once('exit', () => resolve());
      server.process.kill('SIGTERM');
    });
  }
  rmSync(server.home, { recursive: true, force: true });
}

export const test = base.extend<{ server: AppServer }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright fixtures must destructure
  server: async ({}, use) => {
    const server = await launchServer();
    await use(server);
    await stopServer(server);
  },
});

export { expect };
