/**
 * The per-company scatter loops of the usage aggregation (aggregate.ts) as WebAssembly, ~2× faster
 * than the same loops in JS (no bounds checks on the random-access updates), and its final
 * per-company loops (means, maxima, recency), which run once per process, mostly before V8 would
 * optimise them in JS. The module is 808 bytes, so it lives here as base64; KERNELS_SOURCE is its AssemblyScript source, and usage-kernels.test.ts
 * checks that the installed asc (with ASC_ARGS) still compiles it to exactly these bytes. The same
 * loops in JS run where WebAssembly is unavailable, and give identical results.
 */
import { ASC_ARGS, embeddedModule, wasmApi } from './embedded-wasm';

export const KERNELS_SOURCE = `// Per-company usage aggregation kernels. Arguments are byte offsets into the imported memory; company
// indexes are i32 (rows with a negative index are skipped), everything else f64.

/** Per row with a company: count it and keep the latest timestamp. */
export function rows(company: usize, ts: usize, n: i32, count: usize, last: usize): void {
  for (let i = 0; i < n; i++) {
    const c = load<i32>(company + ((<usize>i) << 2));
    if (c < 0) continue;
    const o = (<usize>c) << 3;
    store<f64>(count + o, load<f64>(count + o) + 1.0);
    const t = load<f64>(ts + ((<usize>i) << 3));
    if (t > load<f64>(last + o)) store<f64>(last + o, t);
  }
}

/** Per row with a company: add its value to the company's sum and max, or count it as NaN; returns the NaN rows. */
export function counter(company: usize, values: usize, n: i32, sum: usize, max: usize, nan: usize): i32 {
  let nans = 0;
  for (let i = 0; i < n; i++) {
    const c = load<i32>(company + ((<usize>i) << 2));
    if (c < 0) continue;
    const o = (<usize>c) << 3;
    const v = load<f64>(values + ((<usize>i) << 3));
    if (v != v) {
      store<f64>(nan + o, load<f64>(nan + o) + 1.0);
      nans++;
      continue;
    }
    store<f64>(sum + o, load<f64>(sum + o) + v);
    if (v > load<f64>(max + o)) store<f64>(max + o, v);
  }
  return nans;
}

/** \`counter\` over the rows listed in sel[0 … m − 1] (each with a company). */
export function counterSelected(
  company: usize,
  values: usize,
  sel: usize,
  m: i32,
  sum: usize,
  max: usize,
  nan: usize,
): i32 {
  let nans = 0;
  for (let j = 0; j < m; j++) {
    const i = <usize>load<i32>(sel + ((<usize>j) << 2));
    const o = (<usize>load<i32>(company + (i << 2))) << 3;
    const v = load<f64>(values + (i << 3));
    if (v != v) {
      store<f64>(nan + o, load<f64>(nan + o) + 1.0);
      nans++;
      continue;
    }
    store<f64>(sum + o, load<f64>(sum + o) + v);
    if (v > load<f64>(max + o)) store<f64>(max + o, v);
  }
  return nans;
}

/**
 * Per company c < n, with k = rows − nan (nan read only when withNan: it is untouched otherwise):
 * mean = sum / k, NaN when k is 0 (when withMean), and max = NaN when k is 0.
 */
export function finishCounter(
  sum: usize,
  max: usize,
  nan: usize,
  rows: usize,
  mean: usize,
  n: i32,
  withNan: i32,
  withMean: i32,
): void {
  for (let c = 0; c < n; c++) {
    const o = (<usize>c) << 3;
    let k = load<f64>(rows + o);
    if (withNan) k -= load<f64>(nan + o);
    if (withMean) store<f64>(mean + o, k == 0 ? NaN : load<f64>(sum + o) / k);
    if (k == 0) store<f64>(max + o, NaN);
  }
}

/** Per company: whole days from its latest row to its window end (NaN without rows). */
export function recency(rows: usize, last: usize, end: usize, out: usize, n: i32): void {
  for (let c = 0; c < n; c++) {
    const o = (<usize>c) << 3;
    const v = load<f64>(rows + o) != 0 ? Math.floor((load<f64>(end + o) - load<f64>(last + o)) / 86400) : NaN;
    store<f64>(out + o, v);
  }
}
`;

