import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSample } from './generate';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'mlsys-gen-'));
const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8');

describe('generateSample', () => {
  const a = tmp();
  const info = generateSample({ companies: 3000, seed: 5, outDir: a });

  it('writes the assessment schema', () => {
    expect(read(a, 'customers.csv').split('\n')[0]).toBe('id,CLOSEDATE,MRR,ALEXA_RANK,EMPLOYEE_RANGE,INDUSTRY');
    expect(read(a, 'noncustomers.csv').split('\n')[0]).toBe('id,ALEXA_RANK,EMPLOYEE_RANGE,INDUSTRY');
    expect(read(a, 'usage_actions.csv').split('\n')[0]).toBe(
      'id,WHEN_TIMESTAMP,ACTIONS_CRM_CONTACTS,ACTIONS_CRM_COMPANIES,ACTIONS_CRM_DEALS,ACTIONS_EMAIL,' +
        'USERS_CRM_CONTACTS,USERS_CRM_COMPANIES,USERS_CRM_DEALS,USERS_EMAIL',
    );
    const cust = read(a, 'customers.csv').trim().split('\n').slice(1);
    for (const line of cust.slice(0, 50)) {
      expect(line).toMatch(/^\d+,\d{4}-\d{2}-\d{2},\d+\.\d{2},(\d+\.\d)?,[^,]+,[A-Z_]*$/);
    }
    const usage = read(a, 'usage_actions.csv').trim().split('\n').slice(1);
    expect(usage[0]).toMatch(/^\d+,\d{4}-\d{2}-\d{2} 00:00:00(,\d+){8}$/);
  });

  it('has the statistics of the assessment data', () => {
    expect(info.pos_rate).toBeGreaterThan(0.025);
    expect(info.pos_rate).toBeLessThan(0.06);
    expect(info.usage_rows / info.companies).toBeGreaterThan(4);
    expect(info.usage_rows / info.companies).toBeLessThan(6);
    expect(info.noncustomer_duplicate_rows).toBeGreaterThan(0);
    expect(info.orphan_usage_rows).toBeGreaterThan(0);
    const non = read(a, 'noncustomers.csv').trim().split('\n').slice(1);
    const missingAlexa = non.filter((l) => l.split(',')[1] === '').length / non.length;
    const missingIndustry = non.filter((l) => l.endsWith(',')).length / non.length;
    expect(missingAlexa).toBeGreaterThan(0.02);
    expect(missingAlexa).toBeLessThan(0.1);
    expect(missingIndustry).toBeGreaterThan(0.02);
    expect(missingIndustry).toBeLessThan(0.1);
  });

  it('orders usage rows by week, then id', () => {
    const rows = read(a, 'usage_actions.csv')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    for (let i = 1; i < rows.length; i++) {
      const [id0, w0] = rows[i - 1];
      const [id1, w1] = rows[i];
      expect(w0 < w1 || (w0 === w1 && Number(id0) <= Number(id1))).toBe(true);
    }
  });

  it('is byte-identical for the same seed and differs for another', () => {
    const b = tmp();
    generateSample({ companies: 3000, seed: 5, outDir: b });
    for (const f of ['customers.csv', 'noncustomers.csv', 'usage_actions.csv', 'gen_info.json']) {
      expect(read(b, f)).toBe(read(a, f));
    }
    const c = tmp();
    generateSample({ companies: 3000, seed: 6, outDir: c });
    expect(read(c, 'usage_actions.csv')).not.toBe(read(a, 'usage_actions.csv'));
  });

  it('rejects a non-positive company count', () => {
    expect(() => generateSample({ companies: 0, seed: 1, outDir: tmp() })).toThrow(/positive integer/);
  });
});
