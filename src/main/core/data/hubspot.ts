/**
 * The `hubspot` source: customers.csv + noncustomers.csv + usage_actions.csv → one row per company.
 *
 * Companies are the customers followed by the non-customers not already seen (first row of each id
 * kept); label 1 = the id is in customers.csv. Usage is aggregated point in time: a customer's rows
 * count up to its CLOSEDATE, a non-customer's up to the snapshot date (configured, else the latest
 * WHEN_TIMESTAMP in the usage file); rows at exactly the cutoff count. With `cutoff.rule: none` every
 * row counts (the peer's leaky definition, for parity benchmarks only).
 *
 * Two readers give the same result: plain files (no quotes, plain numbers and timestamps: what our
 * generator and HubSpot's exports write) are scanned without DuckDB (hubspot-plain.ts); any other
 * file goes through DuckDB's CSV reader (hubspot-duck.ts), which also names the file, column and
 * line of a bad value.
 */
import path from 'node:path';
import { USAGE_COUNTERS } from '../../../shared/config/constants';
import type { FrameworkConfig } from '../../../shared/config/schema';
import { UsageAggregator } from './aggregate';
import type { Dataset } from './dataset';
import { readPlain } from './hubspot-plain';
import { COMPANY_ATTRIBUTES, type HubspotFiles, type HubspotRead } from './hubspot-read';
import { codedCategoricalColumn, makeTable, numericColumn, type Column } from './table';

export { COMPANY_ATTRIBUTES } from './hubspot-read';

export interface HubspotLoadOptions {
  /** false: always read with DuckDB (for tests: the two readers must agree). */
  plain?: boolean;
  /** Bytes per chunk of the usage file in the plain reader (for tests: many chunks on small files). */
  usageChunkBytes?: number;
}

export async function loadHubspot(
  config: FrameworkConfig,
  onProgress: (msg: string) => void = () => {},
  options: HubspotLoadOptions = {},
): Promise<Dataset> {
  const t0 = performance.now();
  const dir = config.data.data_dir;
  const files: HubspotFiles = {
    customers: path.resolve(dir, config.data.files.customers),
    noncustomers: path.resolve(dir, config.data.files.noncustomers),
    usage: path.resolve(dir, config.data.files.usage),
  };
  const names: HubspotFiles = {
    customers: path.basename(files.customers),
    noncustomers: path.basename(files.noncustomers),
    usage: path.basename(files.usage),
  };
  const build = (read: HubspotRead) => datasetFrom(config, read, files, names, t0, onProgress);
  if (options.plain !== false) {
    const plain = await readPlain(config, files, names, onProgress, options.usageChunkBytes);
    if (!('notPlain' in plain)) return build(plain);
    onProgress(`${plain.notPlain}: reading the files with DuckDB`);
  }
  // DuckDB (its native library and bindings) loads only for files the plain reader does not take
  const { readWithDuckDB } = await import('./hubspot-duck');
  return readWithDuckDB(config, files, names, onProgress, build);
}

/** The companies' attributes and usage aggregates, from either reader. */
async function datasetFrom(
  config: FrameworkConfig,
  read: HubspotRead,
  files: HubspotFiles,
  names: HubspotFiles,
  t0: number,
  onProgress: (msg: string) => void,
): Promise<Dataset> {
  const { features } = config;
  const counters = features.usage.counters;
  const pit = features.cutoff.rule === 'point_in_time';
  const c = read.companies;
  const warnings: string[] = [];
  const extra = counters.filter((x) => !(USAGE_COUNTERS as readonly string[]).includes(x));
  if (extra.length) warnings.push(`using non-standard usage counters: ${extra.join(', ')}`);
  warnings.push(...c.warnings);

  // cutoffs: a customer's CLOSEDATE (point in time), else the snapshot
  onProgress(`aggregating usage (${pit ? 'point-in-time cutoff' : 'no cutoff'})`);
  const snapshot = features.cutoff.snapshot_date ?? read.latestUsage;
  const snapEpoch = await read.epochOf(snapshot);
  const end = read.aggregated?.end ?? new Float64Array(c.count);
  for (let o = 0; o < c.count; o++) end[o] = pit && c.y[o] ? c.closed[o] : snapEpoch;
  // in windows mode with active weeks each company's rows must come in time order
  const sorted = features.usage.mode === 'windows' && features.usage.active_weeks;
  const aggregator = read.aggregated?.aggregator ?? new UsageAggregator(c.count, end, features.usage);
  const { joined, dropped } = read.aggregated ?? (await read.aggregate(aggregator, pit ? end : undefined, sorted));
  const orphanRows = read.rawRows.usage - joined;
  if (orphanRows > 0) {
    warnings.push(
      `${names.usage}: ${orphanRows} rows with ids in neither ${names.customers} nor ${names.noncustomers} (ignored)`,
    );
  }

  const columns: Column[] = [];
  COMPANY_ATTRIBUTES.forEach((name, a) => {
    const dict = c.dictionaries.get(name);
    const values = c.attributes[a];
    if (dict) columns.push(codedCategoricalColumn(name, values as Int32Array, dict));
    else columns.push(numericColumn(name, values as Float64Array));
  });
  columns.push(...aggregator.finish());
  const fingerprint = await read.fingerprint;
  onProgress(`${c.count} companies, ${columns.length} raw features`);
  return {
    source: 'hubspot',
    table: makeTable(columns),
    y: c.y,
    get ids() {
      return c.ids; // made on first use by the plain reader
    },
    categorical: ['EMPLOYEE_RANGE', 'INDUSTRY'],
    warnings,
    fingerprint,
    files: [files.customers, files.noncustomers, files.usage],
    rawRows: read.rawRows,
    snapshotDate: snapshot,
    droppedAfterCutoff: dropped,
    timings: { load_s: (read.readAt - t0) / 1000, features_s: (performance.now() - read.readAt) / 1000 },
  };
}
