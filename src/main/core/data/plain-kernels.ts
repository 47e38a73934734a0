/**
 * The plain scan's line loop (plain-csv.ts parseLines) as WebAssembly: the usage file, the largest
 * input, parses about 1.5x faster warm, and several times faster in a fresh thread, where the
 * JavaScript loop first runs unoptimised (each thread scanning the file pays that again); the
 * company files, with their text columns coded through dictionaries in the module's memory, about 3x.
 * The module is about 1.9 KB, so it lives here as base64; SCAN_SOURCE is its AssemblyScript source,
 * and plain-kernels.test.ts checks that the installed asc (ASC_ARGS) compiles it to exactly these
 * bytes and that both loops give the same columns and codes and reject the same lines. The
 * JavaScript loop runs where WebAssembly is unavailable, and for a text column with more distinct
 * values than a dictionary holds (2048, or 64 KB of text).
 */
import { ASC_ARGS, embeddedModule, wasmApi } from './embedded-wasm';

export { ASC_ARGS };

export const SCAN_SOURCE = `// Plain-CSV line parser (plain-csv.ts parseLines). Offsets are byte addresses in the imported memory.
// kinds[f]: 0 id, 1 number, 2 timestamp, 3 required timestamp, 4 text, 5 skipped; slots[f]: the
// output column among the numeric ones, or the text column t, whose codes go to output column
// numbers + t and whose dictionary is the block at dicts + t·DICT_BYTES. Column s, row r is the f64 at
// out + (s·cap + r)·8. Returns the offset after the last parsed line (state[0] = rows parsed), or -1
// with state[1] = the row (0-based, from the call's first) of the first line that is not plain, or -2
// when a text column has more distinct values than its dictionary holds.

// A dictionary block: count and arena bytes used (i32 each), then TABLE_SLOTS slots (code, hash), then
// per code (from 1) its value's offset in the arena and length, then the arena. Codes are given in
// order of first appearance, as plain-csv.ts ByteDictionary gives them.
const TABLE_SLOTS: i32 = 4096;
const MAX_VALUES: i32 = 2048;
const ARENA_BYTES: i32 = 65536;
const TABLE_AT: usize = 8;
const ENTRIES_AT: usize = TABLE_AT + (<usize>TABLE_SLOTS << 3);
const ARENA_AT: usize = ENTRIES_AT + (<usize>MAX_VALUES << 3);
export const DICT_BYTES: usize = ARENA_AT + <usize>ARENA_BYTES;

function sameBytes(a: usize, b: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return false;
  return true;
}

/** The code of the n bytes at src (hash h) in dictionary d, given the next code when new; -1 when full. */
function codeOf(d: usize, src: usize, n: i32, h: u32): i32 {
  let i = h & <u32>(TABLE_SLOTS - 1);
  for (;;) {
    const e = d + TABLE_AT + (<usize>i << 3);
    const code = load<i32>(e);
    if (code == 0) {
      const count = load<i32>(d);
      const used = load<i32>(d, 4);
      if (count == MAX_VALUES || used + n > ARENA_BYTES) return -1;
      const at = d + ARENA_AT + <usize>used;
      for (let j = 0; j < n; j++) store<u8>(at + <usize>j, load<u8>(src + <usize>j));
      const entry = d + ENTRIES_AT + (<usize>count << 3);
      store<i32>(entry, used);
      store<i32>(entry, n, 4);
      store<i32>(d, count + 1);
      store<i32>(d, used + n, 4);
      store<i32>(e, count + 1);
      store<u32>(e, h, 4);
      return count + 1;
    }
    if (load<u32>(e, 4) == h) {
      const entry = d + ENTRIES_AT + (<usize>(code - 1) << 3);
      if (load<i32>(entry, 4) == n && sameBytes(d + ARENA_AT + <usize>load<i32>(entry), src, n)) return code;
    }
    i = (i + 1) & <u32>(TABLE_SLOTS - 1);
  }
  return -1; // not reached: the table is never full (MAX_VALUES < TABLE_SLOTS)
}

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
  numbers: i32,
  dicts: usize,
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
      } else if (k == 4) {
        // text (ASCII, no quotes): its code, found by the FNV-1a hash of its bytes
        const first = p;
        let h: u32 = 0x811c9dc5;
        while (c != 44 && c != 10 && c != 13 && p < end) {
          if (c == 34 || c > 127) return fail(state, row);
          h = (h ^ <u32>c) * 0x01000193;
          c = <i32>load<u8>(b + <usize>++p);
        }
        const t = load<i32>(slots + ((<usize>f) << 2));
        let code = 0;
        if (p > first) {
          code = codeOf(dicts + <usize>t * DICT_BYTES, b + <usize>first, p - first, h);
          if (code < 0) {
            store<i32>(state, row, 4);
            return -2;
          }
        }
        store<f64>(out + ((<usize>(numbers + t) * <usize>cap + <usize>row) << 3), <f64>code);
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
  'AGFzbQEAAAABEAFgC39/f39/f39/f39/AX8CDwEDZW52Bm1lbW9yeQIAAAMCAQAGCAF/AEGIgAcLByQDCkRJQ1RfQllURVMDAApw',
  'YXJzZUxpbmVzAAAGbWVtb3J5AgAK6A0B5Q0DDX8BfAF+AkADQCABIAJIIAcgEEpxBEBBACERA0AgBSARSgRAIAAgAWotAAAhCyAD',
  'IBFBAnRqKAIAIg5BAUwEQCALQS1GIg8EQCABQQFqIgEgAGotAAAhCwsgASEMQgAhGQNAIAtBMGsiDUEJTQRAIA2sIBlCCn58IRkg',
  'AUEBaiIBIABqLQAAIQsMAQsLIBm5RAAAAAAAAPh/IAEgDGsiDBshGCAOQQFGIAtBLkZxBEAgAUEBaiIBIQ0gACABai0AACELA0Ag',
  'C0EwayISQQlNBEAgEqwgGUIKfnwhGSABQQFqIgEgAGotAAAhCwwBCwsgDEUgASANayISRXINBiAMIBJqIQxEAAAAAAAA8D8hGEEA',
  'IQ0DQCANIBJIBEAgGEQAAAAAAAAkQKIhGCANQQFqIQ0MAQsLIBm5IBijIRgLIAxFIA5FIA9ycSAMQQ9Kcg0FIAYgBCARQQJ0aigC',
  'ACAHbCAQakEDdGogGJogGCAPGzkDAAUgDkEDTARARAAAAAAAAPh/IRggC0EKRiALQSxGciALQQ1GcgRAIA5BA0YNBwUgACABaiIL',
  'LQAAQTBrIQwgCy0ABkEwayIOIAtBBWotAABBMGsiDUEKbGpBfyAOQQlNIA1BCU1xGyENIAstAAlBMGsiDyALQQhqLQAAQTBrIg5B',
  'CmxqQX8gD0EJTSAOQQlNcRshDiALLQABQTBrIg8gDEEKbGpBfyAPQQlNIAxBCU1xGyIMQeQAbCEPIAxBCkggDyAPIAstAANBMGsi',
  'DyALQQJqLQAAQTBrIgxBCmxqQX8gD0EJTSAMQQlNcRtqIgxKcgR/QQEFIAstAARBLUcLBH9BAQUgCy0AB0EtRwsNByANQQBMIA1B',
  'DEpyIA5BAExyBH9BAQUgDUECRgR/QRxBHSAMQQNxBH9BAAUgDEHkAG8LBH9BAAUgDEGQA28LGwVBHkEfIA1BBkYgDUEERnIgDUEJ',
  'RnIgDUELRnIbCyAOSAsNByANQQNrIA1BCWogDUECShtBmQFsQQJqQQVtIA5qIAxBAWsgDCANQQJMGyILQZADbSIMQbH1CGwgCyAM',
  'QZADbGsiC0HtAmxqIAtBBG1qIAtB5ABta2pB7fQra7dEAAAAAAAY9UCiIRggAUEKaiIBIABqIgstAABBIEYEQCALLQACQTBrIg0g',
  'C0EBai0AAEEwayIMQQpsakF/IA1BCU0gDEEJTXEbIgxBF0ohDSAMQQBIIQ4gCy0ACEEwayISIAtBB2otAABBMGsiD0EKbGpBfyAS',
  'QQlNIA9BCU1xGyIPQTtKIAstAAVBMGsiEyALQQRqLQAAQTBrIhJBCmxqQX8gE0EJTSASQQlNcRsiEkE7SiANIAstAANBOkcEf0EB',
  'BSALLQAGQTpHCyAOcnIgEkEASHJyIA9BAEhycg0IIBggDEGQHGwgEkE8bGogD2q3oCEYIAFBCWohAQsgACABai0AACELCyAGIAQg',
  'EUECdGooAgAgB2wgEGpBA3RqIBg5AwAFIA5BBEYEQCABIQxBxbvyiHghDgNAIAtBCkcgC0EsR3EgC0ENR3EgASACSHEEQCALQSJG',
  'IAtB/wBLcg0JIAsgDnNBk4OACGwhDiABQQFqIgEgAGotAAAhCwwBCwsgBCARQQJ0aigCACESQQAhDSABIAxKBEAgCiASQYiAB2xq',
  'IRMgACAMaiEUIAEgDGshFSAOQf8fcSEPA0ACQCATQQhqIA9BA3RqIhYoAgAiDUUEQEF/IQ0gEygCACIPQYAQRiATKAIEIhcgFWpB',
  'gIAESnINASATQYiAA2ogF2ohDEEAIQ0DQCANIBVIBEAgDCANaiANIBRqLQAAOgAAIA1BAWohDQwBCwsgE0GIgAJqIA9BA3RqIgwg',
  'FzYCACAMIBU2AgQgEyAPQQFqIg02AgAgEyAVIBdqNgIEIBYgDTYCACAWIA42AgQMAQsgFigCBCAORgRAIA1BA3QgE2pBgIACaiIM',
  'KAIEIBVGBH8gDCgCACATQYiAA2pqIRZBACEMAn8DQCAMIBVIBEBBACAMIBZqLQAAIAwgFGotAABHDQIaIAxBAWohDAwBCwtBAQsF',
  'QQALDQELIA9BAWpB/x9xIQ8MAQsLIA1BAEgEQCAIIBA2AgRBfg8LCyAGIAkgEmogB2wgEGpBA3RqIA23OQMABQNAIAtBCkcgC0Es',
  'R3EgC0ENR3EgASACSHEEQCALQSJGDQkgAUEBaiIBIABqLQAAIQsMAQsLCwsLIBEgBUEBa0gEfyALQSxHBSALQQ1GBH8gAUEBaiIB',
  'IABqLQAABSALC0EKRwsNBCABQQFqIQEgEUEBaiERDAELCyAQQQFqIRAMAQsLIAggEDYCACABDwsgCCAQNgIEQX8L',
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
  numbers: number,
  dicts: number,
) => number;

interface Exports {
  parseLines: ParseLines;
  DICT_BYTES: { value: number };
}

interface Layout {
  kinds: number;
  slots: number;
  fields: number;
  out: number;
  /** Numeric output columns (the text columns' codes come after them). */
  numbers: number;
  texts: number;
  dicts: number;
  dictBytes: number;
  buffer: number;
}

/**
 * A text column's dictionary block in the module's memory, as SCAN_SOURCE lays it out: count and arena
 * fill, the hash table's slots, each value's offset and length, then the arena (checked against the
 * module's DICT_BYTES when a parser is made).
 */
const DICT = (() => {
  const table = 8;
  const entries = table + 4096 * 8;
  const arena = entries + 2048 * 8;
  return { table, entries, arena, bytes: arena + 65536 };
})();

/** What `parse` returns when a text column has more distinct values than the wasm dictionary holds. */
export const DICTIONARY_FULL = -2;

/** The wasm line loop over its own memory: a read buffer, the fields' kinds and slots, and output columns. */
export class WasmLineParser {
  /** The read buffer (in the module's memory): the caller reads the file into it. */
  readonly buffer: Buffer;
  private readonly state: Int32Array;
  private readonly columns: Float64Array[];

  constructor(
    private readonly fn: ParseLines,
    private readonly memory: ArrayBuffer,
    private readonly layout: Layout,
  ) {
    this.state = new Int32Array(memory, 0, 2);
    this.columns = Array.from(
      { length: layout.numbers + layout.texts },
      (_, s) => new Float64Array(memory, layout.out + s * ROWS_PER_CALL * 8, ROWS_PER_CALL),
    );
    this.buffer = Buffer.from(memory, layout.buffer, memory.byteLength - layout.buffer);
  }

  /**
   * Parses the complete lines in buffer[start, end) until `end` or ROWS_PER_CALL rows; returns the
   * offset reached (`rows` rows in `values` and `codes`), -1 (`failedRow`: the first line not plain,
   * counted from `start`) or DICTIONARY_FULL.
   */
  parse(start: number, end: number): number {
    const { kinds, slots, fields, out, numbers, dicts, buffer } = this.layout;
    return this.fn(buffer, start, end, kinds, slots, fields, out, ROWS_PER_CALL, 0, numbers, dicts);
  }

  get rows(): number {
    return this.state[0];
  }

  get failedRow(): number {
    return this.state[1];
  }

  /** Whether this parser can take lines of `fields` fields into these columns with a `bufferBytes` buffer. */
  fits(fields: number, numbers: number, texts: number, bufferBytes: number): boolean {
    const l = this.layout;
    return fields === l.fields && numbers === l.numbers && texts === l.texts && bufferBytes === this.buffer.length;
  }

  /** Sets the fields' kinds and output slots, and empties the text dictionaries. */
  configure(kind: Int32Array, slot: Int32Array): this {
    const { kinds, slots, texts, dicts, dictBytes } = this.layout;
    new Int32Array(this.memory, kinds, kind.length).set(kind);
    new Int32Array(this.memory, slots, slot.length).set(slot);
    // the count, the arena's fill and the table of each dictionary (the rest is written before it is read)
    for (let t = 0; t < texts; t++) new Uint8Array(this.memory, dicts + t * dictBytes, DICT.entries).fill(0);
    return this;
  }

  /** The last call's rows of numeric output column `slot`. */
  values(slot: number): Float64Array {
    return this.columns[slot].subarray(0, this.rows);
  }

  /** The last call's rows of text column `t`: codes (0 = empty) as float64. */
  codes(t: number): Float64Array {
    return this.columns[this.layout.numbers + t].subarray(0, this.rows);
  }

  /** Text column `t`'s distinct values so far, by code (code k is values[k − 1]). */
  textValues(t: number): string[] {
    const d = this.layout.dicts + t * this.layout.dictBytes;
    const head = new Int32Array(this.memory, d, 2);
    const entries = new Int32Array(this.memory, d + DICT.entries, 2 * head[0]);
    const arena = d + DICT.arena;
    return Array.from({ length: head[0] }, (_, k) =>
      Buffer.from(this.memory, arena + entries[2 * k], entries[2 * k + 1]).toString('latin1'),
    );
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
 * A parser for lines of `kind.length` fields (plain-csv.ts' kind codes: 0 id, 1 number, 2 timestamp,
 * 3 required timestamp, 4 text, 5 skipped) into `numbers` numeric output columns and `texts` text
 * columns by `slot`, with a read buffer of `bufferBytes` (an idle one when one fits); null where
 * WebAssembly is unavailable.
 */
export function wasmLineParser(
  kind: Int32Array,
  slot: Int32Array,
  numbers: number,
  texts: number,
  bufferBytes: number,
): WasmLineParser | null {
  const fields = kind.length;
  const reuse = idle.findIndex((p) => p.fits(fields, numbers, texts, bufferBytes));
  if (reuse >= 0) return idle.splice(reuse, 1)[0].configure(kind, slot);
  const module = scanModule();
  if (!module || !wasmApi) return null;
  const kinds = 64; // after the state (rows, failed row)
  const slots = kinds + 4 * fields;
  const out = Math.ceil((slots + 4 * fields) / 8) * 8;
  const dicts = out + (numbers + texts) * ROWS_PER_CALL * 8;
  // the dictionaries' size is the module's (it is needed before an instance exists)
  const dictBytes = DICT.bytes;
  const buffer = dicts + texts * dictBytes;
  const memory = new wasmApi.Memory({ initial: Math.ceil((buffer + bufferBytes) / 65536) });
  const exports = new wasmApi.Instance(module, { env: { memory } }).exports as Exports;
  if (exports.DICT_BYTES.value !== dictBytes) throw new Error('internal: the scan module’s dictionary size changed');
  const layout = { kinds, slots, fields, out, numbers, texts, dicts, dictBytes, buffer };
  return new WasmLineParser(exports.parseLines, memory.buffer, layout).configure(kind, slot);
}
