// `npm test`: typecheck, lint, unit tests, end-to-end tests. Every step runs even when one fails; the
// last line sums them as `N passed, N failed` (each typecheck/lint step counts as one check).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const reports = mkdtempSync(path.join(os.tmpdir(), 'mlsys-test-'));
let passed = 0;
let failed = 0;
const summary = [];

function run(label, cmd, args, env = {}) {
  console.log(`\n▶ ${label}: ${[path.basename(cmd), ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  return { ok: r.status === 0, seconds };
}

function check(label, cmd, args) {
  const { ok, seconds } = run(label, cmd, args);
  if (ok) passed++;
  else failed++;
  summary.push(`${ok ? '✔' : '✘'} ${label} (${seconds}s)`);
}

function suite(label, cmd, args, reportFile, count, env) {
  const { ok, seconds } = run(label, cmd, args, env);
  let p = 0;
  let f = 0;
  if (existsSync(reportFile)) {
    [p, f] = count(JSON.parse(readFileSync(reportFile, 'utf8')));
  }
  if (!ok && f === 0) f = 1; // the runner failed without reporting a failed test (crash, config error)
  passed += p;
  failed += f;
  summary.push(`${ok ? '✔' : '✘'} ${label}: ${p} passed, ${f} failed (${seconds}s)`);
}

check('typecheck', bin('tsc'), ['-b', 'tsconfig.json']);
check('eslint', bin('eslint'), ['.', '--max-warnings', '0']);
check('prettier', bin('prettier'), ['--check', '.', '--log-level', 'warn']);

const unitReport = path.join(reports, 'vitest.json');
suite(
  'unit',
  bin('vitest'),
  ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`],
  unitReport,
  (r) => [r.numPassedTests ?? 0, r.numFailedTests ?? 0],
);

const e2eReport = path.join(reports, 'playwright.json');
suite(
  'e2e',
  process.execPath,
  [path.join(root, 'scripts/e2e.mjs')],
  e2eReport,
  (r) => {
    const s = r.stats ?? {};
    return [s.expected ?? 0, (s.unexpected ?? 0) + (s.flaky ?? 0) * 0];
  },
  { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport, MLSYS_E2E_JSON: '1' },
);

console.log('\n' + summary.join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
