/**
 * The plain scan's line loop (plain-csv.ts parseLines) for files without text columns, as
 * WebAssembly: the usage file, the largest input, parses about 1.5x faster warm, and several times
 * faster in a fresh thread, where the JavaScript loop first runs unoptimised (each thread scanning
 * the file pays that again). The module is about 1.3 KB, so it lives here as base64; SCAN_SOURCE is
 * its AssemblyScript source, and plain-kernels.test.ts checks that the installed asc (ASC_ARGS)
 * compiles it to exactly these bytes and that both loops give the same columns and reject the same
 * lines. The JavaScript loop runs where WebAssembly is unavailable and for text columns.
 */
import { ASC_ARGS, embeddedModule, wasmApi } from './embedded-wasm';

export { ASC_ARGS };

export const SCAN_SOURCE = `// Plain-CSV line parser for numeric columns (plain-csv.ts parseLines, without text columns). Offsets
// are byte addresses in the imported memory. kinds[f]: 0 id, 1 number, 2 timestamp, 3 required
// timestamp, 5 skipped; slots[f]: the output column. Column s, row r is the f64 at out + (s·cap + r)·8.
// Returns the offset after the last parsed line (state[0] = rows parsed), or -1 with state[1] = the
// row (0-based, from the call's first) of the first line that is not plain.

function digit(c: i32): bool {
  return <u32>(c - 48) <= 9;
}

function twoDigits(p: usize): i32 {
  const hi = <i32>load<u8>(p) - 48;
  const lo = <i32>load<u8>(p, 1) - 48;
  return <u32>hi <= 9 && <u32>lo <= 9 ? hi * 10 + lo : -1;
}

function daysInMonth(y: i32, m: i32): i32 {
  if (m == 2) return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28;
  return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
}

/** Days from 1970-01-01 (years from 1000: every division here is of non-negative numbers). */
function daysFromCivil(y: i32, m: i32, d: i32): i32 {
  const yy = m <= 2 ? y - 1 : y;
  const era = yy / 400;
  const yoe = yy - era * 400;
  const doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

export function parseLines(
  b: usize,
  start: i32,
  end: i32,
  kinds: usize,
  slots: usize,
  fields: i32,
  out: usize,
  cap: i32,
  state: usize,
): i32 {
  let row = 0;
  let p = start;
  while (p < end && row < cap) {
    for (let f = 0; f < fields; f++) {
      const k = load<i32>(kinds + ((<usize>f) << 2));
      let c = <i32>load<u8>(b + <usize>p);
      if (k <= 1) {
        const neg = c == 45;
        if (neg) c = <i32>load<u8>(b + <usize>++p);
        const first = p;
        let m: i64 = 0;
        while (digit(c)) {
          m = m * 10 + <i64>(c - 48);
          c = <i32>load<u8>(b + <usize>++p);
        }
        let digits = p - first;
        let v: f64 = digits == 0 ? NaN : <f64>m;
        if (c == 46 && k == 1) {
          const dot = ++p;
          c = <i32>load<u8>(b + <usize>p);
          while (digit(c)) {
            m = m * 10 + <i64>(c - 48);
            c = <i32>load<u8>(b + <usize>++p);
          }
          const frac = p - dot;
          if (frac == 0 || digits == 0) return fail(state, row);
          digits += frac;
          let scale: f64 = 1;
          for (let i = 0; i < frac; i++) scale *= 10;
          v = <f64>m / scale;
        }
        if (digits > 15 || (digits == 0 && (neg || k == 0))) return fail(state, row);
        store<f64>(out + ((<usize>load<i32>(slots + ((<usize>f) << 2)) * <usize>cap + <usize>row) << 3), neg ? -v : v);
      } else if (k <= 3) {
        let sec: f64 = NaN;
        if (c == 44 || c == 10 || c == 13) {
          if (k == 3) return fail(state, row);
        } else {
          const q = b + <usize>p;
          const century = twoDigits(q);
          const y = century * 100 + twoDigits(q + 2);
          const mo = twoDigits(q + 5);
          const d = twoDigits(q + 8);
          if (century < 10 || y < century * 100 || load<u8>(q, 4) != 45 || load<u8>(q, 7) != 45) return fail(state, row);
          if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return fail(state, row);
          sec = <f64>daysFromCivil(y, mo, d) * 86400;
          p += 10;
          if (load<u8>(b + <usize>p) == 32) {
            const t = b + <usize>p;
            const h = twoDigits(t + 1);
            const mi = twoDigits(t + 4);
            const s = twoDigits(t + 7);
            if (load<u8>(t, 3) != 58 || load<u8>(t, 6) != 58 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) {
              return fail(state, row);
            }
            sec += <f64>(h * 3600 + mi * 60 + s);
            p += 9;
          }
          c = <i32>load<u8>(b + <usize>p);
        }
        store<f64>(out + ((<usize>load<i32>(slots + ((<usize>f) << 2)) * <usize>cap + <usize>row) << 3), sec);
      } else {
        while (c != 44 && c != 10 && c != 13 && p < end) {
          if (c == 34) return fail(state, row);
          c = <i32>load<u8>(b + <usize>++p);
        }
      }
      if (f < fields - 1) {
        if (c != 44) return fail(state, row);
        p++;
      } else {
        if (c == 13) c = <i32>load<u8>(b + <usize>++p);
        if (c != 10) return fail(state, row);
        p++;
      }
    }
    row++;
  }
  store<i32>(state, row);
  return p;
}

function fail(state: usize, row: i32): i32 {
  store<i32>(state, row, 4);
  return -1;
}
`;

