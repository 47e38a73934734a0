// `npm run dev`: electron-vite's dev mode where the Electron binary exists; otherwise the browser
// mode with the renderer rebuilt on change (vite build --watch) behind the local server.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const ev = path.join(root, 'node_modules/electron-vite/bin/electron-vite.js');

function hasElectron() {
  try {
    const dir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
    return existsSync(path.join(dir, 'dist', readFileSync(path.join(dir, 'path.txt'), 'utf8').trim()));
  } catch {
    return false;
  }
}

const children = [];
if (hasElectron()) {
  children.push(spawn(process.execPath, [ev, 'dev'], { cwd: root, stdio: 'inherit' }));
} else {
  console.log('No Electron binary: browser mode with the renderer rebuilt on change.');
  children.push(spawn(process.execPath, [ev, 'build', '--watch'], { cwd: root, stdio: 'inherit' }));
  children.push(
    spawn(process.execPath, ['--import', 'tsx', '--watch', 'src/main/server.ts'], {
      cwd: root,
      stdio: 'inherit',
    }),
  );
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => children.forEach((c) => c.kill(sig)));
