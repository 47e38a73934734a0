import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

/**
 * The fingerprint's hash, fed file by file: each file's base name, its bytes, a separator, in the
 * given order (same inputs ⇒ same fingerprint).
 */
export class FingerprintBuilder {
  private readonly hash: Hash = createHash('sha256');
  begin(file: string): void {
    this.hash.update(`${path.basename(file)}\0`);
  }
  update(bytes: Uint8Array): void {
    this.hash.update(bytes);
  }
  end(): void {
    this.hash.update('\0');
  }
  /** begin, the whole file read on this thread, end. */
  addFile(file: string): void {
    this.begin(file);
    const buf = Buffer.allocUnsafe(1 << 20);
    const fd = openSync(file, 'r');
    try {
      for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) this.update(buf.subarray(0, n));
    } finally {
      closeSync(fd);
    }
    this.end();
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** The fingerprint of `files`, read as streams (this thread's other events run between the chunks). */
export async function fingerprintFiles(files: string[]): Promise<string> {
  const b = new FingerprintBuilder();
  for (const f of files) {
    b.begin(f);
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) b.update(chunk as Buffer);
    b.end();
  }
  return b.digest();
}

/** fingerprintFiles as a worker script (CommonJS, run with `eval`: no entry file to build or locate). */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { openSync, readSync, closeSync } = require('node:fs');
const path = require('node:path');
const h = createHash('sha256');
const buf = Buffer.allocUnsafe(1 << 20);
for (const f of workerData) {
  h.update(path.basename(f) + '\\0');
  const fd = openSync(f, 'r');
  try {
    for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) h.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  h.update('\\0');
}
parentPort.postMessage(h.digest('hex'));
`;

/**
 * The same hash as fingerprintFiles, computed on a worker thread so that hashing hundreds of MB does
 * not hold up this thread (falls back to this thread if a worker cannot start).
 */
export function fingerprintFilesInWorker(files: string[]): Promise<string> {
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: files });
  } catch {
    return fingerprintFiles(files);
  }
  return new Promise<string>((resolve, reject) => {
    let done = false;
    worker.once('message', (digest: string) => {
      done = true;
      resolve(digest);
    });
    worker.once('error', (err) => {
      done = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`fingerprint worker exited with code ${code}`));
    });
  });
}

/**
 * Inputs smaller than this in total are hashed on this thread (between its other events, about 1 ms a
 * MB): starting a worker costs ~50 ms of CPU, more than hashing tens of MB, and start-up competes
 * for the same two cores as the data loading.
 */
export const FINGERPRINT_WORKER_MIN_BYTES = 96 * 1024 * 1024;

/** fingerprintFiles, on a worker thread when the files are large (see FINGERPRINT_WORKER_MIN_BYTES). */
export function fingerprintInputs(files: string[], workerMinBytes = FINGERPRINT_WORKER_MIN_BYTES): Promise<string> {
  let bytes = 0;
  try {
    for (const f of files) bytes += statSync(f).size;
  } catch {
    // a missing file: the hash rejects with the same error as the worker's would
  }
  return bytes >= workerMinBytes ? fingerprintFilesInWorker(files) : fingerprintFiles(files);
}
