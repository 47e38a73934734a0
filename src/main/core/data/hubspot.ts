/**
 * The `hubspot` source: customers.csv + noncustomers.csv + usage_actions.csv → one row per company.
 *
 * Companies are the customers followed by the non-customers not already seen (first row of each id
 * kept); label 1 = the id is in customers.csv. Usage is aggregated point in time: a customer's rows
 * count up to its CLOSEDATE, a non-customer's up to the snapshot date (configured, else the latest
 * WHEN_TIMESTAMP in the usage file); rows at exactly the cutoff count. With `cutoff.rule: none` every
 * row counts (the peer's leaky definition, for parity benchmarks only).
 *
 * The work overlaps where it can on two cores: the files are hashed from the start (between the reads,
 * or on a worker thread when they are large), the company files are read and the companies built on a
 * second DuckDB connection while the usage file is read, and the usage rows are aggregated as they
 * stream in (aggregate.ts).
 */
import path from 'node:path';
import { USAGE_COUNTERS } from '../../../shared/config/constants';
import type { FrameworkConfig } from '../../../shared/config/schema';
import { CsvValueError, inspectCsv, loadCsv, type CsvType } from './csv';
import type { Dataset } from './dataset';
import { Duck, ident, lit } from './duck';
import { DataError } from './errors';
import { finishFingerprint, fingerprintInputs, startFingerprint } from './fingerprint';
import { categoricalColumn, makeTable, numericColumn, type Column } from './table';
import { UsageAggregator } from './aggregate';
import { companyLookup, joinUsage } from './usage-join';
import { scanUsageCsv, type UsageColumns } from './usage-scan';

export const COMPANY_ATTRIBUTES = ['ALEXA_RANK', 'EMPLOYEE_RANGE', 'INDUSTRY'] as const;
const ATTRIBUTE_TYPES: Record<string, CsvType> = { ALEXA_RANK: 'DOUBLE', EMPLOYEE_RANGE: 'VARCHAR', INDUSTRY: 'VARCHAR' };

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

function examples(rows: unknown[][]): string {
  return rows.map((r) => String(r[0])).join(', ');
}

