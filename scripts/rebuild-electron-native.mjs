// Builds better-sqlite3 for Electron's ABI into native/electron/ (run where the Electron binary
// exists: `node scripts/rebuild-electron-native.mjs`). The Electron shell loads that build through
// better-sqlite3's `nativeBinding` option, so Node (tests, CLI, browser mode) keeps the Node build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const electronPkg = JSON.parse(readFileSync(path.join(root, 'node_modules/electron/package.json'), 'utf8'));
const out = path.join(root, 'native', 'electron');
const work = mkdtempSync(path.join(os.tmpdir(), 'mlsys-native-'));
try {
  cpSync(path.join(root, 'node_modules/better-sqlite3'), path.join(work, 'better-sqlite3'), {
    recursive: true,
  });
  // node-gyp with Electron's headers: the documented way to build a native module for Electron
  const r = spawnSync(
    'npx',
    [
      '--yes',
      'node-gyp',
      'rebuild',
      `--target=${electronPkg.version}`,
      '--dist-url=https://electronjs.org/headers',
      '--release',
    ],
    { cwd: path.join(work, 'better-sqlite3'), stdio: 'inherit' },
  );
  if (r.status !== 0) {
    console.error(
      'Building better-sqlite3 for Electron failed (it needs Electron headers from the network).',
    );
    process.exit(r.status ?? 1);
  }
  const built = path.join(work, 'better-sqlite3/build/Release/better_sqlite3.node');
  if (!existsSync(built)) throw new Error(`no ${built}`);
  mkdirSync(out, { recursive: true });
  cpSync(built, path.join(out, 'better_sqlite3.node'));
  console.log(`Electron build of better-sqlite3: ${path.join(out, 'better_sqlite3.node')}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
