/**
 * A fast path for the HubSpot files: reads a *plain* CSV file (or a part of its lines) straight into
 * typed columns. Plain means: no quotes; integers (ids) of at most 15 digits; numbers as plain
 * decimals (`-12.5`, at most 15 digits); timestamps as `YYYY-MM-DD` or `YYYY-MM-DD HH:MM:SS`; text
 * in ASCII; every line with the header's number of fields. Our generator and HubSpot's exports write
 * such files.
 *
 * Anything else (a quote, a malformed or out-of-range value, a missing required value, a wrong number
 * of fields, an empty line, no data rows, a line over 64 KB) ends the scan with `{ plain: false }`
 * and the caller reads the files with DuckDB's CSV reader instead, which gives the data or an error
 * message naming the line. So the two readers must agree on every plain file, which the tests check
 * value for value. The scan exists because it is several times faster than DuckDB's reader plus the
 * transfer of its results into JavaScript (bench/results/pipeline.md).
 *
 * The lines go through the same line loop compiled to WebAssembly (plain-kernels.ts, tested to give the
 * same columns and codes and reject the same lines); the JavaScript loop below runs where WebAssembly
 * is unavailable and for a text column with more distinct values than the wasm dictionary holds.
 *
 * Values are what DuckDB's reader gives: numbers correctly rounded (at most 15 digits are an exact
 * integer, divided once by an exact power of ten), timestamps as epoch seconds (`epoch()`), an empty
 * number or timestamp NaN and an empty text null (DuckDB's NULL).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DICTIONARY_FULL, releaseLineParser, wasmLineParser, type WasmLineParser } from './plain-kernels';

/** `id`: an integer that must be present; `timestamp!`: a timestamp that must be present. */
export type PlainKind = 'id' | 'number' | 'timestamp' | 'timestamp!' | 'text';

/** A text column: per row a code into `values` (0 = empty), codes in order of first appearance. */
export interface TextValues {
  codes: Int32Array;
  values: string[];
}

export interface PlainTable {
  rows: number;
  /** The id, number and timestamp columns. */
  numbers: Map<string, Float64Array>;
  texts: Map<string, TextValues>;
}

export type PlainScan = { plain: true; table: PlainTable } | { plain: false; reason: string };

/** Bytes read per step; the scan yields to the event loop between steps. */
const READ_BYTES = 1 << 20;
/** Longer lines than this are not plain. */
const MAX_LINE = 1 << 16;

// field roles: a kind, and the index of its output column
const K_ID = 0;
const K_NUMBER = 1;
const K_TIMESTAMP = 2;
const K_TIMESTAMP_REQUIRED = 3;
const K_TEXT = 4;
const K_SKIP = 5;
const KIND_CODES: Record<PlainKind, number> = {
  id: K_ID,
  number: K_NUMBER,
  timestamp: K_TIMESTAMP,
  'timestamp!': K_TIMESTAMP_REQUIRED,
  text: K_TEXT,
};

const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const SPACE = 32;
const COLON = 58;

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);
const DAY = 86_400;

/** Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (m 1–12). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** The number the two digits at b[p] write, or -1. */
function twoDigits(b: Uint8Array, p: number): number {
  const hi = b[p] - ZERO;
  const lo = b[p + 1] - ZERO;
  return hi >= 0 && hi <= 9 && lo >= 0 && lo <= 9 ? hi * 10 + lo : -1;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

function sameBytes(a: Uint8Array, b: Uint8Array, from: number, to: number): boolean {
  if (a.length !== to - from) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[from + i]) return false;
  return true;
}

/** A text column's distinct values, coded 1, 2, … in order of first appearance; found by their bytes' hash. */
class ByteDictionary {
  readonly values: Uint8Array[] = [];
  /** Open addressing: per slot a code (0 = empty) and its value's hash. */
  private codes = new Int32Array(64);
  private hashes = new Int32Array(64);

