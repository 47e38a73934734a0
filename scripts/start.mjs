// `npm start`: builds the app, then launches Electron where its binary exists and the browser mode
// (a local server on 127.0.0.1 that prints its URL) everywhere else.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const dir = path.dirname(require.resolve('electron/package.json', { paths: [root] }));
    const rel = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const bin = path.join(dir, 'dist', rel);
    return existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

console.log('Building ml-sys…');
const build = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (build.status !== 0) {
  console.error('Build failed (see above).');
  process.exit(build.status ?? 1);
}

const forceBrowser = process.argv.includes('--browser') || process.env.MLSYS_BROWSER === '1';
const bin = forceBrowser ? undefined : electronBinary();
const child = bin
  ? spawn(bin, [root, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root })
  : spawn(
      process.execPath,
      [path.join(root, 'out/main/server.js'), ...process.argv.slice(2).filter((a) => a !== '--browser')],
      {
        stdio: 'inherit',
        cwd: root,
      },
    );
if (!bin && !forceBrowser) console.log('No Electron binary here: starting the browser mode.');
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code) => process.exit(code ?? 0));
