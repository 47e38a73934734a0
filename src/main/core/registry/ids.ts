import { randomBytes } from 'node:crypto';

let lastMs = 0;
let seq = 0;

/**
 * A short id that sorts by creation time: 9 base-36 chars of milliseconds, a 3-char per-millisecond
 * counter (so ids from one process sort in creation order), 6 random hex chars. Ids are not pipeline
 * randomness, so node:crypto is fine here.
 */
export function newRunId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    seq = 0;
  } else {
    seq++;
    if (seq >= 36 ** 3) {
      lastMs++;
      seq = 0;
    }
  }
  return (
    lastMs.toString(36).padStart(9, '0') + seq.toString(36).padStart(3, '0') + randomBytes(3).toString('hex')
  );
}
