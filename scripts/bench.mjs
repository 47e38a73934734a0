// `npm run bench -- <name> [args]`: runs bench/<name>.ts. Each benchmark ends by printing one JSON
// line with "bench": "<name>" and its figures. `npm run bench` alone lists them.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const benchDir = path.join(root, 'bench');
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
const [name, ...args] = process.argv.slice(2);
if (!name || !available.includes(name)) {
  console.error(
    `${name ? `Unknown benchmark: ${name}. ` : ''}Usage: npm run bench -- <name> [args]\nAvailable: ${available.join(', ') || '(none yet)'}`,
  );
  process.exit(name ? 2 : 0);
}
const file = path.join(benchDir, `${name}.bench.ts`);
if (!existsSync(file)) process.exit(2);
const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file, ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
