/**
 * The HubSpot files without DuckDB, when all three are plain (plain-csv.ts): they are scanned into
 * typed columns (the company files on this thread; the usage file's chunks on a scan worker from the
 * start and on this thread when the next one is not ready, scan-thread.ts), the companies are built
 * and the usage rows joined here, chunk by chunk in file order: all-time aggregates as the chunks
 * come, while the scan worker scans the next ones, then computes the inputs' fingerprint. The results
 * are hubspot-duck.ts's (the tests compare the two on every setting). Returns
 * `{ notPlain }` when a file is not plain or a check would fail, so that the DuckDB reader reads the
 * files and reports what is wrong.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FrameworkConfig } from '../../../shared/config/schema';
import { inspectCsv } from './csv';
import {
  COMPANY_ATTRIBUTES,
  duplicateWarnings,
  type Companies,
  type HubspotFiles,
  type HubspotRead,
} from './hubspot-read';
import { lineStartAt, plainTimestamp, scanPlainCsv, type PlainKind, type PlainTable } from './plain-csv';
import { type HeapAhead, UsageAggregator } from './aggregate';
import {
  chunksOf,
  claimBoard,
  claimChunk,
  LOADING_THREAD,
  scanChunk,
  startScan,
  type ScanJob,
  type ScannedChunk,
} from './scan-thread';
import { joinUsage, type ScannedUsage } from './usage-join';

/** Bytes per chunk of the usage file that a thread takes at a time (scan-thread.ts): small enough that
 * the threads end close together, large enough that a chunk's set-up does not count. */
const USAGE_CHUNK_BYTES = 2 << 20;