const SCAN_WASM = [
  'AGFzbQEAAAABDgFgCX9/f39/f39/fwF/Ag8BA2VudgZtZW1vcnkCAAADAgEABxcCCnBhcnNlTGluZXMAAAZtZW1vcnkCAAr7',
  'CQH4CQMJfwF8AX4CQANAIAEgAkggByALSnEEQEEAIQ0DQCAFIA1KBEAgACABai0AACEJIAMgDUECdGooAgAiDkEBTARAIAlB',
  'LUYiDwRAIAFBAWoiASAAai0AACEJCyABIQpCACETA0AgCUEwayIMQQlNBEAgDKwgE0IKfnwhEyABQQFqIgEgAGotAAAhCQwB',
  'CwsgE7lEAAAAAAAA+H8gASAKayIMGyESIA5BAUYgCUEuRnEEQCABQQFqIgEhCiAAIAFqLQAAIQkDQCAJQTBrIhBBCU0EQCAQ',
  'rCATQgp+fCETIAFBAWoiASAAai0AACEJDAELCyAMRSABIAprIhBFcg0GIAwgEGohDEQAAAAAAADwPyESQQAhCgNAIAogEEgE',
  'QCASRAAAAAAAACRAoiESIApBAWohCgwBCwsgE7kgEqMhEgsgDEUgDkUgD3JxIAxBD0pyDQUgBiAEIA1BAnRqKAIAIAdsIAtq',
  'QQN0aiASmiASIA8bOQMABSAOQQNMBEBEAAAAAAAA+H8hEiAJQQpGIAlBLEZyIAlBDUZyBEAgDkEDRg0HBSAAIAFqIgktAABB',
  'MGshCiAJLQAGQTBrIgwgCUEFai0AAEEwayIOQQpsakF/IAxBCU0gDkEJTXEbIQwgCS0ACUEwayIOIAlBCGotAABBMGsiD0EK',
  'bGpBfyAOQQlNIA9BCU1xGyEOIAktAAFBMGsiDyAKQQpsakF/IA9BCU0gCkEJTXEbIgpB5ABsIg8gCS0AA0EwayIRIAlBAmot',
  'AABBMGsiEEEKbGpBfyARQQlNIBBBCU1xG2oiECAPSCAKQQpIcgR/QQEFIAktAARBLUcLBH9BAQUgCS0AB0EtRwsNByAMQQBM',
  'IAxBDEpyIA5BAExyBH9BAQUgDEECRgR/QRxBHSAQQQNxBH9BAAUgEEHkAG8LBH9BAAUgEEGQA28LGwVBHkEfIAxBBkYgDEEE',
  'RnIgDEEJRnIgDEELRnIbCyAOSAsNByAMQQNrIAxBCWogDEECShtBmQFsQQJqQQVtIA5qIBBBAWsgECAMQQJMGyIJQZADbSIK',
  'QbH1CGwgCSAKQZADbGsiCUHtAmxqIAlBBG1qIAlB5ABta2pB7fQra7dEAAAAAAAY9UCiIRIgAUEKaiIBIABqIgotAABBIEYE',
  'QCAKLQACQTBrIgkgCkEBai0AAEEwayIMQQpsakF/IAlBCU0gDEEJTXEbIgxBF0ohDiAMQQBIIQkgCi0ACEEwayIPIApBB2ot',
  'AABBMGsiEEEKbGpBfyAPQQlNIBBBCU1xGyIPQTtKIAotAAVBMGsiECAKQQRqLQAAQTBrIhFBCmxqQX8gEEEJTSARQQlNcRsi',
  'EEE7SiAOIAotAANBOkcEf0EBBSAKLQAGQTpHCyAJcnIgEEEASHJyIA9BAEhycg0IIBIgDEGQHGwgEEE8bGogD2q3oCESIAFB',
  'CWohAQsgACABai0AACEJCyAGIAQgDUECdGooAgAgB2wgC2pBA3RqIBI5AwAFA0AgCUEKRyAJQSxHcSAJQQ1HcSABIAJIcQRA',
  'IAlBIkYNCCABQQFqIgEgAGotAAAhCQwBCwsLCyANIAVBAWtIBH8gCUEsRwUgCUENRgR/IAFBAWoiASAAai0AAAUgCQtBCkcL',
  'DQQgAUEBaiEBIA1BAWohDQwBCwsgC0EBaiELDAELCyAIIAs2AgAgAQ8LIAggCzYCBEF/Cw==',
].join('');