  /** The code of the value `b[from, to)` whose hash is `h`, given the next code when new. */
  codeOf(b: Uint8Array, from: number, to: number, h: number): number {
    const mask = this.codes.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const code = this.codes[i];
      if (code === 0) {
        this.values.push(b.slice(from, to));
        this.codes[i] = this.values.length;
        this.hashes[i] = h;
        if (this.values.length * 2 > this.codes.length) this.grow();
        return this.values.length;
      }
      if (this.hashes[i] === h && sameBytes(this.values[code - 1], b, from, to)) return code;
    }
  }

  private grow(): void {
    const { codes, hashes } = this;
    this.codes = new Int32Array(codes.length * 2);
    this.hashes = new Int32Array(codes.length * 2);
    const mask = this.codes.length - 1;
    codes.forEach((code, j) => {
      if (code === 0) return;
      let i = hashes[j] & mask;
      while (this.codes[i] !== 0) i = (i + 1) & mask;
      this.codes[i] = code;
      this.hashes[i] = hashes[j];
    });
  }
}

/** Growable output columns. */
class Store {
  rows = 0;
  numbers: Float64Array[];
  codes: Int32Array[];
  readonly dictionaries: ByteDictionary[];
  constructor(
    public capacity: number,
    numbers: number,
    texts: number,
  ) {
    this.numbers = Array.from({ length: numbers }, () => new Float64Array(capacity));
    this.codes = Array.from({ length: texts }, () => new Int32Array(capacity));
    this.dictionaries = Array.from({ length: texts }, () => new ByteDictionary());
  }
  /** The row (0-based) of the first line that is not plain, once one is found. */
  failedRow = -1;
  fail(row: number): -1 {
    this.failedRow = row;
    return -1;
  }
  grow(): void {
    this.capacity = Math.ceil(this.capacity * 1.5) + 1024;
    const copy = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(this.capacity);
      b.set(a.subarray(0, this.rows));
      return b;
    };
    this.numbers = this.numbers.map((a) => copy(a, (n) => new Float64Array(n)));
    this.codes = this.codes.map((a) => copy(a, (n) => new Int32Array(n)));
  }
}

/**
 * Parses the complete lines in `b[start, end)` into `store` until it is full; returns the offset
 * after the last parsed line, or -1 when a line is not plain (the whole scan is then abandoned).
 */
function parseLines(b: Uint8Array, start: number, end: number, kind: Int32Array, slot: Int32Array, store: Store): number {
  const fields = kind.length;
  const { numbers, codes, dictionaries, capacity } = store;
  let row = store.rows;
  let p = start;
  while (p < end && row < capacity) {
    for (let f = 0; f < fields; f++) {
      const k = kind[f];
      let c = b[p];
      if (k === K_NUMBER || k === K_ID) {
        // [-]digits[.digits] (no fraction for an id), or empty
        const neg = c === MINUS;
        if (neg) c = b[++p];
        const first = p;
        let m = 0;
        while (c >= ZERO && c <= ZERO + 9) {
          m = m * 10 + (c - ZERO);
          c = b[++p];
        }
        let digits = p - first;
        let v = digits === 0 ? NaN : m;
        if (c === DOT && k === K_NUMBER) {
          const dot = ++p;
          c = b[p];
          while (c >= ZERO && c <= ZERO + 9) {
            m = m * 10 + (c - ZERO);
            c = b[++p];
          }
          const frac = p - dot;
          if (frac === 0 || digits === 0) return store.fail(row);
          digits += frac;
          v = m / POW10[frac];
        }
        if (digits > 15 || (digits === 0 && (neg || k === K_ID))) return store.fail(row);
        numbers[slot[f]][row] = neg ? -v : v;
      } else if (k === K_TIMESTAMP || k === K_TIMESTAMP_REQUIRED) {
        let sec = NaN;
        if (c === COMMA || c === LF || c === CR) {
          if (k === K_TIMESTAMP_REQUIRED) return store.fail(row);
        } else {
          // YYYY-MM-DD[ HH:MM:SS]
          const century = twoDigits(b, p);
          const y = century * 100 + twoDigits(b, p + 2);
          const mo = twoDigits(b, p + 5);
          const d = twoDigits(b, p + 8);
          if (century < 10 || y < century * 100 || b[p + 4] !== MINUS || b[p + 7] !== MINUS) return store.fail(row);
          if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return store.fail(row);
          sec = daysFromCivil(y, mo, d) * DAY;
          p += 10;
          if (b[p] === SPACE) {
            const h = twoDigits(b, p + 1);
            const mi = twoDigits(b, p + 4);
            const s = twoDigits(b, p + 7);
            if (b[p + 3] !== COLON || b[p + 6] !== COLON || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) {
              return store.fail(row);
            }
            sec += h * 3600 + mi * 60 + s;
            p += 9;
          }
          c = b[p];
        }
        numbers[slot[f]][row] = sec;
      } else {
        // text (ASCII, no quotes), or a column we do not use (no quotes)
        const first = p;
        let h = FNV_OFFSET;
        while (c !== COMMA && c !== LF && c !== CR && p < end) {
          if (c === QUOTE || (k === K_TEXT && c > 127)) return store.fail(row);
          h = Math.imul(h ^ c, FNV_PRIME);
          c = b[++p];
        }
        if (k === K_TEXT) {
          // the value's code, found by the hash of its bytes: no string per row
          codes[slot[f]][row] = p > first ? dictionaries[slot[f]].codeOf(b, first, p, h) : 0;
        }
      }
      if (f < fields - 1) {
        if (c !== COMMA) return store.fail(row);
        p++;
      } else {
        if (c === CR) c = b[++p];
        if (c !== LF) return store.fail(row);
        p++;
      }
    }
    row++;
  }
  store.rows = row;
  return p;
}

