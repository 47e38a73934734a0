import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameworkConfigSchema, type FrameworkConfigInput } from '../../../shared/config/schema';
import { FingerprintBuilder, fingerprintFiles } from './fingerprint';
import { usageSample } from './fixtures/usage-sample';
import { generateSample } from './generate';
import { loadHubspot } from './hubspot';
import { readPlain } from './hubspot-plain';
import { lineStartAt, plainTimestamp, scanPlainCsv, type PlainKind } from './plain-csv';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'mlsys-scan-'));
const USAGE_KINDS: Record<string, PlainKind> = { id: 'id', WHEN_TIMESTAMP: 'timestamp!', A: 'number', B: 'number' };

async function scanText(text: string, header = ['id', 'WHEN_TIMESTAMP', 'A', 'B'], kinds = USAGE_KINDS) {
  const file = path.join(tmp(), 'usage.csv');
  writeFileSync(file, text);
  return scanPlainCsv(file, header, kinds);
}

/** The scanned columns as in the usage file: id, ts, counters [A, B]. */
async function plain(text: string, header?: string[]) {
  const r = await scanText(text, header);
  if (!r.plain) throw new Error(`expected a plain file: ${r.reason}`);
  const n = r.table.numbers;
  return { rows: r.table.rows, id: n.get('id')!, ts: n.get('WHEN_TIMESTAMP')!, counters: [n.get('A')!, n.get('B')!] };
}

const epoch = (iso: string) => Date.parse(`${iso}Z`) / 1000;