/** Dense indexes for ids, in order of first appearance: a table for small integer ids, else a map. */
class IdIndex {
  size = 0;
  /** For ids 0 … length − 1 (all ids are, then): the id's index, or -1. */
  readonly table?: Int32Array;
  private readonly map?: Map<number, number>;
  constructor(ids: Float64Array[]) {
    let min = Infinity;
    let max = -Infinity;
    let rows = 0;
    for (const a of ids) {
      rows += a.length;
      for (let i = 0; i < a.length; i++) {
        const v = a[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    if (min >= 0 && max < 4 * rows + 65_536) this.table = new Int32Array(max + 1).fill(-1);
    else this.map = new Map();
  }
  /** The id's index, or -1. */
  find(id: number): number {
    if (this.table) return id >= 0 && id < this.table.length ? this.table[id] : -1;
    return this.map!.get(id) ?? -1;
  }
  /** The id's index, given the next one when new. */
  add(id: number): number {
    const known = this.find(id);
    if (known >= 0) return known;
    if (this.table) this.table[id] = this.size;
    else this.map!.set(id, this.size);
    return this.size++;
  }
}

/**
 * Indexes the ids of both files in order (customers first): per company its first row and its rows in
 * each file, and per company the first row it has in the non-customer file. Rows count from the
 * customer file's first, on through the non-customer file's.
 */
function indexCompanies(index: IdIndex, custIds: Float64Array, nonIds: Float64Array) {
  const nCust = custIds.length;
  const nRows = nCust + nonIds.length;
  const firstPos = new Int32Array(nRows);
  const inCust = new Int32Array(nRows);
  const inNon = new Int32Array(nRows);
  const firstNonPos = new Int32Array(nRows);
  const table = index.table;
  if (table) {
    // the usual case, as tight loops (they run once per process, mostly before V8 optimises them)
    let size = index.size;
    for (let p = 0; p < nCust; p++) {
      const id = custIds[p];
      let k = table[id];
      if (k < 0) {
        k = table[id] = size++;
        firstPos[k] = p;
      }
      inCust[k]++;
    }
    for (let q = 0; q < nonIds.length; q++) {
      const id = nonIds[q];
      let k = table[id];
      if (k < 0) {
        k = table[id] = size++;
        firstPos[k] = nCust + q;
      }
      if (inNon[k]++ === 0) firstNonPos[k] = nCust + q;
    }
    index.size = size;
  } else {
    for (let p = 0; p < nRows; p++) {
      const customer = p < nCust;
      const known = index.size;
      const k = index.add(customer ? custIds[p] : nonIds[p - nCust]);
      if (k === known) firstPos[k] = p; // a new id
      if (customer) inCust[k]++;
      else if (inNon[k]++ === 0) firstNonPos[k] = p;
    }
  }
  return { firstPos, inCust, inNon, firstNonPos };
}

/** `seconds` as DuckDB's strftime(…, '%Y-%m-%d %H:%M:%S') writes it. */
function formatTimestamp(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The companies of the two scanned company files (as hubspot-duck.ts `companies` builds them). */
function buildCompanies(idc: string, cust: PlainTable, non: PlainTable, names: HubspotFiles): { companies: Companies; index: IdIndex } {
  const custIds = cust.numbers.get(idc)!;
  const nonIds = non.numbers.get(idc)!;
  const nCust = cust.rows;
  const index = new IdIndex([custIds, nonIds]);
  // per company (index order = order of first appearance = company order): first row, counts per file
  const { firstPos, inCust, inNon, firstNonPos } = indexCompanies(index, custIds, nonIds);
  const count = index.size;
  /** Per company, its first row's value of a column of each file. */
  const fromFirstRows = <T extends Float64Array | Int32Array>(out: T, a: ArrayLike<number>, b: ArrayLike<number>): T => {
    for (let k = 0; k < count; k++) {
      const p = firstPos[k];
      out[k] = p < nCust ? a[p] : b[p - nCust];
    }
    return out;
  };
  const idOf = (k: number) => String(firstPos[k] < nCust ? custIds[firstPos[k]] : nonIds[firstPos[k] - nCust]);
  const y = new Uint8Array(count);
  const closed = new Float64Array(count).fill(NaN);
  const custClose = cust.numbers.get('CLOSEDATE')!;
  for (let k = 0; k < count; k++) {
    const p = firstPos[k];
    const customer = p < nCust;
    y[k] = customer ? 1 : 0;
    if (customer) closed[k] = custClose[p];
  }

  // attributes from each company's first row; text as codes into the sorted values of both files
  const dictionaries = new Map<string, string[]>();
  const attributes = COMPANY_ATTRIBUTES.map((name) => {
    const nc = cust.texts.get(name);
    const nn = non.texts.get(name);
    if (!nc || !nn) {
      return fromFirstRows(new Float64Array(count), cust.numbers.get(name)!, non.numbers.get(name)!);
    }
    const values = [...new Set([...nc.values, ...nn.values])].sort();
    dictionaries.set(name, values);
    const codeOf = new Map(values.map((v, i) => [v, i + 1]));
    // a file's codes (by first appearance in it) → codes into the sorted values
    const recode = (t: typeof nc) => Int32Array.from([0, ...t.values.map((v) => codeOf.get(v)!)]);
    const [toC, toN] = [recode(nc), recode(nn)];
    const codes = fromFirstRows(new Int32Array(count), nc.codes, nn.codes);
    for (let k = 0; k < count; k++) codes[k] = firstPos[k] < nCust ? toC[codes[k]] : toN[codes[k]];
    return codes;
  });

  /** The ids of the first 5 companies that `keep`, by `by` (ascending; unique per company). */
  const firstFive = (keep: (k: number) => boolean, by: Int32Array): string[] => {
    const best: number[] = [];
    for (let k = 0; k < count; k++) {
      if (!keep(k) || (best.length === 5 && by[k] >= by[best[4]])) continue;
      best.splice(best.length === 5 ? 4 : best.length, 1, k);
      best.sort((a, b) => by[a] - by[b]);
    }
    return best.map(idOf);
  };
  let customerIds = 0;
  let noncustomerIds = 0;
  let inBoth = 0;
  for (let k = 0; k < count; k++) {
    if (inCust[k] > 0) customerIds++;
    if (inNon[k] > 0) noncustomerIds++;
    if (inCust[k] > 0 && inNon[k] > 0) inBoth++;
  }
  const warnings = duplicateWarnings(
    names,
    { customers: nCust, noncustomers: non.rows, customerIds, noncustomerIds, inBoth },
    {
      customers: customerIds < nCust ? firstFive((k) => inCust[k] > 1, firstPos) : [],
      noncustomers: noncustomerIds < non.rows ? firstFive((k) => inNon[k] > 1, firstNonPos) : [],
      inBoth: inBoth > 0 ? firstFive((k) => inCust[k] > 0 && inNon[k] > 0, firstNonPos) : [],
    },
  );
  // the ids as text are made on first use: training never reads them (previews do), and 100k strings
  // cost more in allocation and garbage collection than the rest of this function
  let ids: string[] | undefined;
  const companies: Companies = {
    count,
    get ids() {
      return (ids ??= Array.from({ length: count }, (_, k) => idOf(k)));
    },
    y,
    attributes,
    dictionaries,
    closed,
    warnings,
  };
  return { companies, index };
}

/** Scanned chunks of the usage file, by chunk number, taken in file order. */
class ChunksInOrder {
  /** The next chunk to take. */
  next = 0;
  private readonly ready = new Map<number, PlainTable>();
  private wake: (() => void) | null = null;

  /** A chunk scanned by either thread (a chunk taken already, or scanned twice, is ignored). */
  put(c: ScannedChunk): void {
    if (c.chunk < this.next || this.ready.has(c.chunk)) return;
    this.ready.set(c.chunk, c.table);
    this.wake?.();
  }

  has(k: number): boolean {
    return this.ready.has(k);
  }

  /** The next chunk, if it is scanned. */
  take(): PlainTable | undefined {
    const t = this.ready.get(this.next);
    if (t) {
      this.ready.delete(this.next);
      this.next++;
    }
    return t;
  }

  /** Lets the event loop deliver what was posted; true when the next chunk is then here. */
  async arrived(): Promise<boolean> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.ready.has(this.next);
  }

  /** Resolves when the next chunk arrives. */
  changed(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = null;
        resolve();
      };
    });
  }
}

