/**
 * Scan worker. Entry file for the build: src/main/core/data/scan-worker.ts (emitted as
 * scan-worker.js). One job (scan-thread.ts): the inputs' fingerprint and the plain scan of the last
 * input, answered with the columns' buffers transferred, or with the error.
 */
import { parentPort } from 'node:worker_threads';
import { runScanJob, type ScanJob } from './scan-thread';

parentPort?.once('message', (job: ScanJob) => {
  runScanJob(job).then(
    (result) => {
      const { scan } = result;
      const arrays = scan.plain ? [...scan.table.numbers.values(), ...[...scan.table.texts.values()].map((t) => t.codes)] : [];
      parentPort?.postMessage(result, [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))]);
    },
    (err: unknown) => parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
});