describe('scanPlainCsv', () => {
  it('reads ids, timestamps and decimal counters exactly', async () => {
    const c = await plain(
      'id,WHEN_TIMESTAMP,A,B\n' +
        '7,2019-01-07 00:00:00,0.1,-2.5\n' +
        '-3,2020-02-29 23:59:59,,007\n' +
        '123456789012345,1999-12-31,123.456789012345,-0\n',
    );
    expect(c.rows).toBe(3);
    expect([...c.id]).toEqual([7, -3, 123456789012345]);
    expect([...c.ts]).toEqual([epoch('2019-01-07T00:00:00'), epoch('2020-02-29T23:59:59'), epoch('1999-12-31T00:00:00')]);
    expect(c.counters[0][0]).toBe(0.1);
    expect(Number.isNaN(c.counters[0][1])).toBe(true); // empty: DuckDB's NULL
    expect(c.counters[0][2]).toBe(123.456789012345);
    expect([...c.counters[1]]).toEqual([-2.5, 7, -0]);
    expect(Object.is(c.counters[1][2], -0)).toBe(true);
  });

  it('takes the columns by name in any order, skips others, and accepts CRLF and a last line without newline', async () => {
    const c = await plain('B,note,WHEN_TIMESTAMP,id,A\r\n1,x y,2019-01-07,5,2\r\n3,,2019-01-08,6,4', [
      'B',
      'note',
      'WHEN_TIMESTAMP',
      'id',
      'A',
    ]);
    expect([...c.id]).toEqual([5, 6]);
    expect([...c.counters[0]]).toEqual([2, 4]);
    expect([...c.counters[1]]).toEqual([1, 3]);
    expect([...c.ts]).toEqual([epoch('2019-01-07T00:00:00'), epoch('2019-01-08T00:00:00')]);
  });

  it('parses decimals as DuckDB does (correctly rounded) for every digit count up to 15', async () => {
    const values: string[] = [];
    for (let digits = 1; digits <= 15; digits++) {
      for (let dot = 1; dot <= digits; dot++) {
        const s = String(((digits * 7919 + dot * 104_729) % 9) + 1).repeat(digits);
        values.push(dot === digits ? s : `${s.slice(0, dot)}.${s.slice(dot)}`);
      }
    }
    const c = await plain('id,WHEN_TIMESTAMP,A,B\n' + values.map((v, i) => `${i},2019-01-07,${v},-${v}`).join('\n') + '\n');
    values.forEach((v, i) => {
      expect(c.counters[0][i], v).toBe(Number(v));
      expect(c.counters[1][i], v).toBe(-Number(v));
    });
  });

  it('reads across read boundaries and grows past a low row estimate', async () => {
    // long first lines make the estimate (from the first 64 KB) far too low for the short ones after
    const lines = ['id,WHEN_TIMESTAMP,A,B,note'];
    for (let i = 0; i < 400; i++) lines.push(`${i},2019-01-07 00:00:00,${i},1,${'x'.repeat(300)}`);
    for (let i = 400; i < 150_000; i++) lines.push(`${i},2019-01-0${1 + (i % 9)} 0${i % 10}:00:00,${i % 97}.5,${i},`);
    const c = await plain(lines.join('\n') + '\n', ['id', 'WHEN_TIMESTAMP', 'A', 'B', 'note']);
    expect(c.rows).toBe(149_999 + 1);
    for (const i of [0, 399, 400, 77_777, 149_999]) {
      expect(c.id[i]).toBe(i);
      expect(c.counters[0][i]).toBe(i < 400 ? i : (i % 97) + 0.5);
      expect(c.counters[1][i]).toBe(i < 400 ? 1 : i);
      expect(c.ts[i]).toBe(i < 400 ? epoch('2019-01-07T00:00:00') : epoch(`2019-01-0${1 + (i % 9)}T0${i % 10}:00:00`));
    }
  });

  it('scans a file in parts cut at line starts, giving the whole in order', async () => {
    const { file, header, kinds } = usageSample(400, 4);
    const whole = await scanPlainCsv(file, header, kinds);
    if (!whole.plain) throw new Error(whole.reason);
    const size = statSync(file).size;
    const start = lineStartAt(file, 1);
    expect(start).toBe(readFileSync(file, 'utf8').indexOf('\n') + 1);
    for (const at of [start, start + 1, Math.floor(size / 3), size - 1, size]) {
      const cut = lineStartAt(file, at);
      expect(cut === size || readFileSync(file).at(cut - 1) === 10, String(at)).toBe(true);
      const a = await scanPlainCsv(file, header, kinds, { from: start, to: cut });
      const b = await scanPlainCsv(file, header, kinds, { from: cut, to: size });
      if (!a.plain || !b.plain) throw new Error('not plain');
      expect(a.table.rows + b.table.rows).toBe(whole.table.rows);
      for (const [name, values] of whole.table.numbers) {
        expect([...a.table.numbers.get(name)!, ...b.table.numbers.get(name)!], name).toEqual([...values]);
      }
    }
    expect(lineStartAt(file, size + 10)).toBe(size);
  });

  it('fingerprints as fingerprintFiles does', async () => {
    const dir = tmp();
    generateSample({ companies: 300, seed: 4, outDir: dir });
    const files = ['customers.csv', 'noncustomers.csv', 'usage_actions.csv'].map((f) => path.join(dir, f));
    const builder = new FingerprintBuilder();
    for (const f of files) builder.addFile(f);
    expect(builder.digest()).toBe(await fingerprintFiles(files));
  });

  it.each([
    ['a quote', '1,2019-01-07,"1",2\n'],
    ['a text id', 'x1,2019-01-07,1,2\n'],
    ['a decimal id', '1.5,2019-01-07,1,2\n'],
    ['an empty id', ',2019-01-07,1,2\n'],
    ['an exponent', '1,2019-01-07,1e5,2\n'],
    ['a space', '1,2019-01-07, 1,2\n'],
    ['a trailing dot', '1,2019-01-07,1.,2\n'],
    ['a leading dot', '1,2019-01-07,.5,2\n'],
    ['a lone minus', '1,2019-01-07,-,2\n'],
    ['16 digits', '1,2019-01-07,1234567890.123456,2\n'],
    ['a 16-digit id', '1234567890123456,2019-01-07,1,2\n'],
    ['February 30', '1,2019-02-30,1,2\n'],
    ['month 13', '1,2019-13-01,1,2\n'],
    ['hour 24', '1,2019-01-07 24:00:00,1,2\n'],
    ['fractional seconds', '1,2019-01-07 00:00:00.5,1,2\n'],
    ['a T separator', '1,2019-01-07T00:00:00,1,2\n'],
    ['an empty timestamp', '1,,1,2\n'],
    ['too few fields', '1,2019-01-07,1\n'],
    ['too many fields', '1,2019-01-07,1,2,3\n'],
    ['a blank line', '1,2019-01-07,1,2\n\n2,2019-01-07,1,2\n'],
    ['a lone CR', '1,2019-01-07,1,2\r2,2019-01-07,1,2\n'],
  ])('leaves a file with %s to DuckDB', async (_, rows) => {
    const r = await scanText('id,WHEN_TIMESTAMP,A,B\n1,2019-01-07,1,2\n' + rows);
    expect(r.plain).toBe(false);
  });

  it('codes text by first appearance (empty = 0) and reads an empty timestamp as NaN unless required', async () => {
    const r = await scanText('id,CLOSEDATE,KIND\n1,2020-01-15,2 to 5\n2,,RETAIL\n3,2020-01-16,\n4,2020-01-17,2 to 5\n', ['id', 'CLOSEDATE', 'KIND'], {
      id: 'id',
      CLOSEDATE: 'timestamp',
      KIND: 'text',
    });
    if (!r.plain) throw new Error(r.reason);
    expect(r.table.texts.get('KIND')).toEqual({ codes: Int32Array.from([1, 2, 0, 1]), values: ['2 to 5', 'RETAIL'] });
    expect([...r.table.numbers.get('CLOSEDATE')!]).toEqual([epoch('2020-01-15T00:00:00'), NaN, epoch('2020-01-16T00:00:00'), epoch('2020-01-17T00:00:00')]);
    const required = await scanText('id,CLOSEDATE\n1,2020-01-15\n2,\n', ['id', 'CLOSEDATE'], { id: 'id', CLOSEDATE: 'timestamp!' });
    expect(required.plain).toBe(false);
    const accented = await scanText('id,KIND\n1,Caf\u00e9\n', ['id', 'KIND'], { id: 'id', KIND: 'text' });
    expect(accented.plain).toBe(false); // non-ASCII text: DuckDB's reader (its sort order is bytes)
  });

  it('codes thousands of distinct texts consistently', async () => {
    const value = (i: number) => `v${(i * 7919) % 3000}`;
    const lines = Array.from({ length: 9000 }, (_, i) => `${i},${value(i)}`);
    const r = await scanText(`id,KIND\n${lines.join('\n')}\n`, ['id', 'KIND'], { id: 'id', KIND: 'text' });
    if (!r.plain) throw new Error(r.reason);
    const { codes, values } = r.table.texts.get('KIND')!;
    expect(values).toHaveLength(3000);
    for (let i = 0; i < 9000; i++) expect(values[codes[i] - 1]).toBe(value(i));
  });

  it('reads a snapshot date as the scan reads timestamps', () => {
    expect(plainTimestamp('2020-06-01')).toBe(epoch('2020-06-01T00:00:00'));
    expect(plainTimestamp('2020-06-01 12:30:05')).toBe(epoch('2020-06-01T12:30:05'));
    for (const bad of ['2020-02-30', '2020-6-01', '2020-06-01T00:00:00', '2020-06-01 24:00:00', '']) {
      expect(plainTimestamp(bad), bad).toBeNaN();
    }
  });

  it('leaves a header-only file to DuckDB', async () => {
    expect((await scanText('id,WHEN_TIMESTAMP,A,B\n')).plain).toBe(false);
    expect((await scanText('id,WHEN_TIMESTAMP,A,B')).plain).toBe(false);
  });
});

