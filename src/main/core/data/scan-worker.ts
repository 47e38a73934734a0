/**
 * Scan worker. Entry file for the build: src/main/core/data/scan-worker.ts (emitted as
 * scan-worker.js). One job (scan-thread.ts): the inputs' fingerprint, then chunks of the largest
 * input taken from the shared claim board, answered with the columns' buffers transferred, or with
 * the error.
 */
import { parentPort } from 'node:worker_threads';
import { resultBuffers, runScanJob, type ScanJob } from './scan-thread';

parentPort?.once('message', (job: ScanJob) => {
  runScanJob(job).then(
    (result) => parentPort?.postMessage(result, resultBuffers(result)),
    (err: unknown) => parentPort?.postMessage({ error: err instanceof Error ? err.message : String(err) }),
  );
});