/** parseLines with the wasm loop: every complete line in [start, end) into `store`; `end`, -1 or DICTIONARY_FULL. */
function parseWithWasm(parser: WasmLineParser, start: number, end: number, store: Store): number {
  for (let p = start; p < end; ) {
    p = parser.parse(p, end);
    if (p === DICTIONARY_FULL) return p;
    if (p < 0) return store.fail(store.rows + parser.failedRow);
    const n = parser.rows;
    while (store.rows + n > store.capacity) store.grow();
    store.numbers.forEach((column, s) => column.set(parser.values(s), store.rows));
    store.codes.forEach((column, t) => column.set(parser.codes(t), store.rows));
    store.rows += n;
  }
  return end;
}

/** The byte offset of the first line that starts at or after `offset` (the file's size if none). */
export function lineStartAt(file: string, offset: number): number {
  if (offset === 0) return 0;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(65_536);
    for (let pos = offset - 1; ; pos += buf.length) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return fstatSync(fd).size;
      const nl = buf.subarray(0, n).indexOf(LF);
      if (nl >= 0) return pos + nl + 1;
    }
  } finally {
    closeSync(fd);
  }
}

/** A part of a file's data lines: from a line start up to (not including) another, or the file's end. */
export interface ByteRange {
  from: number;
  to: number;
}

/**
 * Scans the data lines of `file` (its header already checked, `header` its column names), or the
 * lines of `range`, into the columns `columns` asks for. Resolves to `{ plain: false }` as soon as a
 * line is not plain, and for a file without data rows (a range may have none).
 */
