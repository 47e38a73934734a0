/**
 * The plain scan of the largest input on a worker thread (scan-worker.ts), with the inputs'
 * fingerprint: the thread loading the data meanwhile scans the other files (hubspot-plain.ts). On
 * this thread instead when the worker cannot start.
 */
import { startWorker } from '../util/worker-url';
import { FingerprintBuilder } from './fingerprint';
import { scanPlainCsv, type PlainKind, type PlainScan } from './plain-csv';

export interface ScanJob {
  /** The inputs in fingerprint order; the last one is scanned. */
  files: string[];
  header: string[];
  kinds: Record<string, PlainKind>;
}

export interface ScanResult {
  scan: PlainScan;
  fingerprint: string;
}

/** Runs the job on this thread. */
export async function runScanJob(job: ScanJob): Promise<ScanResult> {
  const fingerprint = new FingerprintBuilder();
  const last = job.files[job.files.length - 1];
  for (const f of job.files.slice(0, -1)) fingerprint.addFile(f);
  fingerprint.begin(last);
  const scan = await scanPlainCsv(last, job.header, job.kinds, fingerprint.hash);
  fingerprint.end();
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
