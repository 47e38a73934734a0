/**
 * The HubSpot files through DuckDB's CSV reader: for files the plain scan does not take
 * (hubspot-plain.ts), and for the errors that name a file, column and line.
 *
 * The work overlaps where it can on two cores: the inputs are hashed from the start (between the
 * reads, or on a worker thread when they are large), the company files are read and the companies
 * built on a second connection while the usage file is read, and the usage rows are aggregated as
 * they stream in (aggregate.ts).
 */
import type { FrameworkConfig } from '../../../shared/config/schema';
import type { UsageAggregator } from './aggregate';
import { CsvValueError, loadCsv, type CsvType } from './csv';
import { Duck, ident, lit } from './duck';
import { DataError } from './errors';
import { fingerprintInputs } from './fingerprint';
import {
  ATTRIBUTE_TYPES,
  COMPANY_ATTRIBUTES,
  duplicateWarnings,
  type Companies,
  type HubspotFiles,
  type HubspotRead,
} from './hubspot-read';

interface DuckCompanies extends Companies {
  /** Company index of each row position (see `companies`), or -1 for a later duplicate. */
  ordOf: Int32Array;
}

/**
 * In one scan of `table`: per column, the file line of its first NULL (undefined if none), then the
 * values of the `extra` SQL expressions.
 */
async function firstNullLines(
  duck: Duck,
  table: string,
  columns: string[],
  extra: string[] = [],
): Promise<{ lines: (number | undefined)[]; extra: unknown[] }> {
  const sql = [...columns.map((c) => `min(rowid) FILTER (WHERE ${ident(c)} IS NULL)`), ...extra].join(', ');
  const row = (await duck.rows(`SELECT ${sql} FROM ${ident(table)}`))[0];
  return {
    // rowid 0 is line 2 (after the header)
    lines: row.slice(0, columns.length).map((v) => (v === null || v === undefined ? undefined : Number(v) + 2)),
    extra: row.slice(columns.length),
  };
}

/**
 * The first row of each id, customers before non-customers, as table `firsts` (id, pos, closed: the
 * customer's CLOSEDATE) and in company order. A row's position `pos` is its rowid in customers.csv,
 * or customers' rows + its rowid in noncustomers.csv. Needs only tables cust and non.
 */
