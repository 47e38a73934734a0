import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { projectRoot } from '../../core/app/paths';
import { CliError } from '../errors';
import { register } from './data';

async function run(args: string[]): Promise<{ out: string; error?: CliError }> {
  const program = new Command().exitOverride();
  register(program);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await program.parseAsync(args, { from: 'user' });
    return { out: log.mock.calls.map((c) => String(c[0])).join('\n') };
  } catch (e) {
    if (e instanceof CliError) return { out: '', error: e };
    throw e;
  } finally {
    log.mockRestore();
    err.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('mlsys data', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlsys-cli-data-'));
  const out = path.join(dir, 'sample');

  it('generate writes the three CSVs and prints a summary', async () => {
    const r = await run(['data', 'generate', '--companies', '800', '--seed', '3', '--out', out]);
    expect(r.out).toMatch(/^wrote .*sample\n {2}800 companies, \d+ customers \(\d+\.\d\d %\)/);
    for (const f of ['customers.csv', 'noncustomers.csv', 'usage_actions.csv']) {
      expect(existsSync(path.join(out, f))).toBe(true);
    }
    const json = await run(['data', 'generate', '--companies', '800', '--seed', '3', '--out', out, '--json']);
    expect(JSON.parse(json.out)).toMatchObject({ companies: 800, seed: 3 });
  });

  it('generate rejects a bad count', async () => {
    const r = await run(['data', 'generate', '--companies', 'many', '--out', out]);
    expect(r.error?.message).toBe('--companies expects an integer ≥ 1, got "many"');
  });

  it('describe prints rows, balance and per-column statistics', async () => {
    const cfg = path.join(dir, 'c.yaml');
    writeFileSync(cfg, `data:\n  data_dir: ${out}\n`);
    const r = await run(['data', 'describe', '--config', cfg, '--rows', '2']);
    expect(r.out).toMatch(/rows {10}800\n/);
    expect(r.out).toMatch(/class balance \d+ positive \(\d+\.\d\d %\), \d+ negative/);
    expect(r.out).toMatch(/ALEXA_RANK +number +\d+\.\d % +min \S+ +max \S+ +mean \S+/);
    expect(r.out).toMatch(/INDUSTRY +category +\d+\.\d % +\d+ distinct; top /);
    expect(r.out).toMatch(/warning: noncustomers\.csv: \d+ duplicate rows/);
    expect(r.out).toMatch(/\nid\tlabel\tALEXA_RANK\t/);
    const json = JSON.parse((await run(['data', 'describe', '--config', cfg, '--json'])).out) as {
      rows: number;
      columns: { name: string }[];
    };
    expect(json.rows).toBe(800);
    expect(json.columns.map((c) => c.name)).toContain('days_since_last_usage');
  });

  it('describe works on the bundled sample with the base config', async () => {
    const base = path.join(projectRoot(), 'config/base_config.yaml');
    const json = JSON.parse((await run(['data', 'describe', '--config', base, '--json'])).out) as {
      rows: number;
      positives: number;
      columns: { name: string }[];
      warnings: string[];
    };
    expect(json.rows).toBe(5000);
    expect(json.positives).toBe(193);
    expect(json.columns).toHaveLength(31); // id, label and the 29 features
    expect(json.warnings.join('\n')).toMatch(/24 duplicate rows/);
  });

  it('describe reports config and data problems as one clear error', async () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'data:\n  data_dir: /nonexistent\n  test_sise: 0.3\n');
    const r = await run(['data', 'describe', '--config', bad]);
    expect(r.error?.message).toMatch(
      /^invalid config\n.*bad\.yaml:3:3 data\.test_sise: unknown key "test_sise" — did you mean "test_size"\?$/,
    );
    const missing = path.join(dir, 'missing.yaml');
    writeFileSync(missing, 'data:\n  data_dir: /nonexistent\n');
    const r2 = await run(['data', 'describe', '--config', missing]);
    expect(r2.error?.message).toBe('customers.csv: file not found (/nonexistent/customers.csv)');
    const ok = path.join(dir, 'ok.yaml');
    writeFileSync(ok, `data:\n  data_dir: ${out}\n`);
    const r3 = await run(['data', 'describe', '--config', ok, '--set', 'data.files.usage=customers.csv']);
    expect(r3.error?.message).toMatch(
      /^customers\.csv: missing columns WHEN_TIMESTAMP, ACTIONS_CRM_CONTACTS/,
    );
  });
});
