import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend, type Backend } from '../core/app';
import { bridgeIpc } from './ipc-bridge';
import { CONTENT_SECURITY_POLICY, isAppUrl } from './security';

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
let backend: Backend | undefined;
let mainWindow: BrowserWindow | undefined;
let disposeBridge: (() => void) | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'ml-sys',
    webPreferences: {
      preload: path.join(here, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, devServerUrl)) event.preventDefault();
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(path.join(here, '../renderer/index.html'));
  return win;
}

/** better-sqlite3 built for Electron's ABI (scripts/rebuild-electron-native.mjs), when present. */
function useElectronSqliteBuild(): void {
  const binding = path.join(app.getAppPath(), 'native', 'electron', 'better_sqlite3.node');
  if (!process.env.MLSYS_SQLITE_BINDING && existsSync(binding)) process.env.MLSYS_SQLITE_BINDING = binding;
}

async function main(): Promise<void> {
  await app.whenReady();
  useElectronSqliteBuild();
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
  backend = await startBackend();
  // the renderer (file:// → Origin "null", or the dev server) calls the scoring port from the try-it form
  backend.serving.allowOrigin(devServerUrl ? new URL(devServerUrl).origin : 'null');
  mainWindow = createWindow();
  disposeBridge = bridgeIpc(
    ipcMain,
    backend,
    () => mainWindow?.webContents,
    (event) => isAppUrl(event.senderFrame?.url ?? '', devServerUrl),
  );
  app.on('window-all-closed', () => app.quit());
}

app.on('before-quit', (event) => {
  if (!backend) return;
  event.preventDefault();
  const closing = backend;
  backend = undefined;
  disposeBridge?.();
  void closing.close().finally(() => app.quit());
});

void main();
