import { test as base, expect } from '@playwright/test';
import type { ChildProcess } from 'node:child_process';
import { launchAppServer, stopAppServer } from '../bench/app-server';
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

/** Starts the built browser-mode server on a free port with its own MLSYS_HOME. */
export async function launchServer(extraEnv: Record<string, string> = {}): Promise<AppServer> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'mlsys-e2e-'));
  return { ...(await launchAppServer(home, extraEnv)), home };
}

export async function stopServer(server: AppServer): Promise<void> {
  await stopAppServer(server.process);
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
