/**
 * A fast path for the usage file: reads usage_actions.csv straight into typed columns, hashing its
 * bytes on the way, when the file is plain: no quotes, integer ids, timestamps as `YYYY-MM-DD` or
 * `YYYY-MM-DD HH:MM:SS`, counters as plain decimals (`-12.5`, at most 15 digits) or empty.
 *
 * Anything else (a quote, a malformed or out-of-range value, a wrong number of fields, an empty
 * line, no data rows) ends the scan with `{ plain: false }` and the caller reads the file with
 * DuckDB's CSV reader instead, which gives the data or the error message naming the line. So the two
 * readers must agree on every plain file, which the tests check value for value; the scan exists
 * because it is 3–4× faster than DuckDB's parse plus the join and the transfer into JavaScript
 * (bench/results/pipeline.md).
 *
 * Values: ids and counters are correctly rounded (at most 15 digits, so the digits are an exact
 * integer, divided once by an exact power of ten), as DuckDB's parser does; timestamps are epoch
 * seconds, as `epoch()` gives them; an empty counter is NaN (DuckDB's NULL).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Hash } from 'node:crypto';

export interface UsageColumns {
  rows: number;
  /** The id of each row (integers, exact). */
  id: Float64Array;
  /** WHEN_TIMESTAMP as epoch seconds. */
  ts: Float64Array;
  /** One array per requested counter, in the requested order (NaN for an empty value). */
  counters: Float64Array[];
}

export type UsageScan = { plain: true; columns: UsageColumns } | { plain: false; reason: string };

/** Bytes read per step; the scan yields to the event loop between steps (DuckDB's reads of the other files go on meanwhile). */
const READ_BYTES = 1 << 20;
/** Longer lines than this are not plain usage rows (DuckDB's reader takes the file). */
const MAX_LINE = 1 << 16;

const ID = -1;
const TS = -2;
const SKIP = -3;

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

/** Growable columns. */
class Store {
  rows = 0;
  id: Float64Array;
  ts: Float64Array;
  counters: Float64Array[];
  constructor(
    public capacity: number,
    counters: number,
  ) {
    this.id = new Float64Array(capacity);
    this.ts = new Float64Array(capacity);
    this.counters = Array.from({ length: counters }, () => new Float64Array(capacity));
  }
  grow(): void {
    this.capacity = Math.ceil(this.capacity * 1.5) + 1024;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(this.capacity);
      b.set(a.subarray(0, this.rows));
      return b;
    };
    this.id = grow(this.id);
    this.ts = grow(this.ts);
    this.counters = this.counters.map(grow);
  }
  columns(): UsageColumns {
    const n = this.rows;
    return { rows: n, id: this.id.subarray(0, n), ts: this.ts.subarray(0, n), counters: this.counters.map((c) => c.subarray(0, n)) };
  }
}

const isDigit = (byte: number) => byte >= ZERO && byte <= ZERO + 9;

/**
 * Parses the complete lines in `b[start, end)` into `store` until it is full; returns the offset
 * after the last parsed line, or -1 when a line is not plain (the whole scan is then abandoned).
 */
