/**
 * The `hubspot` source: customers.csv + noncustomers.csv + usage_actions.csv → one row per company.
 *
 * Companies are the customers followed by the non-customers not already seen (first row of each id
 * kept); label 1 = the id is in customers.csv. Usage is aggregated point in time: a customer's rows
 * count up to its CLOSEDATE, a non-customer's up to the snapshot date (configured, else the latest
 * WHEN_TIMESTAMP in the usage file); rows at exactly the cutoff count. With `cutoff.rule: none` every
 * row counts (the peer's leaky definition, for parity benchmarks only).
 */
import path from 'node:path';
import { USAGE_COUNTERS, type FrameworkConfig } from '../../../shared/config/schema';
import { loadCsv, type CsvType } from './csv';
import type { Dataset } from './dataset';
import { Duck, ident, lit } from './duck';
import { DataError } from './errors';
import { fingerprintFiles } from './fingerprint';
import { categoricalColumn, makeTable, numericColumn, type Column } from './table';
import { aggregateUsage } from './aggregate';

export const COMPANY_ATTRIBUTES = ['ALEXA_RANK', 'EMPLOYEE_RANGE', 'INDUSTRY'] as const;
const ATTRIBUTE_TYPES: Record<string, CsvType> = { ALEXA_RANK: 'DOUBLE', EMPLOYEE_RANGE: 'VARCHAR', INDUSTRY: 'VARCHAR' };

async function firstNullLine(duck: Duck, table: string, column: string, where = 'TRUE'): Promise<number | undefined> {
  const v = await duck.scalar(`SELECT min(rowid) FROM ${ident(table)} WHERE ${ident(column)} IS NULL AND ${where}`);
  return v === null || v === undefined ? undefined : Number(v) + 2; // rowid 0 is line 2 (after the header)
}

/** The rows whose flag is 1, in order (shares the arrays when all pass). */
function keepRows(cols: Float64Array[], flag: Float64Array): Float64Array[] {
  let kept = 0;
  for (let i = 0; i < flag.length; i++) if (flag[i] === 1) kept++;
  if (kept === flag.length) return cols;
  return cols.map((c) => {
    const out = new Float64Array(kept);
    for (let i = 0, j = 0; i < flag.length; i++) if (flag[i] === 1) out[j++] = c[i];
    return out;
  });
}

function examples(rows: unknown[][]): string {
  return rows.map((r) => String(r[0])).join(', ');
}