async function companies(
  duck: Duck,
  idc: string,
  idType: CsvType,
  nCust: number,
  nNon: number,
  names: HubspotFiles,
): Promise<DuckCompanies> {
  await duck.run(`
    CREATE OR REPLACE TABLE firsts AS
    SELECT id, CAST(min(pos) AS INTEGER) AS pos, count(*) FILTER (WHERE pos < ${nCust}) AS nc,
           count(*) FILTER (WHERE pos >= ${nCust}) AS nn, min(pos) FILTER (WHERE pos >= ${nCust}) AS npos,
           arg_min(closed, pos) AS closed
    FROM (
      SELECT ${ident(idc)} AS id, rowid AS pos, "CLOSEDATE" AS closed FROM cust
      UNION ALL
      SELECT ${ident(idc)} AS id, rowid + ${nCust} AS pos, NULL::TIMESTAMP FROM non
    ) GROUP BY id`);
  const [counts] = (await duck.rows(
    `SELECT count(*), count(*) FILTER (WHERE nc > 0), count(*) FILTER (WHERE nn > 0),
            count(*) FILTER (WHERE nc > 0 AND nn > 0) FROM firsts`,
  )) as number[][];
  const [count, custIds, nonIds, inBoth] = counts;
  const exampleIds = async (sql: string) => (await duck.rows(sql)).map((r) => String(r[0]));
  const warnings = duplicateWarnings(
    names,
    { customers: nCust, noncustomers: nNon, customerIds: custIds, noncustomerIds: nonIds, inBoth },
    {
      customers: custIds < nCust ? await exampleIds(`SELECT id FROM firsts WHERE nc > 1 ORDER BY pos LIMIT 5`) : [],
      noncustomers: nonIds < nNon ? await exampleIds(`SELECT id FROM firsts WHERE nn > 1 ORDER BY npos LIMIT 5`) : [],
      inBoth: inBoth > 0 ? await exampleIds(`SELECT id FROM firsts WHERE nc > 0 AND nn > 0 ORDER BY npos LIMIT 5`) : [],
    },
  );
  // company index of each kept position, in order
  const nRows = nCust + nNon;
  const firsts = await duck.columns(
    `SELECT pos, ${idType === 'BIGINT' ? 'CAST(id AS DOUBLE)' : 'id'} AS id FROM firsts`,
    count,
  );
  const ordOf = new Int32Array(nRows).fill(-1);
  const firstPos = firsts.data[0] as Float64Array;
  for (let i = 0; i < count; i++) ordOf[firstPos[i]] = 0;
  for (let p = 0, k = 0; p < nRows; p++) if (ordOf[p] === 0) ordOf[p] = k++;
  const ids = new Array<string>(count);
  const idValues = firsts.data[1];
  for (let i = 0; i < count; i++) {
    const v = idValues[i];
    // String(v | 0) is the same text as String(v) for an int32, and ~3× faster
    ids[ordOf[firstPos[i]]] = typeof v === 'number' && (v | 0) === v ? String(v | 0) : String(v);
  }

  // attributes, label and close date, scattered to company order. Text attributes travel as codes
  // into a small dictionary: numbers cross from DuckDB in bulk.
  const dictionaries = new Map<string, string[]>();
  for (const x of COMPANY_ATTRIBUTES) {
    if (ATTRIBUTE_TYPES[x] !== 'VARCHAR') continue;
    const values = await duck.rows(
      `SELECT DISTINCT v FROM (SELECT ${ident(x)} AS v FROM cust UNION ALL SELECT ${ident(x)} FROM non)
       WHERE v IS NOT NULL ORDER BY 1`,
    );
    dictionaries.set(
      x,
      values.map((r) => String(r[0])),
    );
  }
  const attrSql = COMPANY_ATTRIBUTES.map((x) => {
    const dict = dictionaries.get(x);
    return dict
      ? `CAST(coalesce(list_position([${dict.map(lit).join(', ')}]::VARCHAR[], ${ident(x)}), 0) AS INTEGER)`
      : `CAST(${ident(x)} AS DOUBLE)`;
  }).join(', ');
  const attributes = COMPANY_ATTRIBUTES.map((x) =>
    dictionaries.has(x) ? new Int32Array(count) : new Float64Array(count),
  );
  const closed = new Float64Array(count);
  const y = new Uint8Array(count);
  await duck.forEachChunk(
    `SELECT CAST(rowid AS INTEGER) AS pos, ${attrSql}, CAST(epoch("CLOSEDATE") AS DOUBLE) AS closed FROM cust
     UNION ALL
     SELECT CAST(rowid + ${nCust} AS INTEGER), ${attrSql}, NULL::DOUBLE FROM non`,
    (cols, n) => {
      const pos = cols[0];
      const e = cols[cols.length - 1];
      for (let i = 0; i < n; i++) {
        const o = ordOf[pos[i]];
        if (o < 0) continue;
        closed[o] = e[i];
        y[o] = pos[i] < nCust ? 1 : 0;
        for (let a = 0; a < attributes.length; a++) attributes[a][o] = cols[a + 1][i];
      }
    },
  );
  return { count, ordOf, ids, y, attributes, dictionaries, closed, warnings };
}


/**
 * Reads the files with DuckDB and hands the result to `use`, which aggregates the usage before the
 * database closes. Integer ids join and group much faster than text: the ids are read as integers
 * first, as text when one is not an integer.
 */