function parseLines(b: Uint8Array, start: number, end: number, role: Int32Array, store: Store): number {
  const fields = role.length;
  const { id, ts, counters, capacity } = store;
  let row = store.rows;
  let p = start;
  while (p < end && row < capacity) {
    for (let f = 0; f < fields; f++) {
      const r = role[f];
      let c = b[p];
      if (r >= 0) {
        // a counter: [-]digits[.digits] or empty
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
        if (c === DOT) {
          const dot = ++p;
          c = b[p];
          while (c >= ZERO && c <= ZERO + 9) {
            m = m * 10 + (c - ZERO);
            c = b[++p];
          }
          const frac = p - dot;
          if (frac === 0 || digits === 0) return -1;
          digits += frac;
          v = m / POW10[frac];
        }
        if (digits > 15 || (neg && digits === 0)) return -1;
        counters[r][row] = neg ? -v : v;
      } else if (r === ID) {
        // an integer
        const neg = c === MINUS;
        if (neg) c = b[++p];
        const first = p;
        let m = 0;
        while (c >= ZERO && c <= ZERO + 9) {
          m = m * 10 + (c - ZERO);
          c = b[++p];
        }
        const digits = p - first;
        if (digits === 0 || digits > 15) return -1;
        id[row] = neg ? -m : m;
      } else if (r === TS) {
        // YYYY-MM-DD[ HH:MM:SS]
        const y = (b[p] - ZERO) * 1000 + (b[p + 1] - ZERO) * 100 + (b[p + 2] - ZERO) * 10 + (b[p + 3] - ZERO);
        const mo = (b[p + 5] - ZERO) * 10 + (b[p + 6] - ZERO);
        const d = (b[p + 8] - ZERO) * 10 + (b[p + 9] - ZERO);
        const dateDigits =
          isDigit(b[p]) && isDigit(b[p + 1]) && isDigit(b[p + 2]) && isDigit(b[p + 3]) &&
          isDigit(b[p + 5]) && isDigit(b[p + 6]) && isDigit(b[p + 8]) && isDigit(b[p + 9]);
        if (!dateDigits || b[p + 4] !== MINUS || b[p + 7] !== MINUS || y < 1000) return -1;
        if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return -1;
        let sec = daysFromCivil(y, mo, d) * DAY;
        p += 10;
        if (b[p] === SPACE) {
          const timeDigits =
            isDigit(b[p + 1]) && isDigit(b[p + 2]) && isDigit(b[p + 4]) &&
            isDigit(b[p + 5]) && isDigit(b[p + 7]) && isDigit(b[p + 8]);
          if (!timeDigits || b[p + 3] !== COLON || b[p + 6] !== COLON) return -1;
          const h = (b[p + 1] - ZERO) * 10 + (b[p + 2] - ZERO);
          const mi = (b[p + 4] - ZERO) * 10 + (b[p + 5] - ZERO);
          const s = (b[p + 7] - ZERO) * 10 + (b[p + 8] - ZERO);
          if (h > 23 || mi > 59 || s > 59) return -1;
          sec += h * 3600 + mi * 60 + s;
          p += 9;
        }
        ts[row] = sec;
        c = b[p];
      } else {
        // a column we do not use: any text without quotes
        while (c !== COMMA && c !== LF && c !== CR && c !== QUOTE && p < end) c = b[++p];
        if (c === QUOTE) return -1;
      }
      if (f < fields - 1) {
        if (c !== COMMA) return -1;
        p++;
      } else {
        if (c === CR) c = b[++p];
        if (c !== LF) return -1;
        p++;
      }
    }
    row++;
  }
  store.rows = row;
  return p;
}

/**
 * Scans `file` (its header already checked, `header` its column names) into columns, updating `hash`
 * with every byte read. Resolves to `{ plain: false }` as soon as a line is not plain.
 */
export async function scanUsageCsv(
  file: string,
  header: readonly string[],
  columns: { id: string; ts: string; counters: readonly string[] },
  hash?: Hash,
): Promise<UsageScan> {
  const role = new Int32Array(header.length).fill(SKIP);
  header.forEach((h, i) => {
    if (h === columns.id) role[i] = ID;
    else if (h === columns.ts) role[i] = TS;
    else if (columns.counters.includes(h)) role[i] = columns.counters.indexOf(h);
  });
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(READ_BYTES + MAX_LINE);
    let store: Store | undefined;
    let carry = 0; // bytes of an incomplete line kept at the start of buf
    let headerDone = false;
    for (;;) {
      const n = readSync(fd, buf, carry, READ_BYTES, null);
      hash?.update(buf.subarray(carry, carry + n));
      const filled = carry + n;
      // the last line may lack its newline
      const end = n === 0 ? filled : buf.lastIndexOf(LF, filled - 1) + 1;
      let start = 0;
      if (!headerDone) {
        const nl = buf.indexOf(LF);
        if (nl < 0 || nl >= filled) {
          if (n === 0) return { plain: false, reason: 'no data rows' };
          if (filled > MAX_LINE) return { plain: false, reason: 'header line too long' };
          carry = filled;
          continue;
        }
        start = nl + 1;
        headerDone = true;
        // rows ≈ bytes / the first rows' line length
        const sample = buf.subarray(start, Math.min(end, start + 65536));
        let lines = 0;
        for (const byte of sample) if (byte === LF) lines++;
        const lineBytes = Math.max(16, lines > 0 ? sample.length / lines : sample.length);
        store = new Store(Math.ceil((fstatSync(fd).size / lineBytes) * 1.05) + 16, columns.counters.length);
      }
      const s = store!;
      let stop = end;
      if (n === 0 && end > start && buf[end - 1] !== LF) {
        // the file's last line, without its newline
        buf[end] = LF;
        stop = end + 1;
      }
      for (let p = start; p < stop; ) {
        p = parseLines(buf, p, stop, role, s);
        if (p < 0) return { plain: false, reason: 'not a plain usage row' };
        if (p < stop) s.grow();
      }
      start = Math.max(start, end);
      if (n === 0) {
        if (s.rows === 0) return { plain: false, reason: 'no data rows' };
        return { plain: true, columns: s.columns() };
      }
      carry = filled - start;
      if (carry > MAX_LINE) return { plain: false, reason: 'line too long' };
      buf.copy(buf, 0, filled - carry, filled);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
}