/** The all-time aggregator of the usage rows as they are read, and the cutoffs the join applies. */
function earlyAggregation(config: FrameworkConfig, companies: Companies, ahead?: HeapAhead) {
  const { features } = config;
  // the window ends (for recency) are set by the loader (hubspot.ts) before finish() reads them
  const end = new Float64Array(companies.count);
  // a heap made for an estimate of the count that turns out too small is not used
  const aggregator = new UsageAggregator(companies.count, end, features.usage, { ahead });
  let joinEnd: Float64Array | undefined;
  if (features.cutoff.rule === 'point_in_time') {
    // a customer's rows count up to its CLOSEDATE, the others' up to the snapshot date: the
    // configured one, or else the latest usage row, which no row is after
    const snapshot = features.cutoff.snapshot_date;
    const others = snapshot === null ? Infinity : plainTimestamp(snapshot);
    joinEnd = new Float64Array(companies.count);
    for (let o = 0; o < companies.count; o++) joinEnd[o] = companies.y[o] ? companies.closed[o] : others;
  }
  return { aggregator, end, joinEnd, joined: 0, dropped: 0 };
}

/** About (a little more than) the lines of `files`, from their sizes and their first lines' length. */
function estimatedRows(files: string[]): number {
  let rows = 0;
  const buf = Buffer.allocUnsafe(65_536);
  for (const file of files) {
    const fd = openSync(file, 'r');
    try {
      const n = readSync(fd, buf, 0, buf.length, 0);
      let lines = 0;
      for (let i = buf.indexOf(10); i >= 0 && i < n; i = buf.indexOf(10, i + 1)) lines++;
      const size = fstatSync(fd).size;
      rows += lines > 0 ? Math.ceil((size / n) * lines * 1.1) : 1;
    } finally {
      closeSync(fd);
    }
  }
  return rows + 1024;
}

/** Why the plain reader did not take the files (DuckDB reads them then). */
export interface NotPlain {
  notPlain: string;
}

