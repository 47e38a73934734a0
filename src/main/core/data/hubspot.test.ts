import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameworkConfigSchema, type FrameworkConfigInput } from '../../../shared/config/schema';
import { DataError } from './errors';
import { fingerprintFiles, fingerprintFilesInWorker, fingerprintInputs } from './fingerprint';
import { generateSample } from './generate';
import { loadDataset } from './load';
import { getColumn, type Table } from './table';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'mlsys-data-'));

function config(dataDir: string, extra: FrameworkConfigInput = {}) {
  return FrameworkConfigSchema.parse({ ...extra, data: { data_dir: dataDir, ...(extra.data ?? {}) } });
}

function write(dir: string, files: Record<string, string>): string {
  for (const [f, t] of Object.entries(files)) writeFileSync(path.join(dir, f), t);
  return dir;
}

const CUSTOMERS = 'id,CLOSEDATE,MRR,ALEXA_RANK,EMPLOYEE_RANGE,INDUSTRY\n1,2020-01-15,100.00,5000.0,2 to 5,RETAIL\n';
const NONCUSTOMERS =
  'id,ALEXA_RANK,EMPLOYEE_RANGE,INDUSTRY\n2,,1,\n3,7000.0,6 to 10,INTERNET\n3,7000.0,6 to 10,INTERNET\n';
const USAGE =
  'id,WHEN_TIMESTAMP,ACTIONS_CRM_CONTACTS,ACTIONS_CRM_COMPANIES,ACTIONS_CRM_DEALS,ACTIONS_EMAIL,USERS_CRM_CONTACTS,USERS_CRM_COMPANIES,USERS_CRM_DEALS,USERS_EMAIL\n' +
  '1,2020-01-06 00:00:00,4,0,0,1,1,0,0,1\n' +
  '1,2020-01-13 00:00:00,6,1,0,1,1,1,0,1\n' +
  '1,2020-01-20 00:00:00,500,50,50,50,5,5,5,5\n' + // after customer 1's CLOSEDATE
  '3,2020-01-27 00:00:00,2,0,0,0,1,0,0,0\n' +
  '9,2020-01-27 00:00:00,1,1,1,1,1,1,1,1\n'; // id in neither file

