/**
 * The inputs' fingerprint and a plain scan of the largest input shared between two threads: the
 * file is cut into chunks at line starts, and the thread loading the data (hubspot-plain.ts, after the
 * company files) and a scan worker (scan-worker.ts, after the fingerprint) take the chunks one at a
 * time until none is left, so that neither waits for the other whatever the files' sizes. On the
 * loading thread alone when the worker cannot start.
 */
import { startWorker } from '../util/worker-url';
import { FingerprintBuilder } from './fingerprint';
import { lineStartAt, scanPlainCsv, type ByteRange, type PlainKind, type PlainTable } from './plain-csv';

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
function claimChunk(board: Int32Array, count: number, who: number): number {
  for (let k = Atomics.load(board, 0); k < count; k++) {
    if (Atomics.compareExchange(board, 1 + k, 0, who) === 0) {
      Atomics.store(board, 0, k + 1); // only a hint: a stale one costs a few failed swaps
      return k;
    }
  }
  return -1;
}

/**
 * Scans chunks for `who`: first any chunk already marked as `who`'s (a worker that died with them),
 * then free chunks taken one at a time until none is left. A line that is not plain ends the scan
 * and points the board past the last chunk, so that the other thread stops too.
 */
export async function scanClaimedChunks(job: ScanJob, who: number): Promise<ChunkScan> {
  const board = new Int32Array(job.board);
  const count = job.chunks.length;
  const taken: number[] = [];
  for (let k = 0; k < count; k++) if (Atomics.load(board, 1 + k) === who) taken.push(k);
  const chunks: ScannedChunk[] = [];
  for (let i = 0; ; i++) {
    const k = i < taken.length ? taken[i] : claimChunk(board, count, who);
    if (k < 0) return { plain: true, chunks };
    const scan = await scanPlainCsv(job.file, job.header, job.kinds, job.chunks[k]);
    if (!scan.plain) {
      Atomics.store(board, 0, count);
      return scan;
    }
    chunks.push({ chunk: k, table: scan.table });
  }
}

/** The scan worker's job, run on this thread: the fingerprint, then chunks as SCAN_WORKER. */
export async function runScanJob(job: ScanJob): Promise<ScanResult> {
  const fingerprint = new FingerprintBuilder();
  for (const f of job.files) fingerprint.addFile(f);
  const digest = fingerprint.digest();
  return { scan: await scanClaimedChunks(job, SCAN_WORKER), fingerprint: digest };
}

export interface ScanTask {
  result: Promise<ScanResult>;
  /** Stops the worker (its result is then never used). */
  cancel(): void;
}

/**
 * Starts the job on a scan worker. When the worker cannot start, or ends without answering, the job
 * runs on this thread, which then also scans the chunks the worker had taken.
 */
export function startScan(job: ScanJob): ScanTask {
  let worker: ReturnType<typeof startWorker> | undefined;
  try {
    worker = startWorker(import.meta.url, './scan-worker', 'scan-worker');
  } catch {
    return { result: runScanJob(job), cancel: () => {} };
  }
  const w = worker;
  const result = new Promise<ScanResult>((resolve, reject) => {
    let answered = false;
    w.once('message', (msg: ScanResult | { error: string }) => {
      answered = true;
      void w.terminate();
      if ('error' in msg) reject(new Error(msg.error));
      else resolve(msg);
    });
    const fallBack = () => {
      if (answered) return;
      answered = true;
      runScanJob(job).then(resolve, reject);
    };
    w.once('error', fallBack);
    w.once('exit', fallBack);
    w.postMessage(job);
  });
  return {
    result,
    cancel: () => {
      w.removeAllListeners('exit');
      w.removeAllListeners('error');
      w.on('error', () => {});
      void w.terminate();
    },
  };
}

/** The buffers of a result's columns, to transfer rather than copy. */
export function resultBuffers(result: ScanResult): ArrayBuffer[] {
  if (!result.scan.plain) return [];
  const arrays = result.scan.chunks.flatMap(({ table }) => [
    ...table.numbers.values(),
    ...[...table.texts.values()].map((t) => t.codes),
  ]);
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}