export { ASC_ARGS };

const KERNELS_WASM = [
  'AGFzbQEAAAABKQRgBX9/f39/AGAIf39/f39/f38AYAd/f39/f39/AX9gBn9/f39/fwF/Ag8BA2VudgZtZW1vcnkCAAADBgUAAAEC',
  'AwdHBgRyb3dzAAAHY291bnRlcgAED2NvdW50ZXJTZWxlY3RlZAADDWZpbmlzaENvdW50ZXIAAgdyZWNlbmN5AAEGbWVtb3J5AgAK',
  'kAUFbQIDfwF8A0AgAiAFSgRAIAAgBUECdGooAgAiBkEATgRAIAZBA3QiBiADaiIHIAcrAwBEAAAAAAAA8D+gOQMAIAEgBUEDdGor',
  'AwAiCCAEIAZqIgYrAwBkBEAgBiAIOQMACwsgBUEBaiEFDAELCwtgAQJ/A0AgBCAFSgRAIAVBA3QiBiADaiAAIAZqKwMARAAAAAAA',
  'AAAAYgR8IAIgBmorAwAgASAGaisDAKFEAAAAAAAY9UCjnAVEAAAAAAAA+H8LOQMAIAVBAWohBQwBCwsLjAECAXwCfwNAIAUgCkoE',
  'QCAKQQN0IgkgA2orAwAhCCAGBEAgCCACIAlqKwMAoSEICyAHBEAgBCAJaiAIRAAAAAAAAAAAYQR8RAAAAAAAAPh/BSAAIAlqKwMA',
  'IAijCzkDAAsgCEQAAAAAAAAAAGEEQCABIAlqRAAAAAAAAPh/OQMACyAKQQFqIQoMAQsLC5gBAgF8BH8DQCADIAhKBEAgACACIAhB',
  'AnRqKAIAIgtBAnRqKAIAQQN0IQoCQCABIAtBA3RqKwMAIgcgB2IEQCAGIApqIgogCisDAEQAAAAAAADwP6A5AwAgCUEBaiEJDAEL',
  'IAQgCmoiCyALKwMAIAegOQMAIAcgBSAKaiIKKwMAZARAIAogBzkDAAsLIAhBAWohCAwBCwsgCQuWAQIEfwF8A0AgAiAGSgRAAkAg',
  'ACAGQQJ0aigCACIIQQBIDQAgCEEDdCEIIAEgBkEDdGorAwAiCiAKYgRAIAUgCGoiCCAIKwMARAAAAAAAAPA/oDkDACAHQQFqIQcM',
  'AQsgAyAIaiIJIAkrAwAgCqA5AwAgCiAEIAhqIggrAwBkBEAgCCAKOQMACwsgBkEBaiEGDAELCyAHCw==',
].join('');

/**
 * A zeroed heap of typed views over one buffer, and the kernels over it. Kernel arguments are byte
 * offsets into the heap (8-byte aligned for f64 data); company indexes are i32 and rows with a
 * negative one are skipped.
 */
export interface UsageHeap {
  readonly wasm: boolean;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  /** Per row with a company: count it and keep the latest timestamp. */
  rows(company: number, ts: number, n: number, count: number, last: number): void;
  /** Per row with a company: add its value to the company's sum and max, or count it as NaN; returns the NaN rows. */
  counter(company: number, values: number, n: number, sum: number, max: number, nan: number): number;
  /** `counter` over the rows listed in sel[0 … m − 1] (each with a company). */
  counterSelected(
    company: number,
    values: number,
    sel: number,
    m: number,
    sum: number,
    max: number,
    nan: number,
  ): number;
  /** Per company c < n, k = rows − nan (nan read only if withNan): mean = sum / k or NaN (if withMean), max = NaN when k is 0. */
  finishCounter(
    sum: number,
    max: number,
    nan: number,
    rows: number,
    mean: number,
    n: number,
    withNan: number,
    withMean: number,
  ): void;
  /** Per company: whole days from its latest row to its window end (NaN without rows). */
  recency(rows: number, last: number, end: number, out: number, n: number): void;
}

