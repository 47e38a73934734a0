import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';

/** sha256 over each file's base name and bytes, in the given order: same inputs ⇒ same fingerprint. */
export async function fingerprintFiles(files: string[]): Promise<string> {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${path.basename(f)}\0`);
    for await (const chunk of createReadStream(f, { highWaterMark: 1 << 20 })) h.update(chunk as Buffer);
    h.update('\0');
  }
  return h.digest('hex');
}
