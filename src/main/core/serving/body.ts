/**
 * Reading a request body on a plain Node request: media type and encoding checks, a byte limit that
 * is enforced while reading (413), and a UTF-8 string at the end.
 */
import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** '512kb', '20mb', '1gb' or a byte count → bytes. */
export function parseByteSize(limit: string | number): number {
  if (typeof limit === 'number') return limit;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit);
  if (!m) throw new Error(`Invalid size "${limit}" (expected e.g. 512kb, 20mb)`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()]);
}

/** The media type without parameters, lower-cased ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  const ct = req.headers['content-type'];
  if (!ct) return '';
  const semi = ct.indexOf(';');
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

/** Rejects a charset other than UTF-8 and any content encoding (gzip etc.): both would be misread. */
function checkEncoding(req: IncomingMessage): void {
  const enc = req.headers['content-encoding'];
  if (enc && enc.toLowerCase() !== 'identity') {
    throw new HttpError(415, 'unsupported_media_type', `Content-Encoding "${enc}" is not supported`);
  }
  const ct = req.headers['content-type'];
  if (ct && ct.includes('charset=')) {
    const cs = /charset\s*=\s*"?([^";\s]+)/i.exec(ct)?.[1]?.toLowerCase();
    if (cs && cs !== 'utf-8' && cs !== 'utf8') {
      throw new HttpError(415, 'unsupported_media_type', `charset "${cs}" is not supported; send UTF-8`);
    }
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'body_too_large', `Request body exceeds the limit of ${limit} bytes`);
}

/** Reads the whole body as UTF-8, failing with 413 as soon as it passes `limit` bytes. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  checkEncoding(req);
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(tooLarge(limit));
  return new Promise<string>((resolve, reject) => {
    let first: Buffer | undefined;
    let chunks: Buffer[] | undefined;
    let size = 0;
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        req.resume(); // discard the rest so the client can read the 413
        reject(tooLarge(limit));
        return;
      }
      if (first === undefined) first = chunk;
      else (chunks ??= [first]).push(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (first === undefined) resolve('');
      else resolve(chunks ? Buffer.concat(chunks, size).toString('utf8') : first.toString('utf8'));
    };
    const onError = (err: Error) => {
      cleanup();
      // the client went away mid-body: nobody to answer, and not a server fault (nginx logs 499)
      reject(new HttpError(499, 'client_closed', `request body not received: ${err.message}`));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
