// `npm run mlsys -- <command>`: the CLI. Runs the built CLI (out/main/cli.js, fast start, workers
// prebuilt) when it is newer than every source file, and the TypeScript sources through tsx otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'out/main/cli.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

const useBuilt = existsSync(built) && statSync(built).mtimeMs >= newestSource(path.join(root, 'src'));
const args = useBuilt ? [built] : ['--import', 'tsx', path.join(root, 'src/main/cli/index.ts')];
const r = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