export async function scanPlainCsv(
  file: string,
  header: readonly string[],
  columns: Record<string, PlainKind>,
  range?: ByteRange,
  options: { wasm?: boolean } = {},
): Promise<PlainScan> {
  const kind = new Int32Array(header.length).fill(K_SKIP);
  const slot = new Int32Array(header.length);
  const numberNames: string[] = [];
  const textNames: string[] = [];
  header.forEach((h, i) => {
    const want = Object.hasOwn(columns, h) ? columns[h] : undefined;
    if (!want) return;
    kind[i] = KIND_CODES[want];
    const names = want === 'text' ? textNames : numberNames;
    slot[i] = names.length;
    names.push(h);
  });
  const fd = openSync(file, 'r');
  let fdOpen = true;
  let parser: WasmLineParser | null = null;
  try {
    const size = fstatSync(fd).size;
    // the data lines start after the header line
    const from = range?.from ?? lineStartAt(file, 1);
    const to = Math.min(range?.to ?? size, size);
    if (!range && (from >= size || from === 0)) return { plain: false, reason: 'no data rows' };
    // the lines go through the WebAssembly loop (plain-kernels.ts), where there is one
    parser =
      options.wasm !== false
        ? wasmLineParser(kind, slot, numberNames.length, textNames.length, READ_BYTES + MAX_LINE + 1)
        : null;
    const wasm = parser;
    const buf = wasm ? wasm.buffer : Buffer.allocUnsafe(READ_BYTES + MAX_LINE + 1);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
    let store: Store | undefined;
    let carry = 0; // bytes of an incomplete line kept at the start of buf
    for (let pos = from; ; ) {
      const n = readSync(fd, buf, carry, Math.min(READ_BYTES, to - pos), pos);
      pos += n;
      const filled = carry + n;
      if (!store) {
        // rows ≈ bytes / the first lines' length
        const sample = buf.subarray(0, Math.min(filled, 65_536));
        let lines = 0;
        for (let i = sample.indexOf(LF); i >= 0; i = sample.indexOf(LF, i + 1)) lines++;
        const lineBytes = Math.max(16, lines > 0 ? sample.length / lines : sample.length);
        store = new Store(Math.ceil(((to - from) / lineBytes) * 1.05) + 16, numberNames.length, textNames.length);
      }
      // complete lines only, except the file's last line, which may lack its newline
      let end = buf.subarray(0, filled).lastIndexOf(LF) + 1;
      if (n === 0 && filled > end) {
        buf[filled] = LF;
        end = filled + 1;
      }
      for (let p = 0; p < end; ) {
        p = wasm ? parseWithWasm(wasm, p, end, store) : parseLines(bytes, p, end, kind, slot, store);
        if (p === DICTIONARY_FULL) {
          // a text column with too many distinct values for the wasm dictionary: the JavaScript loop
          closeSync(fd);
          fdOpen = false;
          return await scanPlainCsv(file, header, columns, range, { ...options, wasm: false });
        }
        if (p < 0) {
          // counted from the file's start only for a whole file
          const where = range ? `a line after byte ${from}` : `line ${store.failedRow + 2}`;
          return { plain: false, reason: `${where} is not plain` };
        }
        if (p < end) store.grow();
      }
      if (n === 0) {
        if (store.rows === 0 && !range) return { plain: false, reason: 'no data rows' };
        const values = wasm
          ? textNames.map((_, t) => wasm.textValues(t))
          : store.dictionaries.map((d) => d.values.map((v) => Buffer.from(v.buffer, v.byteOffset, v.length).toString('latin1')));
        return { plain: true, table: tableOf(store, numberNames, textNames, values) };
      }
      carry = filled - Math.min(end, filled);
      if (carry > MAX_LINE) return { plain: false, reason: 'a line over 64 KB' };
      buf.copy(buf, 0, filled - carry, filled);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    if (fdOpen) closeSync(fd);
    if (parser) releaseLineParser(parser);
  }
}

/** The scan's columns; `values[i]`: text column i's distinct values by code. */
function tableOf(store: Store, numberNames: string[], textNames: string[], values: string[][]): PlainTable {
  const n = store.rows;
  return {
    rows: n,
    numbers: new Map(numberNames.map((name, i) => [name, store.numbers[i].subarray(0, n)])),
    texts: new Map(textNames.map((name, i) => [name, { codes: store.codes[i].subarray(0, n), values: values[i] }])),
  };
}

/** Epoch seconds of a plain `YYYY-MM-DD[ HH:MM:SS]` text, as the scan reads it; NaN for any other text. */
export function plainTimestamp(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(text);
  if (!m) return NaN;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1).map((v) => (v === undefined ? undefined : Number(v))) as number[];
  if (y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return NaN;
  return daysFromCivil(y, mo, d) * DAY + h * 3600 + mi * 60 + s;
}