type Kernels = Pick<UsageHeap, 'rows' | 'counter' | 'counterSelected' | 'finishCounter' | 'recency'>;

const wasmModule = embeddedModule(KERNELS_WASM);

/** The same loops in JS, over views of the heap. */
function jsKernels(i32: Int32Array, f64: Float64Array): Kernels {
  /** One value of company c into its sum and max, or its missing count (byte offsets of the arrays). */
  const addValue = (c: number, v: number, sum: number, max: number, nan: number): number => {
    if (v !== v) {
      f64[(nan >> 3) + c]++;
      return 1;
    }
    f64[(sum >> 3) + c] += v;
    if (v > f64[(max >> 3) + c]) f64[(max >> 3) + c] = v;
    return 0;
  };
  return {
    rows(company, ts, n, count, last) {
      const c0 = company >> 2;
      const t0 = ts >> 3;
      const n0 = count >> 3;
      const l0 = last >> 3;
      for (let i = 0; i < n; i++) {
        const c = i32[c0 + i];
        if (c < 0) continue;
        f64[n0 + c]++;
        const t = f64[t0 + i];
        if (t > f64[l0 + c]) f64[l0 + c] = t;
      }
    },
    counter(company, values, n, sum, max, nan) {
      const c0 = company >> 2;
      const v0 = values >> 3;
      let nans = 0;
      for (let i = 0; i < n; i++) {
        const c = i32[c0 + i];
        if (c >= 0) nans += addValue(c, f64[v0 + i], sum, max, nan);
      }
      return nans;
    },
    counterSelected(company, values, sel, m, sum, max, nan) {
      const c0 = company >> 2;
      const v0 = values >> 3;
      const r0 = sel >> 2;
      let nans = 0;
      for (let j = 0; j < m; j++) {
        const i = i32[r0 + j];
        nans += addValue(i32[c0 + i], f64[v0 + i], sum, max, nan);
      }
      return nans;
    },
    finishCounter(sum, max, nan, rows, mean, n, withNan, withMean) {
      const [s0, x0, z0, r0, m0] = [sum >> 3, max >> 3, nan >> 3, rows >> 3, mean >> 3];
      for (let c = 0; c < n; c++) {
        let k = f64[r0 + c];
        if (withNan) k -= f64[z0 + c];
        if (withMean) f64[m0 + c] = k === 0 ? NaN : f64[s0 + c] / k;
        if (k === 0) f64[x0 + c] = NaN;
      }
    },
    recency(rows, last, end, out, n) {
      const [r0, l0, e0, o0] = [rows >> 3, last >> 3, end >> 3, out >> 3];
      for (let c = 0; c < n; c++) f64[o0 + c] = f64[r0 + c] !== 0 ? Math.floor((f64[e0 + c] - f64[l0 + c]) / 86_400) : NaN;
    },
  };
}

/** A heap of at least `bytes` bytes with the kernels: WebAssembly unless `wasm` is false or unavailable. */
export function usageHeap(bytes: number, wasm = true): UsageHeap {
  const module = wasm ? wasmModule() : null;
  if (module && wasmApi) {
    const memory = new wasmApi.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const k = new wasmApi.Instance(module, { env: { memory } }).exports as Kernels;
    // the memory never grows, so views of its buffer stay valid
    return {
      wasm: true,
      i32: new Int32Array(memory.buffer),
      f64: new Float64Array(memory.buffer),
      rows: k.rows,
      counter: k.counter,
      counterSelected: k.counterSelected,
      finishCounter: k.finishCounter,
      recency: k.recency,
    };
  }
  const buffer = new ArrayBuffer(Math.ceil(bytes / 8) * 8);
  const i32 = new Int32Array(buffer);
  const f64 = new Float64Array(buffer);
  return { wasm: false, i32, f64, ...jsKernels(i32, f64) };
}