export async function readWithDuckDB<T>(
  config: FrameworkConfig,
  files: HubspotFiles,
  names: HubspotFiles,
  onProgress: (msg: string) => void,
  use: (read: HubspotRead) => Promise<T>,
): Promise<T> {
  const { data, features } = config;
  const idc = data.id_column;
  const id = ident(idc);
  const fileList = [files.customers, files.noncustomers, files.usage];
  const counters = features.usage.counters;
  const pit = features.cutoff.rule === 'point_in_time';
  // hash the inputs from the start, between the reads (large inputs on another thread; a missing file
  // fails here silently and is reported by the reading)
  const fingerprint = fingerprintInputs(fileList);
  fingerprint.catch(() => {}); // awaited by the loader; avoids an unhandled rejection if we throw first
  const duck = await Duck.open();
  // a second connection reads the company files and builds the companies while this one reads the usage file
  let side: Duck | undefined;
  let building: Promise<unknown> | undefined;
  let reading: Promise<unknown> | undefined;

  const load = async (idType: CsvType): Promise<T> => {
    side ??= await duck.connect();
    const sideConn = side;
    // the usage file (the big one) on this connection; meanwhile the company files, then the companies,
    // on the side connection
    onProgress(`reading ${names.customers}, ${names.noncustomers} and ${names.usage}`);
    const custTypes: Record<string, CsvType> = { [idc]: idType, CLOSEDATE: 'TIMESTAMP', ...ATTRIBUTE_TYPES };
    const custRead = loadCsv(sideConn, 'cust', files.customers, custTypes);
    const nonRead = custRead.then(() =>
      loadCsv(sideConn, 'non', files.noncustomers, { [idc]: idType, ...ATTRIBUTE_TYPES }),
    );
    const usageTypes: Record<string, CsvType> = { [idc]: idType, WHEN_TIMESTAMP: 'TIMESTAMP' };
    for (const c of counters) usageTypes[c] = 'DOUBLE';
    const usageRead = loadCsv(duck, 'usage', files.usage, usageTypes);
    const companiesJob = Promise.all([custRead, nonRead]).then(([cr, nr]) =>
      companies(sideConn, idc, idType, cr.rows, nr.rows, names),
    );
    building = companiesJob.catch(() => {}); // awaited below (and before closing)
    reading = usageRead.catch(() => {});
    // every read settles before one throws; a bad file is reported in the order customers, non-customers, usage
    await Promise.allSettled([custRead, nonRead, usageRead]);
    const cust = await custRead;
    const non = await nonRead;
    const usage = await usageRead;
    const readAt = performance.now();

    // ---- checks that need the data (one scan per table; errors in the order: ids, CLOSEDATE, timestamps)
    const [custNullId, custNullClose] = (await firstNullLines(duck, 'cust', [idc, 'CLOSEDATE'])).lines;
    const [nonNullId] = (await firstNullLines(duck, 'non', [idc])).lines;
    const usageChecks = await firstNullLines(duck, 'usage', [idc, 'WHEN_TIMESTAMP'], [
      `strftime(max("WHEN_TIMESTAMP"), '%Y-%m-%d %H:%M:%S')`,
    ]);
    const [usageNullId, usageNullTs] = usageChecks.lines;
    for (const [line, file] of [
      [custNullId, names.customers],
      [nonNullId, names.noncustomers],
      [usageNullId, names.usage],
    ] as const) {
      if (line) throw new DataError(`${file}: column ${idc}, line ${line}: missing id`, { file, column: idc, line });
    }
    if (pit && custNullClose) {
      throw new DataError(
        `${names.customers}: column CLOSEDATE, line ${custNullClose}: missing value (needed for the point-in-time cutoff)`,
        { file: names.customers, column: 'CLOSEDATE', line: custNullClose },
      );
    }
    if (usageNullTs) {
      throw new DataError(`${names.usage}: column WHEN_TIMESTAMP, line ${usageNullTs}: missing timestamp`, {
        file: names.usage,
        column: 'WHEN_TIMESTAMP',
        line: usageNullTs,
      });
    }
    const c = await companiesJob;
    const { ordOf } = c;

    // ---- usage rows of known companies (in time order per company when asked), with their company's position
    const aggregate = async (aggregator: UsageAggregator, end: Float64Array | undefined, sorted: boolean) => {
      let company = new Int32Array(2048);
      let dropped = 0;
      const joined = await duck.forEachChunk(
        `SELECT f.pos AS company, CAST(epoch(u."WHEN_TIMESTAMP") AS DOUBLE) AS ts,
                ${counters.map((x) => `CAST(u.${ident(x)} AS DOUBLE)`).join(', ')}
         FROM usage u JOIN firsts f ON f.id = u.${id}
         ${sorted ? 'ORDER BY f.pos, u."WHEN_TIMESTAMP", u.rowid' : ''}`,
        (cols, n) => {
          if (company.length < n) company = new Int32Array(n);
          const pos = cols[0];
          const ts = cols[1];
          for (let i = 0; i < n; i++) {
            let o = ordOf[pos[i]];
            if (end && !(ts[i] <= end[o])) {
              dropped++;
              o = -1;
            }
            company[i] = o;
          }
          aggregator.add({
            company: company.subarray(0, n),
            ts: cols[1] as Float64Array,
            counters: cols.slice(2) as Float64Array[],
          });
        },
      );
      return { joined, dropped };
    };
    return use({
      companies: c,
      rawRows: { customers: cust.rows, noncustomers: non.rows, usage: usage.rows },
      latestUsage: String(usageChecks.extra[0]),
      epochOf: async (text) => Number(await duck.scalar(`SELECT CAST(epoch(CAST(${lit(text)} AS TIMESTAMP)) AS DOUBLE)`)),
      aggregate,
      fingerprint,
      readAt,
    });
  };

  try {
    try {
      return await load('BIGINT');
    } catch (err) {
      if (!(err instanceof CsvValueError && err.details.column === idc)) throw err;
      await building;
      await reading;
      return await load('VARCHAR');
    }
  } finally {
    // every query ends before the database closes
    await building;
    await reading;
    side?.close();
    duck.close();
  }
}