/** The companies of customers.csv and noncustomers.csv (tables cust and non), in company order. */
interface Companies {
  count: number;
  /** Company index of each row position (see `companies`), or -1 for a later duplicate. */
  ordOf: Int32Array;
  ids: string[];
  /** The ids as numbers, when they are integers (BIGINT). */
  idNumbers?: Float64Array;
  /** 1 for customers. */
  y: Uint8Array;
  /** Per COMPANY_ATTRIBUTES: the values (a categorical one as codes into its dictionary, 0 = missing). */
  attributes: (Float64Array | Int32Array)[];
  dictionaries: Map<string, string[]>;
  /** A customer's CLOSEDATE as epoch seconds. */
  closed: Float64Array;
  warnings: string[];
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
  names: { customers: string; noncustomers: string },
): Promise<Companies> {
  const id = ident(idc);
  const warnings: string[] = [];
  await duck.run(`
    CREATE OR REPLACE TABLE firsts AS
    SELECT id, CAST(min(pos) AS INTEGER) AS pos, count(*) FILTER (WHERE pos < ${nCust}) AS nc,
           count(*) FILTER (WHERE pos >= ${nCust}) AS nn, min(pos) FILTER (WHERE pos >= ${nCust}) AS npos,
           arg_min(closed, pos) AS closed
    FROM (
      SELECT ${id} AS id, rowid AS pos, "CLOSEDATE" AS closed FROM cust
      UNION ALL
      SELECT ${id} AS id, rowid + ${nCust} AS pos, NULL::TIMESTAMP FROM non
    ) GROUP BY id`);
  const [counts] = (await duck.rows(
    `SELECT count(*), count(*) FILTER (WHERE nc > 0), count(*) FILTER (WHERE nn > 0),
            count(*) FILTER (WHERE nc > 0 AND nn > 0) FROM firsts`,
  )) as number[][];
  const [count, custIds, nonIds, inBoth] = counts;
  if (custIds < nCust) {
    const dup = await duck.rows(`SELECT id FROM firsts WHERE nc > 1 ORDER BY pos LIMIT 5`);
    warnings.push(
      `${names.customers}: ${nCust - custIds} duplicate rows (ids ${examples(dup)}…); kept the first of each id`,
    );
  }
  if (nonIds < nNon) {
    const dup = await duck.rows(`SELECT id FROM firsts WHERE nn > 1 ORDER BY npos LIMIT 5`);
    warnings.push(
      `${names.noncustomers}: ${nNon - nonIds} duplicate rows (ids ${examples(dup)}…); kept the first of each id`,
    );
  }
  if (inBoth > 0) {
    const both = await duck.rows(`SELECT DISTINCT n.${id} FROM non n JOIN cust c ON c.${id} = n.${id} LIMIT 5`);
    warnings.push(
      `${inBoth} ids are in both ${names.customers} and ${names.noncustomers} (${examples(both)}…); labelled customers`,
    );
  }
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
  const idNumbers = idValues instanceof Float64Array ? new Float64Array(count) : undefined;
  for (let i = 0; i < count; i++) {
    const v = idValues[i];
    const o = ordOf[firstPos[i]];
    // String(v | 0) is the same text as String(v) for an int32, and ~3× faster
    ids[o] = typeof v === 'number' && (v | 0) === v ? String(v | 0) : String(v);
    if (idNumbers) idNumbers[o] = v as number;
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
  return { count, ordOf, ids, idNumbers, y, attributes, dictionaries, closed, warnings };
}

/** `max` epoch seconds as DuckDB's strftime(…, '%Y-%m-%d %H:%M:%S') writes the timestamp. */
function formatTimestamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

export interface HubspotLoadOptions {
  /** false: read the usage file with DuckDB even when it is plain (for tests: the two must agree). */
  scanUsage?: boolean;
}

export async function loadHubspot(
  config: FrameworkConfig,
  onProgress: (msg: string) => void = () => {},
  options: HubspotLoadOptions = {},
): Promise<Dataset> {
  const t0 = performance.now();
  const { data, features } = config;
  const dir = data.data_dir;
  const idc = data.id_column;
  const id = ident(idc);
  const files = {
    customers: path.resolve(dir, data.files.customers),
    noncustomers: path.resolve(dir, data.files.noncustomers),
    usage: path.resolve(dir, data.files.usage),
  };
  const names = {
    customers: path.basename(files.customers),
    noncustomers: path.basename(files.noncustomers),
    usage: path.basename(files.usage),
  };
  const fileList = [files.customers, files.noncustomers, files.usage];
  const counters = features.usage.counters;
  const pit = features.cutoff.rule === 'point_in_time';
  // the inputs' hash: computed while scanning a plain usage file, else on its own between the reads
  // (large inputs on another thread; a missing file fails here silently and is reported by the reading)
  let fingerprinting: Promise<string> | undefined;
  const hashInputs = () => {
    fingerprinting ??= fingerprintInputs(fileList);
    fingerprinting.catch(() => {}); // awaited below; avoids an unhandled rejection if we throw first
  };
  const duck = await Duck.open();
  // a second connection reads the company files and builds the companies while this one reads the usage file
  let side: Duck | undefined;
  let building: Promise<unknown> | undefined;
  let reading: Promise<unknown> | undefined;

  const load = async (idType: CsvType): Promise<Dataset> => {
    const warnings: string[] = [];
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
    // a plain usage file is scanned (hashed on the way) while DuckDB reads the company files; any other
    // goes through DuckDB's reader, which names what is wrong
    const usageRead = (async (): Promise<{ rows: number; scanned?: UsageColumns }> => {
      if (idType === 'BIGINT' && options.scanUsage !== false) {
        const header = inspectCsv(files.usage, Object.keys(usageTypes));
        const hash = startFingerprint(fileList);
        const scan = await scanUsageCsv(files.usage, header, { id: idc, ts: 'WHEN_TIMESTAMP', counters }, hash);
        if (scan.plain) {
          fingerprinting ??= Promise.resolve(finishFingerprint(hash));
          return { rows: scan.columns.rows, scanned: scan.columns };
        }
      }
      hashInputs();
      return loadCsv(duck, 'usage', files.usage, usageTypes);
    })();
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
    const extra = counters.filter((c) => !(USAGE_COUNTERS as readonly string[]).includes(c));
    if (extra.length) warnings.push(`using non-standard usage counters: ${extra.join(', ')}`);
    const tLoad = performance.now();

    // ---- checks that need the data (one scan per table; errors in the order: ids, CLOSEDATE, timestamps)
    const [custNullId, custNullClose] = (await firstNullLines(duck, 'cust', [idc, 'CLOSEDATE'])).lines;
    const [nonNullId] = (await firstNullLines(duck, 'non', [idc])).lines;
    // (a scanned usage file has neither a missing id nor a missing timestamp)
    const scanned = usage.scanned;
    const usageChecks = scanned
      ? { lines: [undefined, undefined], extra: [formatTimestamp(scanned.ts.reduce((a, b) => (b > a ? b : a), -Infinity))] }
      : await firstNullLines(duck, 'usage', [idc, 'WHEN_TIMESTAMP'], [
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

    // ---- companies and their cutoffs: a customer's CLOSEDATE (point in time), else the snapshot
    onProgress(`aggregating usage (${pit ? 'point-in-time cutoff' : 'no cutoff'})`);
    const snapshot = features.cutoff.snapshot_date ?? String(usageChecks.extra[0]);
    const snapshotSql = `CAST(${lit(snapshot)} AS TIMESTAMP)`;
    const snapEpoch = Number(await duck.scalar(`SELECT CAST(epoch(${snapshotSql}) AS DOUBLE)`));
    const c = await companiesJob;
    warnings.push(...c.warnings);
    const nCompanies = c.count;
    const { ordOf } = c;
    const end = new Float64Array(nCompanies);
    for (let o = 0; o < nCompanies; o++) end[o] = pit && c.y[o] ? c.closed[o] : snapEpoch;

    // ---- usage rows of known companies (in time order per company when active weeks need it), each
    // with its company's position, or -1 when it falls after the company's cutoff
    const sorted = features.usage.mode === 'windows' && features.usage.active_weeks;
    const aggregator = new UsageAggregator(nCompanies, end, features.usage);
    let company = new Int32Array(2048);
    let dropped = 0;
    let joinedRows: number;
    if (scanned) {
      if (!c.idNumbers) throw new Error('scanned usage rows need integer company ids');
      const joined = joinUsage(scanned, companyLookup(c.idNumbers), pit ? end : undefined, sorted, aggregator);
      joinedRows = joined.joined;
      dropped = joined.dropped;
    } else {
    const keep = pit
      ? `CASE WHEN f.pos < ${cust.rows} THEN u."WHEN_TIMESTAMP" <= f.closed ELSE u."WHEN_TIMESTAMP" <= ${snapshotSql} END`
      : 'TRUE';
    joinedRows = await duck.forEachChunk(
      `SELECT ${pit ? `CASE WHEN ${keep} THEN f.pos ELSE -1 END` : 'f.pos'} AS company,
              CAST(epoch(u."WHEN_TIMESTAMP") AS DOUBLE) AS ts,
              ${counters.map((x) => `CAST(u.${ident(x)} AS DOUBLE)`).join(', ')}
       FROM usage u JOIN firsts f ON f.id = u.${id}
       ${sorted ? 'ORDER BY f.pos, u."WHEN_TIMESTAMP", u.rowid' : ''}`,
      (cols, n) => {
        if (company.length < n) company = new Int32Array(n);
        const code = cols[0];
        for (let i = 0; i < n; i++) {
          const p = code[i];
          if (p < 0) dropped++;
          company[i] = p < 0 ? -1 : ordOf[p];
        }
        aggregator.add({
          company: company.subarray(0, n),
          ts: cols[1] as Float64Array,
          counters: cols.slice(2) as Float64Array[],
        });
      },
    );
    }
    const orphanRows = usage.rows - joinedRows;
    if (orphanRows > 0) {
      warnings.push(
        `${names.usage}: ${orphanRows} rows with ids in neither ${names.customers} nor ${names.noncustomers} (ignored)`,
      );
    }
    const usageColumns = aggregator.finish();

    const columns: Column[] = [];
    COMPANY_ATTRIBUTES.forEach((name, a) => {
      const dict = c.dictionaries.get(name);
      const values = c.attributes[a];
      if (dict) {
        const v = new Array<string | null>(nCompanies);
        for (let i = 0; i < nCompanies; i++) v[i] = values[i] > 0 ? dict[values[i] - 1] : null;
        columns.push(categoricalColumn(name, v));
      } else columns.push(numericColumn(name, values as Float64Array));
    });
    columns.push(...usageColumns);
    hashInputs();
    const fingerprint = await fingerprinting!;
    onProgress(`${nCompanies} companies, ${columns.length} raw features`);
    return {
      source: 'hubspot',
      table: makeTable(columns),
      y: c.y,
      ids: c.ids,
      categorical: ['EMPLOYEE_RANGE', 'INDUSTRY'],
      warnings,
      fingerprint,
      files: fileList,
      rawRows: { customers: cust.rows, noncustomers: non.rows, usage: usage.rows },
      snapshotDate: snapshot,
      droppedAfterCutoff: dropped,
      timings: { load_s: (tLoad - t0) / 1000, features_s: (performance.now() - tLoad) / 1000 },
    };
  };

  try {
    // Integer ids join and group much faster than text; fall back to text ids when one is not an integer.
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