describe('the hubspot loader with and without the scan', () => {
  function config(dataDir: string, extra: FrameworkConfigInput = {}) {
    return FrameworkConfigSchema.parse({ ...extra, data: { data_dir: dataDir } });
  }

  /** Whether the files are read without DuckDB. */
  async function readsPlain(dir: string, extra: FrameworkConfigInput = {}): Promise<boolean> {
    const files = { customers: 'customers.csv', noncustomers: 'noncustomers.csv', usage: 'usage_actions.csv' };
    const paths = { customers: path.join(dir, files.customers), noncustomers: path.join(dir, files.noncustomers), usage: path.join(dir, files.usage) };
    return !('notPlain' in (await readPlain(config(dir, extra), paths, files, () => {})));
  }

  /** The plain reader (the usage file in one chunk, and in chunks of 8 KB shared by two threads) against DuckDB's. */
  async function bothWays(dir: string, extra: FrameworkConfigInput = {}) {
    const duck = await loadHubspot(config(dir, extra), undefined, { plain: false });
    const { table: _b, timings: _tb, ...restDuck } = duck;
    const reads = [
      await loadHubspot(config(dir, extra)),
      await loadHubspot(config(dir, extra), undefined, { usageChunkBytes: 8192 }),
    ];
    for (const scanned of reads) {
      expect(scanned.table.columns.map((c) => c.name)).toEqual(duck.table.columns.map((c) => c.name));
      for (const [i, c] of scanned.table.columns.entries()) {
        expect([...c.values], c.name).toEqual([...duck.table.columns[i].values]);
      }
      const { table: _a, timings: _ta, ...restScanned } = scanned;
      expect(restScanned).toEqual(restDuck);
    }
    return reads[0];
  }

  const settings: [string, FrameworkConfigInput][] = [
    ['all-time, point in time', {}],
    ['all-time, no cutoff', { features: { cutoff: { rule: 'none' } } }],
    ['all-time, a fixed snapshot', { features: { cutoff: { snapshot_date: '2020-01-20' } } }],
    ['windows with active weeks', { features: { usage: { mode: 'windows', windows: [7, 28, 90], active_weeks: true } } }],
    ['windows, a fixed snapshot', { features: { usage: { mode: 'windows' }, cutoff: { snapshot_date: '2020-06-01' } } }],
  ];

  /** A generated sample with the cases the readers must agree on appended. */
  function sample(seed: number, bigIds = false): string {
    const dir = tmp();
    generateSample({ companies: 1500, seed, outDir: dir });
    const file = (f: string) => path.join(dir, f);
    const cust = readFileSync(file('customers.csv'), 'utf8').split('\n')[1].split(',');
    const non = readFileSync(file('noncustomers.csv'), 'utf8').split('\n')[1].split(',');
    const big = bigIds ? '123456789012345' : '77777';
    // a duplicate customer (different values), a non-customer also a customer, empty attributes, a text
    // with spaces around it, an id far above the others (a map instead of a table when bigIds)
    appendFileSync(file('customers.csv'), `${cust[0]},2020-01-01,1.0,1.0,1,OTHER\n${non[0]},2020-02-03,5.0,,, RETAIL \n`);
    appendFileSync(file('noncustomers.csv'), `${big},,2 to 5,\n-4,12.5,,INTERNET\n${non[0]},3.0,1,RETAIL\n`);
    // decimals, an empty counter, an orphan id, rows on a customer's close date, rows of the new ids
    appendFileSync(
      file('usage_actions.csv'),
      `${cust[0]},${cust[1]} 00:00:00,0.25,,1.5,0,0,0,0,0\n` +
        `${cust[0]},${cust[1]} 00:00:00,0.5,1,1.5,0,0,0,0,0\n` +
        `99999999,2019-03-04 00:00:00,1,1,1,1,1,1,1,1\n` +
        `${big},2019-03-04 12:00:00,3,1,1,1,1,1,1,1\n` +
        `-4,2019-03-05,2,1,1,1,1,1,1,1\n` +
        `${non[0]},2020-02-10 00:00:00,9,9,9,9,9,9,9,9\n`,
    );
    return dir;
  }

  it.each(settings)('gives the same dataset (%s)', async (_, extra) => {
    for (const bigIds of [false, true]) {
      const dir = sample(11, bigIds);
      expect(await readsPlain(dir, extra)).toBe(true);
      const ds = await bothWays(dir, extra);
      const warnings = ds.warnings.join('\n');
      expect(warnings).toMatch(/customers\.csv: 1 duplicate rows/);
      expect(warnings).toMatch(/ids are in both/);
      expect(warnings).toMatch(/usage_actions\.csv: \d+ rows with ids in neither/);
    }
  });

  it('aggregates all-time usage while it reads the chunks, and windows after reading them all', async () => {
    const dir = sample(14);
    const files = { customers: 'customers.csv', noncustomers: 'noncustomers.csv', usage: 'usage_actions.csv' };
    const paths = { customers: path.join(dir, files.customers), noncustomers: path.join(dir, files.noncustomers), usage: path.join(dir, files.usage) };
    for (const [mode, early] of [['all_time', true], ['windows', false]] as const) {
      const read = await readPlain(config(dir, { features: { usage: { mode } } }), paths, files, () => {}, 8192);
      if ('notPlain' in read) throw new Error(read.notPlain);
      expect(read.aggregated !== undefined).toBe(early);
      if (early) expect(read.aggregated!.joined).toBeGreaterThan(read.aggregated!.dropped);
    }
  });

  it('gives the same dataset for a usage file in time order, which it does not sort (windows with active weeks)', async () => {
    const dir = tmp();
    generateSample({ companies: 1500, seed: 15, outDir: dir });
    const ts = readFileSync(path.join(dir, 'usage_actions.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(',')[1]);
    expect(ts.every((v, i) => i === 0 || v >= ts[i - 1])).toBe(true); // the generator writes it in time order
    for (const extra of [settings[2][1], { features: { usage: { mode: 'windows', windows: [7, 28, 90], active_weeks: true }, cutoff: { rule: 'none' } } }] as FrameworkConfigInput[]) {
      expect(await readsPlain(dir, extra)).toBe(true);
      await bothWays(dir, extra);
    }
  });

  it('reads files with a byte-order mark and CRLF line ends as DuckDB does', async () => {
    const dir = sample(13);
    for (const f of ['customers.csv', 'noncustomers.csv', 'usage_actions.csv']) {
      const file = path.join(dir, f);
      writeFileSync(file, '\uFEFF' + readFileSync(file, 'utf8').replace(/\n/g, '\r\n'));
    }
    expect(await readsPlain(dir)).toBe(true);
    await bothWays(dir, { features: { usage: { mode: 'windows', active_weeks: true } } });
  });

  it('falls back to DuckDB for a file that is not plain, with the same result', async () => {
    const dir = tmp();
    generateSample({ companies: 600, seed: 12, outDir: dir });
    appendFileSync(path.join(dir, 'usage_actions.csv'), '1,"2019-03-04 00:00:00",1,1,1,1,1,1,1,1\n');
    expect(await readsPlain(dir)).toBe(false);
    const ds = await bothWays(dir);
    expect(ds.rawRows!.usage).toBeGreaterThan(0);
    const messages: string[] = [];
    await loadHubspot(config(dir), (m) => messages.push(m));
    expect(messages.filter((m) => /^usage_actions\.csv: a line after byte \d+ is not plain: reading the files with DuckDB$/.test(m))).toHaveLength(1);
  });

  it('says which line of a company file the plain reader did not take', async () => {
    const dir = tmp();
    generateSample({ companies: 300, seed: 14, outDir: dir });
    const file = path.join(dir, 'noncustomers.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[2] = lines[2].replace(/,([^,]*)$/, ',"$1"'); // a quoted INDUSTRY on line 3
    writeFileSync(file, lines.join('\n'));
    const messages: string[] = [];
    const ds = await loadHubspot(config(dir), (m) => messages.push(m));
    expect(messages).toContain('noncustomers.csv: line 3 is not plain: reading the files with DuckDB');
    expect(ds.ids.length).toBeGreaterThan(0);
  });
});
