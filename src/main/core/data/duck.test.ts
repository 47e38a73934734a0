import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Duck } from './duck';

describe('Duck', () => {
  let duck: Duck;
  beforeAll(async () => {
    duck = await Duck.open(2);
  });
  afterAll(() => duck.close());

  it('columns() reads integer columns of every width in bulk, NULL as NaN', async () => {
    const r = await duck.columns(
      `SELECT CAST(x AS INTEGER) AS i, CAST(x * 1000000000000 AS BIGINT) AS b, CAST(x AS SMALLINT) AS s,
              CAST(x AS TINYINT) AS t, CAST(x AS DOUBLE) / 2 AS d
       FROM (SELECT CASE WHEN range % 1000 = 7 THEN NULL ELSE range % 100 - 50 END AS x FROM range(5000))`,
    );
    expect(r.rows).toBe(5000);
    const [i, b, s, t, d] = r.data as Float64Array[];
    for (const col of [i, b, s, t, d]) expect(col).toBeInstanceOf(Float64Array);
    for (let k = 0; k < 5000; k++) {
      const x = k % 1000 === 7 ? NaN : (k % 100) - 50;
      expect([i[k], b[k], s[k], t[k], d[k]]).toEqual([x, x * 1e12, x, x, x / 2]);
    }
  });

  it('forEachChunk streams DOUBLE (NULL → NaN) and INTEGER columns chunk by chunk', async () => {
    const n = 10_000; // several chunks
    const ints: number[] = [];
    const dbls: number[] = [];
    let chunks = 0;
    const total = await duck.forEachChunk(
      `SELECT CAST(range AS INTEGER) AS i, CASE WHEN range % 3 = 0 THEN NULL ELSE range / 4 END::DOUBLE AS d
       FROM range(${n}) ORDER BY range`,
      (cols, rows) => {
        chunks++;
        expect(cols[0]).toBeInstanceOf(Int32Array);
        expect(cols[1]).toBeInstanceOf(Float64Array);
        expect(cols[0].length).toBe(rows);
        ints.push(...cols[0]);
        dbls.push(...cols[1]);
      },
    );
    expect(total).toBe(n);
    expect(chunks).toBeGreaterThan(1);
    expect(ints).toEqual(Array.from({ length: n }, (_, k) => k));
    expect(dbls).toEqual(Array.from({ length: n }, (_, k) => (k % 3 === 0 ? NaN : k / 4)));
  });

  it('forEachChunk refuses other types and NULL integers', async () => {
    await expect(duck.forEachChunk(`SELECT 'a' AS s`, () => {})).rejects.toThrow(/column s is VARCHAR; expected DOUBLE or INTEGER/);
    await expect(duck.forEachChunk(`SELECT CAST(NULL AS INTEGER) AS i`, () => {})).rejects.toThrow(/NULL in INTEGER column i/);
    // the connection is still usable afterwards
    expect(await duck.scalar('SELECT 41 + 1')).toBe(42);
  });

  it('forEachChunk passes on an error thrown by the callback', async () => {
    await expect(
      duck.forEachChunk(`SELECT CAST(range AS INTEGER) AS i FROM range(100000)`, () => {
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await duck.scalar('SELECT 1')).toBe(1);
  });

  it('connect() opens a second connection to the same database that runs queries alongside', async () => {
    await duck.run('CREATE TABLE shared AS SELECT range AS x FROM range(300000)');
    const other = await duck.connect();
    try {
      const [a, b] = await Promise.all([
        other.scalar('SELECT sum(x) FROM shared'),
        duck.scalar('SELECT count(*) FROM shared WHERE x % 2 = 0'),
      ]);
      expect([a, b]).toEqual([44999850000, 150000]);
    } finally {
      other.close();
    }
    // closing the extra connection leaves the database open
    expect(await duck.scalar('SELECT max(x) FROM shared')).toBe(299999);
  });
});