export async function readPlain(
  config: FrameworkConfig,
  files: HubspotFiles,
  names: HubspotFiles,
  onProgress: (msg: string) => void,
  usageChunkBytes = USAGE_CHUNK_BYTES,
): Promise<HubspotRead | NotPlain> {
  const { data, features } = config;
  const idc = data.id_column;
  const counters = features.usage.counters;
  const snapshot = features.cutoff.snapshot_date;
  if (snapshot !== null && Number.isNaN(plainTimestamp(snapshot))) {
    return { notPlain: `the snapshot date ${snapshot} is not a plain date` };
  }
  const attributes: Record<string, PlainKind> = { ALEXA_RANK: 'number', EMPLOYEE_RANGE: 'text', INDUSTRY: 'text' };
  const wanted: [string, Record<string, PlainKind>][] = [
    [files.customers, { [idc]: 'id', CLOSEDATE: 'timestamp', ...attributes }],
    [files.noncustomers, { [idc]: 'id', ...attributes }],
    [files.usage, { [idc]: 'id', WHEN_TIMESTAMP: 'timestamp!', ...Object.fromEntries(counters.map((c) => [c, 'number'])) }],
  ];
  let headers: string[][];
  try {
    headers = wanted.map(([file, columns]) => inspectCsv(file, Object.keys(columns)));
  } catch {
    return { notPlain: 'a file is missing or its header is not as expected' }; // the DuckDB reader says which
  }
  onProgress(`reading ${names.customers}, ${names.noncustomers} and ${names.usage}`);
  // the usage file (the largest) in chunks, taken one at a time by a scan worker and by this thread
  // (after the company files, when the next chunk in file order is not scanned yet)
  const dataStart = lineStartAt(files.usage, 1);
  const size = statSync(files.usage).size;
  const chunks = chunksOf(files.usage, dataStart, size, usageChunkBytes);
  const job: ScanJob = {
    files: wanted.map(([f]) => f),
    file: files.usage,
    header: headers[2],
    kinds: wanted[2][1],
    chunks,
    board: claimBoard(chunks.length),
  };
  const inOrder = new ChunksInOrder();
  const helper = startScan(job, (c) => inOrder.put(c));
  helper.result.catch(() => {}); // awaited below, unless we give up first
  // all-time aggregates are added as the chunks come (earlyAggregation): their heap is made now, its
  // pages faulted in before the scan's helper starts faulting in its own
  const ahead =
    features.usage.mode === 'all_time'
      ? UsageAggregator.heapAhead(estimatedRows([files.customers, files.noncustomers]), features.usage)
      : undefined;
  const tables: PlainTable[] = [];
  for (const [i, [file, columns]] of wanted.slice(0, 2).entries()) {
    const scan = await scanPlainCsv(file, headers[i], columns);
    if (!scan.plain) {
      helper.cancel();
      return { notPlain: `${path.basename(file)}: ${scan.reason}` };
    }
    tables.push(scan.table);
  }
  const [cust, non] = tables;
  if (features.cutoff.rule === 'point_in_time' && cust.numbers.get('CLOSEDATE')!.some(Number.isNaN)) {
    helper.cancel();
    return { notPlain: `${names.customers}: a CLOSEDATE is missing` };
  }
  const { companies, index } = buildCompanies(idc, cust, non, names);
  const companyOf = index.table ?? ((id: number) => index.find(id));

  // all-time aggregates need no window end until their recency is computed: the chunks are then
  // aggregated here in file order as they come, while the scan worker scans the next ones
  const early = features.usage.mode === 'all_time' ? earlyAggregation(config, companies, ahead) : undefined;
  const parts: ScannedUsage[] = [];
  let usageRows = 0;
  let latest = -Infinity;
  // whether the file is in time order (then every company's rows are)
  let timeOrdered = true;
  const consume = (t: PlainTable) => {
    const ts = t.numbers.get('WHEN_TIMESTAMP')!;
    for (let i = 0; i < ts.length; i++) {
      if (ts[i] >= latest) latest = ts[i];
      else timeOrdered = false;
    }
    usageRows += t.rows;
    const part = { rows: t.rows, id: t.numbers.get(idc)!, ts, counters: counters.map((c) => t.numbers.get(c)!) };
    if (!early) parts.push(part);
    else {
      const j = joinUsage([part], companyOf, early.joinEnd, false, early.aggregator);
      early.joined += j.joined;
      early.dropped += j.dropped;
    }
  };
  const helperEnd = helper.result.then(
    (r) => ({ r }),
    (err: unknown) => ({ err }),
  );
  while (inOrder.next < chunks.length) {
    const t = inOrder.take();
    if (t) {
      consume(t);
      continue;
    }
    // chunks the scan worker posted meanwhile arrive only when this thread lets the event loop run
    if (await inOrder.arrived()) continue;
    const k = claimChunk(job, LOADING_THREAD);
    if (k >= 0) {
      const scan = await scanChunk(job, k);
      if (!scan.plain) {
        helper.cancel();
        return { notPlain: `${names.usage}: ${scan.reason}` };
      }
      inOrder.put({ chunk: k, table: scan.table });
      continue;
    }
    // the next chunk is the scan worker's: wait for it, or for the worker's end
    const ended = await Promise.race([inOrder.changed(), helperEnd]);
    if (!ended) continue;
    if ('err' in ended) {
      const e = ended.err;
      return { notPlain: `${names.usage}: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (!ended.r.scan.plain) return { notPlain: `${names.usage}: ${ended.r.scan.reason}` };
    if (!inOrder.has(inOrder.next)) throw new Error(`internal: usage chunk ${inOrder.next} was never scanned`);
  }
  // every chunk is read: the scan worker's fingerprint is awaited only once the dataset is built
  const fingerprint = helperEnd.then((ended) => {
    if ('err' in ended) throw ended.err;
    return ended.r.fingerprint;
  });
  fingerprint.catch(() => {}); // awaited by the loader
  if (usageRows === 0) return { notPlain: `${names.usage}: no data rows` };
  const readAt = performance.now();
  return {
    companies,
    rawRows: { customers: cust.rows, noncustomers: non.rows, usage: usageRows },
    latestUsage: formatTimestamp(latest),
    epochOf: (text) => Promise.resolve(plainTimestamp(text)),
    // rows sorted by company then time give each company's rows in the order a time-ordered file
    // already has them (ties in file order both ways), so such a file is not sorted
    aggregate: (aggregator, end, sorted) => {
      if (early) throw new Error('internal: the usage rows were aggregated while they were read');
      return Promise.resolve(joinUsage(parts, companyOf, end, sorted && !timeOrdered, aggregator));
    },
    ...(early ? { aggregated: { aggregator: early.aggregator, end: early.end, joined: early.joined, dropped: early.dropped } } : {}),
    fingerprint,
    readAt,
  };
}
