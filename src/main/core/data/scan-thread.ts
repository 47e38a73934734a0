/**
 * The inputs' fingerprint and the plain scan of part of the largest input on a worker thread
 * (scan-worker.ts), while the thread loading the data scans the other files and the rest
 * (hubspot-plain.ts). On this thread instead when the worker cannot start.
 */
import { startWorker } from '../util/worker-url';
import { FingerprintBuilder } from './fingerprint';
import { scanPlainCsv, type ByteRange, type PlainKind, type PlainScan } from './plain-csv';

export interface ScanJob {
  /** The inputs to fingerprint, in order. */
  files: string[];
  /** What to scan: a file's lines in `range`. */
  file: string;
  header: string[];
  kinds: Record<string, PlainKind>;
  range: ByteRange;
}

export interface ScanResult {
  scan: PlainScan;
  fingerprint: string;
}

/** Runs the job on this thread. */
export async function runScanJob(job: ScanJob): Promise<ScanResult> {
  const fingerprint = new FingerprintBuilder();
  for (const f of job.files) fingerprint.addFile(f);
  const scan = await scanPlainCsv(job.file, job.header, job.kinds, job.range);
  return { scan, fingerprint: fingerprint.digest() };
}

export interface ScanTask {
  result: Promise<ScanResult>;
  /** Stops the worker (its result is then never used). */
  cancel(): void;
}

/** Starts the job on a worker thread (on this one if the worker fails to start). */
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
    // a worker that could not run the job: the job runs here
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