async function loadError(dir: string, extra: FrameworkConfigInput = {}): Promise<DataError> {
  const e = await loadDataset(config(dir, extra)).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

const col = (t: Table, name: string) => getColumn(t, name)!.values;

describe('hubspot loader on a hand-made example', () => {
  it('labels customers 1 and others 0, de-duplicates non-customers and warns', async () => {
    const dir = write(tmp(), { 'customers.csv': CUSTOMERS, 'noncustomers.csv': NONCUSTOMERS, 'usage_actions.csv': USAGE });
    const ds = await loadDataset(config(dir));
    expect(ds.ids).toEqual(['1', '2', '3']);
    expect([...ds.y]).toEqual([1, 0, 0]);
    expect(ds.table.columns).toHaveLength(29);
    expect(ds.warnings.join('\n')).toMatch(/noncustomers\.csv: 1 duplicate rows \(ids 3…\); kept the first/);
    expect(ds.warnings.join('\n')).toMatch(/usage_actions\.csv: 1 rows with ids in neither/);
    expect(ds.rawRows).toEqual({ customers: 1, noncustomers: 3, usage: 5 });
    // missing values stay missing
    expect(Number.isNaN(col(ds.table, 'ALEXA_RANK')[1])).toBe(true);
    expect(col(ds.table, 'INDUSTRY')[1]).toBeNull();
    // point in time: customer 1 counts only its two rows up to 2020-01-15
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_sum')[0]).toBe(10);
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_max')[0]).toBe(6);
    expect(col(ds.table, 'usage_rows')[0]).toBe(2);
    expect(col(ds.table, 'days_since_last_usage')[0]).toBe(2); // 01-13 → 01-15
    expect(ds.droppedAfterCutoff).toBe(1);
    // company 2 has no usage: sums and count 0, mean/max/recency missing
    expect(col(ds.table, 'ACTIONS_EMAIL_sum')[1]).toBe(0);
    expect(col(ds.table, 'usage_rows')[1]).toBe(0);
    expect(Number.isNaN(col(ds.table, 'ACTIONS_EMAIL_mean')[1])).toBe(true);
    expect(Number.isNaN(col(ds.table, 'days_since_last_usage')[1])).toBe(true);
    // non-customers end at the snapshot (latest timestamp in the file): 3 was seen on it
    expect(ds.snapshotDate).toBe('2020-01-27 00:00:00');
    expect(col(ds.table, 'days_since_last_usage')[2]).toBe(0);
  });

  it('with cutoff.rule none (the peer definition) every row counts', async () => {
    const dir = write(tmp(), { 'customers.csv': CUSTOMERS, 'noncustomers.csv': NONCUSTOMERS, 'usage_actions.csv': USAGE });
    const ds = await loadDataset(config(dir, { features: { cutoff: { rule: 'none' } } }));
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_sum')[0]).toBe(510);
    expect(col(ds.table, 'days_since_last_usage')[0]).toBe(7); // 01-20 → latest 01-27
    expect(ds.droppedAfterCutoff).toBe(0);
  });

  it('duplicates, ids in both files and empty counters: first row wins, customers win, NaN skipped', async () => {
    const dir = write(tmp(), {
      'customers.csv': CUSTOMERS + '4,2020-01-10,1.00,10.0,1,INTERNET\n1,2020-01-30,9.00,1.0,1,OTHER\n',
      'noncustomers.csv': NONCUSTOMERS + '4,5.0,6 to 10,RETAIL\n',
      'usage_actions.csv':
        USAGE +
        '4,2020-01-06 00:00:00,,3,0,0,0,0,0,0\n' + // empty counter: skipped by sum / mean / max
        '4,2020-01-06 00:00:00,8,3,0,0,0,0,0,0\n' +
        '4,2020-01-13 00:00:00,1000,3,0,0,0,0,0,0\n', // after 4's CLOSEDATE (2020-01-10)
    });
    const ds = await loadDataset(config(dir));
    expect(ds.ids).toEqual(['1', '4', '2', '3']);
    expect([...ds.y]).toEqual([1, 1, 0, 0]);
    expect(ds.warnings).toEqual([
      'customers.csv: 1 duplicate rows (ids 1…); kept the first of each id',
      'noncustomers.csv: 1 duplicate rows (ids 3…); kept the first of each id',
      '1 ids are in both customers.csv and noncustomers.csv (4…); labelled customers',
      'usage_actions.csv: 1 rows with ids in neither customers.csv nor noncustomers.csv (ignored)',
    ]);
    expect(col(ds.table, 'ALEXA_RANK')[0]).toBe(5000); // customer 1's first row
    expect(col(ds.table, 'INDUSTRY')[1]).toBe('INTERNET'); // 4's customer row
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_sum')[1]).toBe(8);
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_mean')[1]).toBe(8);
    expect(col(ds.table, 'ACTIONS_CRM_COMPANIES_mean')[1]).toBe(3);
    expect(col(ds.table, 'usage_rows')[1]).toBe(2);
    expect(ds.droppedAfterCutoff).toBe(2); // customer 1's 01-20 row and 4's 01-13 row
    const none = await loadDataset(config(dir, { features: { cutoff: { rule: 'none' } } }));
    expect(none.droppedAfterCutoff).toBe(0);
    expect(col(none.table, 'ACTIONS_CRM_CONTACTS_sum')[1]).toBe(1008);
    expect(col(none.table, 'usage_rows')[1]).toBe(3);
  });

  it('windows mode: per-window sums, active weeks and trend before the cutoff', async () => {
    const dir = write(tmp(), { 'customers.csv': CUSTOMERS, 'noncustomers.csv': NONCUSTOMERS, 'usage_actions.csv': USAGE });
    const ds = await loadDataset(
      config(dir, { features: { usage: { mode: 'windows', windows: [7, 28], counters: ['ACTIONS_CRM_CONTACTS'] } } }),
    );
    expect(ds.table.columns.map((c) => c.name)).toEqual([
      'ALEXA_RANK',
      'EMPLOYEE_RANGE',
      'INDUSTRY',
      'ACTIONS_CRM_CONTACTS_sum_7d',
      'ACTIONS_CRM_CONTACTS_mean_7d',
      'ACTIONS_CRM_CONTACTS_max_7d',
      'usage_rows_7d',
      'active_weeks_7d',
      'ACTIONS_CRM_CONTACTS_sum_28d',
      'ACTIONS_CRM_CONTACTS_mean_28d',
      'ACTIONS_CRM_CONTACTS_max_28d',
      'usage_rows_28d',
      'active_weeks_28d',
      'ACTIONS_CRM_CONTACTS_trend',
      'usage_rows',
      'days_since_last_usage',
    ]);
    // customer 1, cutoff 2020-01-15: 7d window (01-08, 01-15] holds 01-13 only; 28d holds both rows
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_sum_7d')[0]).toBe(6);
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_sum_28d')[0]).toBe(10);
    expect(col(ds.table, 'active_weeks_28d')[0]).toBe(2);
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_trend')[0]).toBeCloseTo(6 / 7 - 10 / 28, 12);
    expect(Number.isNaN(col(ds.table, 'ACTIONS_CRM_CONTACTS_mean_7d')[1])).toBe(true);
  });
  it('accepts text ids (not integers) in every file', async () => {
    const text = (t: string) => t.replace(/^(\d+),/gm, 'co-$1,');
    const dir = write(tmp(), {
      'customers.csv': text(CUSTOMERS),
      'noncustomers.csv': text(NONCUSTOMERS),
      'usage_actions.csv': text(USAGE),
    });
    const ds = await loadDataset(config(dir));
    expect(ds.ids).toEqual(['co-1', 'co-2', 'co-3']);
    expect([...ds.y]).toEqual([1, 0, 0]);
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_sum')[0]).toBe(10);
  });

  it('falls back to text ids when only the usage file has one that is not an integer', async () => {
    const dir = write(tmp(), {
      'customers.csv': CUSTOMERS,
      'noncustomers.csv': NONCUSTOMERS,
      'usage_actions.csv': USAGE + 'x-7,2020-01-27 00:00:00,1,1,1,1,1,1,1,1\n',
    });
    const ds = await loadDataset(config(dir));
    expect(ds.ids).toEqual(['1', '2', '3']);
    expect(col(ds.table, 'ACTIONS_CRM_CONTACTS_sum')).toEqual(Float64Array.from([10, 0, 2]));
    expect(ds.warnings.join('\n')).toMatch(/usage_actions\.csv: 2 rows with ids in neither/);
  });
});

describe('hubspot loader errors', () => {
  const good = { 'customers.csv': CUSTOMERS, 'noncustomers.csv': NONCUSTOMERS, 'usage_actions.csv': USAGE };

  it('missing file', async () => {
    const dir = write(tmp(), { 'customers.csv': CUSTOMERS, 'noncustomers.csv': NONCUSTOMERS });
    const e = await loadError(dir);
    expect(e.message).toMatch(/^usage_actions\.csv: file not found \(/);
  });

  it('empty file', async () => {
    const e = await loadError(write(tmp(), { ...good, 'noncustomers.csv': '' }));
    expect(e.message).toBe('noncustomers.csv: file is empty, expected a header line and rows');
  });

  it('wrong delimiter', async () => {
    const e = await loadError(write(tmp(), { ...good, 'customers.csv': CUSTOMERS.replace(/,/g, ';') }));
    expect(e.message).toBe('customers.csv: the header is separated by ";"; expected comma-separated values');
  });

  it('text in a numeric column names file, column and first bad row', async () => {
    const bad = NONCUSTOMERS.replace('3,7000.0,6 to 10', '3,seven thousand,6 to 10');
    const e = await loadError(write(tmp(), { ...good, 'noncustomers.csv': bad }));
    expect(e.message).toBe(
      'noncustomers.csv: column ALEXA_RANK, line 3 (data row 2): expected a number, got "seven thousand"',
    );
    expect(e.details).toMatchObject({ column: 'ALEXA_RANK', line: 3 });
  });

  it('a bad timestamp', async () => {
    const e = await loadError(write(tmp(), { ...good, 'usage_actions.csv': USAGE.replace('2020-01-13 00:00:00', 'last monday') }));
    expect(e.message).toMatch(/^usage_actions\.csv: column WHEN_TIMESTAMP, line 3 \(data row 2\): expected a date/);
  });

  it('a header only', async () => {
    const e = await loadError(write(tmp(), { ...good, 'customers.csv': CUSTOMERS.split('\n')[0] + '\n' }));
    expect(e.message).toBe('customers.csv: has a header but no data rows');
  });

  it('a missing column, with a hint for a wrong case', async () => {
    const e = await loadError(write(tmp(), { ...good, 'customers.csv': CUSTOMERS.replace('CLOSEDATE', 'closedate') }));
    expect(e.message).toMatch(/^customers\.csv: missing column CLOSEDATE \(found closedate — wrong name or case\?\)/);
  });

  it('a bad value in a later file comes before a missing id in an earlier one (files are read first)', async () => {
    const e = await loadError(
      write(tmp(), {
        ...good,
        'customers.csv': CUSTOMERS + ',2020-01-15,1.00,1.0,1,RETAIL\n',
        'usage_actions.csv': USAGE.replace('1,2020-01-13 00:00:00,6', '1,2020-01-13 00:00:00,six'),
      }),
    );
    expect(e.message).toBe(
      'usage_actions.csv: column ACTIONS_CRM_CONTACTS, line 3 (data row 2): expected a number, got "six"',
    );
    const missing = await loadError(write(tmp(), { ...good, 'customers.csv': CUSTOMERS + ',2020-01-15,1.00,1.0,1,RETAIL\n' }));
    expect(missing.message).toBe('customers.csv: column id, line 3: missing id');
  });

  it('with several bad files (read at the same time), reports the first in the order customers, non-customers, usage', async () => {
    const badUsage = USAGE.replace('1,2020-01-13 00:00:00,6', '1,2020-01-13 00:00:00,six');
    const badNon = NONCUSTOMERS.replace('3,7000.0,6 to 10', '3,seven thousand,6 to 10');
    const badCust = CUSTOMERS.replace('5000.0', 'many');
    const all = await loadError(
      write(tmp(), { 'customers.csv': badCust, 'noncustomers.csv': badNon, 'usage_actions.csv': badUsage }),
    );
    expect(all.message).toMatch(/^customers\.csv: column ALEXA_RANK, line 2 /);
    const later = await loadError(write(tmp(), { ...good, 'noncustomers.csv': badNon, 'usage_actions.csv': badUsage }));
    expect(later.message).toMatch(/^noncustomers\.csv: column ALEXA_RANK, line 3 /);
    const noUsage = await loadError(write(tmp(), { 'customers.csv': badCust, 'noncustomers.csv': NONCUSTOMERS }));
    expect(noUsage.message).toMatch(/^customers\.csv: column ALEXA_RANK/);
  });

  it('a customer without CLOSEDATE under the point-in-time rule', async () => {
    const e = await loadError(write(tmp(), { ...good, 'customers.csv': CUSTOMERS + '5,,1.00,1.0,1,RETAIL\n' }));
    expect(e.message).toBe(
      'customers.csv: column CLOSEDATE, line 3: missing value (needed for the point-in-time cutoff)',
    );
  });
});

describe('no leakage', () => {
  it("customers' usage after CLOSEDATE never reaches the features", async () => {
    const dir = tmp();
    generateSample({ companies: 1500, seed: 3, outDir: dir });
    const before = await loadDataset(config(dir));
    // append a burst of huge usage for every customer, one day after its close date
    const cust = readFileSync(path.join(dir, 'customers.csv'), 'utf8').trim().split('\n').slice(1);
    const extra = cust.map((l) => {
      const [id, close] = l.split(',');
      const d = new Date(Date.parse(`${close}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      return `${id},${d} 00:00:00,99999,99999,99999,99999,99,99,99,99`;
    });
    const leakyDir = tmp();
    cpSync(dir, leakyDir, { recursive: true });
    appendFileSync(path.join(leakyDir, 'usage_actions.csv'), extra.join('\n') + '\n');
    // pin the snapshot so the appended rows do not move non-customers' cutoff either
    const snap = { features: { cutoff: { snapshot_date: before.snapshotDate!.slice(0, 10) } } };
    const a = await loadDataset(config(dir, snap));
    const b = await loadDataset(config(leakyDir, snap));
    expect(b.ids).toEqual(a.ids);
    for (const c of a.table.columns) {
      expect(getColumn(b.table, c.name)!.values, c.name).toEqual(c.values);
    }
    expect(b.droppedAfterCutoff! - a.droppedAfterCutoff!).toBe(extra.length);
    // the same check fails without the cutoff: the test can catch a leak
    const leaky = await loadDataset(config(leakyDir, { features: { cutoff: { rule: 'none' } } }));
    const sums = col(leaky.table, 'ACTIONS_CRM_CONTACTS_sum');
    const ok = col(a.table, 'ACTIONS_CRM_CONTACTS_sum');
    const changed = [...leaky.y].filter((yy, i) => yy === 1 && sums[i] !== ok[i]).length;
    expect(changed).toBe(cust.length);
  });

  it('non-customers end at the configured snapshot date', async () => {
    const dir = write(tmp(), { 'customers.csv': CUSTOMERS, 'noncustomers.csv': NONCUSTOMERS, 'usage_actions.csv': USAGE });
    const ds = await loadDataset(config(dir, { features: { cutoff: { snapshot_date: '2020-01-20' } } }));
    expect(col(ds.table, 'usage_rows')[2]).toBe(0); // company 3's only row is on 01-27
  });
});

describe('fingerprint', () => {
  it('is the same on a worker thread', async () => {
    const dir = tmp();
    generateSample({ companies: 200, seed: 2, outDir: dir });
    const files = ['customers.csv', 'noncustomers.csv', 'usage_actions.csv'].map((f) => path.join(dir, f));
    expect(await fingerprintFilesInWorker(files)).toBe(await fingerprintFiles(files));
    await expect(fingerprintFilesInWorker([path.join(dir, 'nope.csv')])).rejects.toThrow(/ENOENT/);
  });

  it('is the same whichever thread the size picks', async () => {
    const dir = tmp();
    generateSample({ companies: 200, seed: 3, outDir: dir });
    const files = ['customers.csv', 'noncustomers.csv', 'usage_actions.csv'].map((f) => path.join(dir, f));
    const expected = await fingerprintFiles(files);
    expect(await fingerprintInputs(files)).toBe(expected); // small: this thread
    expect(await fingerprintInputs(files, 1)).toBe(expected); // over the limit: a worker
    await expect(fingerprintInputs([path.join(dir, 'nope.csv')])).rejects.toThrow(/ENOENT/);
  });

  it('depends on the bytes of the input files only', async () => {
    const a = tmp();
    const b = tmp();
    generateSample({ companies: 300, seed: 1, outDir: a });
    generateSample({ companies: 300, seed: 1, outDir: b });
    const fa = (await loadDataset(config(a))).fingerprint;
    expect((await loadDataset(config(b))).fingerprint).toBe(fa);
    appendFileSync(path.join(b, 'usage_actions.csv'), '1,2019-01-07 00:00:00,1,1,1,1,1,1,1,1\n');
    expect((await loadDataset(config(b))).fingerprint).not.toBe(fa);
  });
});
