/**
 * Scan worker. Entry file for the build: src/main/core/data/scan-worker.ts (emitted as
 * scan-worker.js). One job (scan-thread.ts): the inputs' fingerprint, then chunks of the largest
 * input taken from the shared claim board, each posted as soon as it is scanned (its columns'
 * buffers transferred), then the fingerprint, or the error.
 */
import { parentPort } from 'node:worker_threads';
import { chunkBuffers, runScanJob, type ScanJob, type ScanMessage } from './scan-thread';

const post = (msg: ScanMessage, transfer: ArrayBuffer[] = []) => parentPort?.postMessage(msg, transfer);

parentPort?.once('message', (job: ScanJob) => {
  runScanJob(job, (chunk) => post(chunk, chunkBuffers(chunk))).then(
    (result) => post(result),
    (err: unknown) => post({ error: err instanceof Error ? err.message : String(err) }),
  );
});
