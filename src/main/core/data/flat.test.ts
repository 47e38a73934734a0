import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FrameworkConfigSchema } from '../../../shared/config/schema';
import { Duck, lit } from './duck';
import { DataError } from './errors';
import { loadDataset } from './load';
import { getColumn } from './table';

const tmp = () => mkdtempSync(path.join(tmpdir(), 'mlsys-flat-'));

const cfg = (dir: string, source: 'csv' | 'parquet', table: string, target = 'target') =>
  FrameworkConfigSchema.parse({ data: { source, data_dir: dir, files: { table }, target_column: target } });

const CSV = 'id,x1,color,flag,target\n10,1.5,red,true,yes\n11,,blue,false,no\n12,3.0,,true,no\n13,4.5,red,false,yes\n';

async function loadError(dir: string, file: string, text: string): Promise<DataError> {
  writeFileSync(path.join(dir, file), text);
  const e = await loadDataset(cfg(dir, 'csv', file)).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DataError);
  return e as DataError;
}

describe('csv source', () => {
  it('reads numeric and text columns, the id and a yes/no target', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'train.csv'), CSV);
    const ds = await loadDataset(cfg(dir, 'csv', 'train.csv'));
    expect(ds.source).toBe('csv');
    expect(ds.ids).toEqual(['10', '11', '12', '13']);
    expect([...ds.y]).toEqual([1, 0, 0, 1]);
    expect(ds.table.columns.map((c) => [c.name, c.kind])).toEqual([
      ['x1', 'numeric'],
      ['color', 'categorical'],
      ['flag', 'categorical'],
    ]);
    expect(ds.categorical).toEqual(['color', 'flag']);
    expect(Array.from(getColumn(ds.table, 'x1')!.values as Float64Array)).toEqual([1.5, NaN, 3, 4.5]);
    expect(getColumn(ds.table, 'color')!.values).toEqual(['red', 'blue', null, 'red']);
    expect(ds.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('numbers the rows when there is no id column', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 't.csv'), 'a,label\n1,0\n2,1\n');
    const ds = await loadDataset(cfg(dir, 'csv', 't.csv', 'label'));
    expect(ds.ids).toEqual(['1', '2']);
    expect([...ds.y]).toEqual([0, 1]);
  });

  it('names a bad target value and its line', async () => {
    const e = await loadError(tmp(), 't.csv', 'a,target\n1,0\n2,1\n3,maybe\n');
    expect(e.message).toBe('t.csv: column target, line 4: expected 0/1, true/false or yes/no, got "maybe"');
    const e2 = await loadError(tmp(), 't.csv', 'a,target\n1,0\n2,\n');
    expect(e2.message).toBe('t.csv: column target, line 3: expected 0/1, true/false or yes/no, got an empty value');
  });

  it('reports text in an otherwise numeric column', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 2}`);
    rows[25] = '25x,1';
    const e = await loadError(tmp(), 't.csv', `x,target\n${rows.join('\n')}\n`);
    expect(e.message).toBe('t.csv: column x, line 27: expected a number (the column is otherwise numeric), got "25x"');
  });

  it('reports a missing target column, a header only, an empty file and a wrong delimiter', async () => {
    expect((await loadError(tmp(), 't.csv', 'a,b\n1,2\n')).message).toBe('t.csv: missing column target; the header has a, b');
    expect((await loadError(tmp(), 't.csv', 'a,target\n')).message).toBe('t.csv: has a header but no data rows');
    expect((await loadError(tmp(), 't.csv', '')).message).toBe('t.csv: file is empty, expected a header line and rows');
    expect((await loadError(tmp(), 't.csv', 'a\ttarget\n1\t0\n')).message).toBe(
      't.csv: the header is separated by tab; expected comma-separated values',
    );
  });
});

describe('parquet source', () => {
  it('reads a parquet table like the same CSV', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'train.csv'), CSV);
    const duck = await Duck.open(1);
    try {
      await duck.run(
        `COPY (SELECT * FROM read_csv(${lit(path.join(dir, 'train.csv'))})) TO ${lit(path.join(dir, 'train.parquet'))} (FORMAT parquet)`,
      );
    } finally {
      duck.close();
    }
    const a = await loadDataset(cfg(dir, 'csv', 'train.csv'));
    const b = await loadDataset(cfg(dir, 'parquet', 'train.parquet'));
    expect(b.source).toBe('parquet');
    expect(b.ids).toEqual(a.ids);
    expect([...b.y]).toEqual([...a.y]);
    expect(b.table.columns.map((c) => c.name)).toEqual(a.table.columns.map((c) => c.name));
    expect(Array.from(getColumn(b.table, 'x1')!.values as Float64Array)).toEqual([1.5, NaN, 3, 4.5]);
  });

  it('reports a missing parquet file', async () => {
    const e = await loadDataset(cfg(tmp(), 'parquet', 'nope.parquet')).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(e).toBeInstanceOf(DataError);
    expect(e!.message).toMatch(/^nope\.parquet: file not found/);
  });
});