const scanModule = embeddedModule(SCAN_WASM);

/** Rows the loop writes per call, before they are copied out. */
const ROWS_PER_CALL = 16_384;

type ParseLines = (
  b: number,
  start: number,
  end: number,
  kinds: number,
  slots: number,
  fields: number,
  out: number,
  cap: number,
  state: number,
) => number;

/** The wasm line loop over its own memory: a read buffer, the fields' kinds and slots, and output columns. */
export class WasmLineParser {
  /** The read buffer (in the module's memory): the caller reads the file into it. */
  readonly buffer: Buffer;
  private readonly state: Int32Array;
  private readonly columns: Float64Array[];

  constructor(
    private readonly fn: ParseLines,
    private readonly memory: ArrayBuffer,
    private readonly layout: { kinds: number; slots: number; fields: number; out: number; buffer: number },
    columns: number,
  ) {
    this.state = new Int32Array(memory, 0, 2);
    this.columns = Array.from({ length: columns }, (_, s) => new Float64Array(memory, layout.out + s * ROWS_PER_CALL * 8, ROWS_PER_CALL));
    this.buffer = Buffer.from(memory, layout.buffer, memory.byteLength - layout.buffer);
  }

  /**
   * Parses the complete lines in buffer[start, end) until `end` or ROWS_PER_CALL rows; returns the
   * offset reached (`rows` rows in `values`), or -1 (`failedRow`: the first line not plain, counted
   * from `start`).
   */
  parse(start: number, end: number): number {
    const { kinds, slots, fields, out, buffer } = this.layout;
    return this.fn(buffer, start, end, kinds, slots, fields, out, ROWS_PER_CALL, 0);
  }

  get rows(): number {
    return this.state[0];
  }

  get failedRow(): number {
    return this.state[1];
  }

  /** Whether this parser can take lines of `fields` fields into `columns` columns with a `bufferBytes` buffer. */
  fits(fields: number, columns: number, bufferBytes: number): boolean {
    return fields === this.layout.fields && columns === this.columns.length && bufferBytes === this.buffer.length;
  }

  /** Sets the fields' kinds and output slots. */
  configure(kind: Int32Array, slot: Int32Array): this {
    new Int32Array(this.memory, this.layout.kinds, kind.length).set(kind);
    new Int32Array(this.memory, this.layout.slots, slot.length).set(slot);
    return this;
  }

  /** The last call's rows of output column `slot`. */
  values(slot: number): Float64Array {
    return this.columns[slot].subarray(0, this.rows);
  }
}

/** Parsers given back by their scans (one scan uses a parser at a time; scans on a thread may overlap). */
const idle: WasmLineParser[] = [];
const MAX_IDLE = 4;

/** Gives a parser back for the next scan on this thread (a chunk's memory is then reused, not reallocated). */
export function releaseLineParser(parser: WasmLineParser): void {
  if (idle.length < MAX_IDLE) idle.push(parser);
}

/**
 * A parser for lines of `kind.length` fields (plain-csv.ts' kind codes, no text: 0 id, 1 number,
 * 2 timestamp, 3 required timestamp, 5 skipped) into `columns` output columns by `slot`, with a read
 * buffer of `bufferBytes` (an idle one when one fits); null where WebAssembly is unavailable.
 */
export function wasmLineParser(kind: Int32Array, slot: Int32Array, columns: number, bufferBytes: number): WasmLineParser | null {
  const fields = kind.length;
  const reuse = idle.findIndex((p) => p.fits(fields, columns, bufferBytes));
  if (reuse >= 0) return idle.splice(reuse, 1)[0].configure(kind, slot);
  const module = scanModule();
  if (!module || !wasmApi) return null;
  const kinds = 64; // after the state (rows, failed row)
  const slots = kinds + 4 * fields;
  const out = Math.ceil((slots + 4 * fields) / 8) * 8;
  const buffer = out + columns * ROWS_PER_CALL * 8;
  const memory = new wasmApi.Memory({ initial: Math.ceil((buffer + bufferBytes) / 65536) });
  const fn = (new wasmApi.Instance(module, { env: { memory } }).exports as { parseLines: ParseLines }).parseLines;
  return new WasmLineParser(fn, memory.buffer, { kinds, slots, fields, out, buffer }, columns).configure(kind, slot);
}
