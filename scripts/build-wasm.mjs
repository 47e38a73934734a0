// `npm run build:wasm`: compiles the GBDT's AssemblyScript kernels with the installed `asc` (npm
// assemblyscript; nothing outside npm). The .wasm is committed; kernels-wasm.test.ts rebuilds it and
// checks the committed file matches, and the TS fallback gives the same models.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dir = path.join(root, 'src/main/core/models/gbdt/assembly');
const out = process.argv[2] ?? path.join(dir, 'build/kernels.wasm');
mkdirSync(path.dirname(out), { recursive: true });
const asc = path.join(root, 'node_modules/.bin/asc');
const args = [
  path.join(dir, 'kernels.ts'),
  '--outFile',
  out,
  '-O3',
  '--noAssert',
  '--runtime',
  'stub',
  '--importMemory',
  '--sharedMemory',
  '--initialMemory',
  '1',
  '--maximumMemory',
  '65536',
  '--enable',
  'simd',
  '--enable',
  'threads',
];
const r = spawnSync(asc, args, { cwd: root, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`wrote ${path.relative(root, out)}`);