export async function loadHubspot(config: FrameworkConfig, onProgress: (msg: string) => void = () => {}): Promise<Dataset> {
  const t0 = performance.now();
  const { data, features } = config;
  const dir = data.data_dir;
  const idc = data.id_column;
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
  const counters = features.usage.counters;
  const pit = features.cutoff.rule === 'point_in_time';
  const warnings: string[] = [];
  const duck = await Duck.open();
  try {
    // Integer ids join and group much faster than text; fall back to text ids when one is not an integer.
    let idType: CsvType = 'BIGINT';
    const read = async () => {
      onProgress(`reading ${names.customers}`);
      const custTypes: Record<string, CsvType> = { [idc]: idType, CLOSEDATE: 'TIMESTAMP', ...ATTRIBUTE_TYPES };
      const cust = await loadCsv(duck, 'cust', files.customers, custTypes);
      onProgress(`reading ${names.noncustomers}`);
      const non = await loadCsv(duck, 'non', files.noncustomers, { [idc]: idType, ...ATTRIBUTE_TYPES });
      onProgress(`reading ${names.usage}`);
      const usageTypes: Record<string, CsvType> = { [idc]: idType, WHEN_TIMESTAMP: 'TIMESTAMP' };
      for (const c of counters) usageTypes[c] = 'DOUBLE';
      const usage = await loadCsv(duck, 'usage', files.usage, usageTypes);
      return { cust, non, usage };
    };
    let raw;
    try {
      raw = await read();
    } catch (err) {
      if (!(err instanceof DataError && err.details.column === idc)) throw err;
      idType = 'VARCHAR';
      raw = await read();
    }
    const { cust, non, usage } = raw;
    // hash the inputs while DuckDB works (the files exist and are readable by now)
    const fileList = [files.customers, files.noncustomers, files.usage];
    const fingerprinting = fingerprintFiles(fileList);
    fingerprinting.catch(() => {}); // awaited below; avoids an unhandled rejection if we throw first
    const extra = counters.filter((c) => !(USAGE_COUNTERS as readonly string[]).includes(c));
    if (extra.length) warnings.push(`using non-standard usage counters: ${extra.join(', ')}`);
    const tLoad = performance.now();

    // ---- checks that need the data
    for (const [table, file] of [
      ['cust', names.customers],
      ['non', names.noncustomers],
      ['usage', names.usage],
    ] as const) {
      const line = await firstNullLine(duck, table, idc);
      if (line) throw new DataError(`${file}: column ${idc}, line ${line}: missing id`, { file, column: idc, line });
    }
    if (pit) {
      const line = await firstNullLine(duck, 'cust', 'CLOSEDATE');
      if (line) {
        throw new DataError(
          `${names.customers}: column CLOSEDATE, line ${line}: missing value (needed for the point-in-time cutoff)`,
          { file: names.customers, column: 'CLOSEDATE', line },
        );
      }
    }
    const line = await firstNullLine(duck, 'usage', 'WHEN_TIMESTAMP');
    if (line) {
      throw new DataError(`${names.usage}: column WHEN_TIMESTAMP, line ${line}: missing timestamp`, {
        file: names.usage,
        column: 'WHEN_TIMESTAMP',
        line,
      });
    }
    const dupCust = await duck.rows(
      `SELECT ${ident(idc)}, count(*) FROM cust GROUP BY 1 HAVING count(*) > 1 ORDER BY min(rowid) LIMIT 5`,
    );
    if (dupCust.length) {
      const n = await duck.scalar(`SELECT count(*) - count(DISTINCT ${ident(idc)}) FROM cust`);
      warnings.push(`${names.customers}: ${n} duplicate rows (ids ${examples(dupCust)}…); kept the first of each id`);
    }
    const dupNon = await duck.rows(
      `SELECT ${ident(idc)}, count(*) FROM non GROUP BY 1 HAVING count(*) > 1 ORDER BY min(rowid) LIMIT 5`,
    );
    if (dupNon.length) {
      const n = await duck.scalar(`SELECT count(*) - count(DISTINCT ${ident(idc)}) FROM non`);
      warnings.push(`${names.noncustomers}: ${n} duplicate rows (ids ${examples(dupNon)}…); kept the first of each id`);
    }
    const both = await duck.rows(
      `SELECT DISTINCT n.${ident(idc)} FROM non n JOIN cust c ON c.${ident(idc)} = n.${ident(idc)} LIMIT 5`,
    );
    if (both.length) {
      const n = await duck.scalar(
        `SELECT count(DISTINCT n.${ident(idc)}) FROM non n JOIN cust c ON c.${ident(idc)} = n.${ident(idc)}`,
      );
      warnings.push(
        `${n} ids are in both ${names.customers} and ${names.noncustomers} (${examples(both)}…); labelled customers`,
      );
    }

    // ---- companies and their cutoffs
    onProgress(`aggregating usage (${pit ? 'point-in-time cutoff' : 'no cutoff'})`);
    const maxTs = String(await duck.scalar(`SELECT strftime(max("WHEN_TIMESTAMP"), '%Y-%m-%d %H:%M:%S') FROM usage`));
    const snapshot = features.cutoff.snapshot_date ?? maxTs;
    const snapshotSql = `CAST(${lit(snapshot)} AS TIMESTAMP)`;
    const attrs = COMPANY_ATTRIBUTES.map(ident).join(', ');
    await duck.run(`
      CREATE TABLE companies AS
      SELECT * EXCLUDE (k), row_number() OVER (ORDER BY src, r) - 1 AS ord FROM (
        SELECT *, row_number() OVER (PARTITION BY id ORDER BY src, r) AS k FROM (
          SELECT ${ident(idc)} AS id, ${attrs}, "CLOSEDATE" AS cutoff, 0 AS src, rowid AS r FROM cust
          UNION ALL
          SELECT ${ident(idc)} AS id, ${attrs}, ${snapshotSql} AS cutoff, 1 AS src, rowid AS r FROM non
        )
      ) WHERE k = 1`);
    const nCompanies = Number(await duck.scalar('SELECT count(*) FROM companies'));
    const end = pit ? 'c.cutoff' : snapshotSql;
    const key = `u.${ident(idc)}`;
    // Text attributes travel as codes into a small dictionary: numbers cross from DuckDB in bulk.
    const dictionaries = new Map<string, string[]>();
    for (const x of COMPANY_ATTRIBUTES) {
      if (ATTRIBUTE_TYPES[x] !== 'VARCHAR') continue;
      const values = await duck.rows(`SELECT DISTINCT ${ident(x)} FROM companies WHERE ${ident(x)} IS NOT NULL ORDER BY 1`);
      dictionaries.set(
        x,
        values.map((r) => String(r[0])),
      );
    }
    const attrSql = COMPANY_ATTRIBUTES.map((x) => {
      const dict = dictionaries.get(x);
      return dict
        ? `CAST(coalesce(list_position([${dict.map(lit).join(', ')}]::VARCHAR[], c.${ident(x)}), 0) AS DOUBLE) AS ${ident(x)}`
        : `c.${ident(x)}`;
    }).join(', ');
    const result = await duck.columns(
      `SELECT ${idType === 'BIGINT' ? 'CAST(c.id AS DOUBLE)' : 'c.id'} AS id, CAST(c.src = 0 AS DOUBLE) AS label,
              ${attrSql}, CAST(epoch(${end}) AS DOUBLE) AS _end
       FROM companies c ORDER BY c.ord`,
      nCompanies,
    );
    // usage rows of known companies, by company index (in time order when active weeks need it), each
    // with a flag: does it pass the cutoff?
    const sorted = features.usage.mode === 'windows' && features.usage.active_weeks;
    const joined = await duck.columns(
      `SELECT CAST(c.ord AS DOUBLE) AS company, CAST(epoch(u."WHEN_TIMESTAMP") AS DOUBLE) AS ts,
              ${counters.map((c) => `CAST(u.${ident(c)} AS DOUBLE)`).join(', ')},
              CAST(${pit ? 'u."WHEN_TIMESTAMP" <= c.cutoff' : 'TRUE'} AS DOUBLE) AS keep
       FROM usage u JOIN companies c ON c.id = ${key}
       ${sorted ? 'ORDER BY c.ord, u."WHEN_TIMESTAMP"' : ''}`,
      usage.rows,
      { atMost: true },
    );
    const orphanRows = usage.rows - joined.rows;
    if (orphanRows > 0) {
      warnings.push(
        `${names.usage}: ${orphanRows} rows with ids in neither ${names.customers} nor ${names.noncustomers} (ignored)`,
      );
    }
    const u = keepRows(joined.data.slice(0, -1) as Float64Array[], joined.data[joined.data.length - 1] as Float64Array);
    const counted = u[0].length;
    const dropped = joined.rows - counted;
    const usageColumns = aggregateUsage(
      { company: u[0], ts: u[1], counters: u.slice(2) },
      nCompanies,
      result.data[result.data.length - 1] as Float64Array,
      features.usage,
    );

    const columns: Column[] = [];
    result.names.forEach((name, i) => {
      if (i < 2 || i === result.names.length - 1) return;
      const d = result.data[i];
      const dict = dictionaries.get(name);
      if (dict) {
        const codes = d as Float64Array;
        columns.push(categoricalColumn(name, Array.from(codes, (k) => (k > 0 ? dict[k - 1] : null))));
      } else columns.push(d instanceof Float64Array ? numericColumn(name, d) : categoricalColumn(name, d));
    });
    columns.push(...usageColumns);
    const label = result.data[1] as Float64Array;
    const y = new Uint8Array(result.rows);
    for (let i = 0; i < y.length; i++) y[i] = label[i];
    const fingerprint = await fingerprinting;
    onProgress(`${result.rows} companies, ${columns.length} raw features`);
    return {
      source: 'hubspot',
      table: makeTable(columns),
      y,
      ids: idType === 'BIGINT' ? Array.from(result.data[0] as Float64Array, String) : (result.data[0] as string[]),
      categorical: ['EMPLOYEE_RANGE', 'INDUSTRY'],
      warnings,
      fingerprint,
      files: fileList,
      rawRows: { customers: cust.rows, noncustomers: non.rows, usage: usage.rows },
      snapshotDate: snapshot,
      droppedAfterCutoff: dropped,
      timings: { load_s: (tLoad - t0) / 1000, features_s: (performance.now() - tLoad) / 1000 },
    };
  } finally {
    duck.close();
  }
}
