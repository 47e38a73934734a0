/**
 * A plain scan of the largest input shared between two threads, and the inputs' fingerprint: the
 * file is cut into chunks at line starts, and a scan worker (a GBDT pool worker lent for the scan,
 * which computes the fingerprint after its chunks) and the thread loading the data (hubspot-plain.ts,
 * after the company files) take the chunks one at a time until none is left, so that neither waits
 * for the other whatever the files' sizes. On the loading thread alone when the worker cannot start.
 */
import type { Worker } from 'node:worker_threads';
import { lendGbdtWorker, returnLentWorker } from '../models/gbdt/spawn';
import { FingerprintBuilder } from './fingerprint';
import { lineStartAt, scanPlainCsv, type ByteRange, type PlainKind, type PlainScan, type PlainTable } from './plain-csv';

/** Who took a chunk (the claim board's entry for it). */
export const LOADING_THREAD = 1;
export const SCAN_WORKER = 2;

export interface ScanJob {
  /** The inputs to fingerprint, in order. */
  files: string[];
  /** The file whose chunks are scanned, its header and the columns wanted. */
  file: string;
  header: string[];
  kinds: Record<string, PlainKind>;
  /** The file's data lines in order, cut at line starts. */
  chunks: ByteRange[];
  /** Int32 claim board: [0] where to look for a free chunk, [1 + k] who took chunk k, 0 = nobody (claimBoard). */
  board: SharedArrayBuffer;
}

export interface ScannedChunk {
  chunk: number;
  table: PlainTable;
}

export type ChunkScan = { plain: true; chunks: ScannedChunk[] } | { plain: false; reason: string };

export interface ScanResult {
  scan: ChunkScan;
  fingerprint: string;
}

/** A file's data lines from byte `from` cut at line starts into chunks of about `bytes` (at least one). */
export function chunksOf(file: string, from: number, size: number, bytes: number): ByteRange[] {
  const count = Math.max(1, Math.round((size - from) / bytes));
  const starts = [from];
  for (let k = 1; k < count; k++) {
    const at = lineStartAt(file, Math.max(from, Math.floor(from + ((size - from) * k) / count)));
    if (at > starts[starts.length - 1] && at < size) starts.push(at);
  }
  return starts.map((s, k) => ({ from: s, to: k + 1 < starts.length ? starts[k + 1] : size }));
}

/** A fresh claim board for `chunks` chunks. */
export function claimBoard(chunks: number): SharedArrayBuffer {
  return new SharedArrayBuffer(4 * (1 + chunks));
}

/**
 * Takes the first free chunk for `who` (one atomic compare-and-swap marks it, so a thread that dies
 * never leaves a chunk taken but unmarked); -1 when none is left.
 */
export function claimChunk(job: ScanJob, who: number): number {
  const board = new Int32Array(job.board);
  const count = job.chunks.length;
  for (let k = Atomics.load(board, 0); k < count; k++) {
    if (Atomics.compareExchange(board, 1 + k, 0, who) === 0) {
      Atomics.store(board, 0, k + 1); // only a hint: a stale one costs a few failed swaps
      return k;
    }
  }
  return -1;
}

/** Scans chunk k; a line that is not plain points the board past the last chunk, so that the other thread stops too. */
export async function scanChunk(job: ScanJob, k: number): Promise<PlainScan> {
  const scan = await scanPlainCsv(job.file, job.header, job.kinds, job.chunks[k]);
  if (!scan.plain) Atomics.store(new Int32Array(job.board), 0, job.chunks.length);
  return scan;
}

/**
 * Scans chunks for `who`: first any chunk already marked as `who`'s (a worker that died with them),
 * then free chunks taken one at a time until none is left; the first line that is not plain ends the
 * scan. With `onChunk`, each chunk goes there as soon as it is scanned (and not into the result).
 */
export async function scanClaimedChunks(
  job: ScanJob,
  who: number,
  onChunk?: (c: ScannedChunk) => void,
): Promise<ChunkScan> {
  const board = new Int32Array(job.board);
  const count = job.chunks.length;
  const taken: number[] = [];
  for (let k = 0; k < count; k++) if (Atomics.load(board, 1 + k) === who) taken.push(k);
  const chunks: ScannedChunk[] = [];
  for (let i = 0; ; i++) {
    const k = i < taken.length ? taken[i] : claimChunk(job, who);
    if (k < 0) return { plain: true, chunks };
    const scan = await scanChunk(job, k);
    if (!scan.plain) return scan;
    if (onChunk) onChunk({ chunk: k, table: scan.table });
    else chunks.push({ chunk: k, table: scan.table });
  }
}

/**
 * The scan worker's job, run on this thread: chunks as SCAN_WORKER (to `onChunk` when given), then the
 * fingerprint, which is needed only once the data is loaded, while the chunks are needed at once.
 */
export async function runScanJob(job: ScanJob, onChunk?: (c: ScannedChunk) => void): Promise<ScanResult> {
  const scan = await scanClaimedChunks(job, SCAN_WORKER, onChunk);
  const fingerprint = new FingerprintBuilder();
  for (const f of job.files) fingerprint.addFile(f);
  return { scan, fingerprint: fingerprint.digest() };
}

export interface ScanTask {
  result: Promise<ScanResult>;
  /** Stops the worker (its result is then never used). */
  cancel(): void;
}

/** What the scan worker posts: each chunk as it is scanned, then its result or its error. */
export type ScanMessage = ScannedChunk | ScanResult | { error: string };

/**
 * Starts the job on a worker of the GBDT pool (lent for the scan: models/gbdt/spawn.ts; the pool keeps
 * one booted for a training run, which then starts one thread less), which posts each chunk as soon
 * as it is scanned: to `onChunk` when given, else into the result. When the worker cannot start, or
 * ends without answering, the job runs on this thread, which then also scans the chunks the worker had
 * taken (a chunk that arrives twice is passed on once).
 */
export function startScan(job: ScanJob, onChunk?: (c: ScannedChunk) => void): ScanTask {
  const kept: ScannedChunk[] = [];
  const seen = new Set<number>();
  const deliver = (c: ScannedChunk) => {
    if (seen.has(c.chunk)) return;
    seen.add(c.chunk);
    if (onChunk) onChunk(c);
    else kept.push(c);
  };
  const withKept = (r: ScanResult): ScanResult =>
    r.scan.plain ? { ...r, scan: { plain: true, chunks: [...kept, ...r.scan.chunks] } } : r;
  let worker: Worker;
  try {
    worker = lendGbdtWorker();
  } catch {
    return { result: runScanJob(job, deliver).then(withKept), cancel: () => {} };
  }
  const w = worker;
  const result = new Promise<ScanResult>((resolve, reject) => {
    let answered = false;
    w.on('message', (msg: ScanMessage) => {
      if ('chunk' in msg) {
        deliver(msg);
        return;
      }
      answered = true;
      returnLentWorker(w);
      if ('error' in msg) reject(new Error(msg.error));
      else resolve(withKept(msg));
    });
    const fallBack = () => {
      if (answered) return;
      answered = true;
      runScanJob(job, deliver).then((r) => resolve(withKept(r)), reject);
    };
    w.once('error', fallBack);
    w.once('exit', fallBack);
    w.postMessage({ scan: job });
  });
  return {
    result,
    cancel: () => {
      for (const event of ['exit', 'error', 'message']) w.removeAllListeners(event);
      w.on('error', () => {});
      void w.terminate();
    },
  };
}

/** The buffers of a scanned chunk's columns, to transfer rather than copy. */
export function chunkBuffers(c: ScannedChunk): ArrayBuffer[] {
  const arrays = [...c.table.numbers.values(), ...[...c.table.texts.values()].map((t) => t.codes)];
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
