import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { BundleIntegrityError } from './errors';

export const BUNDLE_KIND = 'mlsys.bundle';
export const BUNDLE_FORMAT_VERSION = 1;

export function sha256Hex(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BundleIntegrityError(
      `Bundle ${file} is missing or unreadable (${code ?? String(err)}); it will not be served.`,
      'missing',
      file,
    );
  }
}

/** Parses bundle bytes and checks the kind tag and format version; throws BundleIntegrityError otherwise. */
export function parseBundle(bytes: Buffer, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BundleIntegrityError(`${file} is not an ml-sys bundle (not JSON).`, 'wrong-kind', file);
  }
  const obj = parsed as Record<string, unknown> | null;
  if (!obj || typeof obj !== 'object' || obj.kind !== BUNDLE_KIND) {
    throw new BundleIntegrityError(
      `${file} is not an ml-sys bundle (kind is ${JSON.stringify(obj?.kind)}, expected "${BUNDLE_KIND}").`,
      'wrong-kind',
      file,
    );
  }
  if (obj.format_version !== BUNDLE_FORMAT_VERSION) {
    throw new BundleIntegrityError(
      `${file} has bundle format_version ${JSON.stringify(obj.format_version)}; this ml-sys reads ${BUNDLE_FORMAT_VERSION}.`,
      'wrong-kind',
      file,
    );
  }
  return obj;
}

/**
 * Reads a stored bundle, verifying its sha256 before parsing and its kind after; returns the parsed
 * JSON. Never returns unverified content: a missing, altered or foreign file throws BundleIntegrityError.
 */
export function readVerifiedBundle(file: string, sha256: string): unknown {
  const bytes = readBytes(file);
  const actual = sha256Hex(bytes);
  if (actual !== sha256.toLowerCase()) {
    throw new BundleIntegrityError(
      `Bundle ${file} has been modified: sha256 is ${actual}, the registry recorded ${sha256}. It will not be served.`,
      'tampered',
      file,
    );
  }
  return parseBundle(bytes, file);
}

export interface StoredBundle {
  /** Relative to the registry folder. */
  relPath: string;
  sha256: string;
  bytes: number;
}

/**
 * Copies a bundle into `<registry>/bundles/<aa>/<sha256>.bundle` (content-addressed, mode 0444). The
 * copy is written to a temporary name and renamed, so a crash never leaves a partial file under the
 * final name, and two processes storing the same bytes converge on the same file.
 *
 * The file is parsed to check that it is a bundle, unless its sha256 is `producedSha256`: the hash its
 * producer (a training run) computed over the bundle it serialized, so the same bytes need no check.
 */
export function storeBundle(registryDir: string, source: string, producedSha256?: string): StoredBundle {
  const bytes = readBytes(source);
  const sha256 = sha256Hex(bytes);
  if (sha256 !== producedSha256?.toLowerCase()) parseBundle(bytes, source);
  const relPath = path.join('bundles', sha256.slice(0, 2), `${sha256}.bundle`);
  const dest = path.join(registryDir, relPath);
  const existingOk = existsSync(dest) && sha256Hex(readFileSync(dest)) === sha256;
  if (!existingOk) {
    mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, bytes, { mode: 0o444 });
      chmodSync(tmp, 0o444);
      if (existsSync(dest)) rmSync(dest, { force: true }); // a damaged copy: replace it
      renameSync(tmp, dest);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  return { relPath, sha256, bytes: bytes.length };
}

/**
 * Removes temporary copies left by a process killed mid-copy (they never carry a final name). Only
 * files older than `maxAgeMs` go, so a copy another process is writing right now is left alone.
 */
export function removeStaleTemps(registryDir: string, maxAgeMs = 3_600_000, now = Date.now()): number {
  const root = path.join(registryDir, 'bundles');
  let removed = 0;
  if (!existsSync(root)) return 0;
  for (const sub of readdirSync(root, { withFileTypes: true })) {
    if (!sub.isDirectory()) continue;
    for (const f of readdirSync(path.join(root, sub.name))) {
      if (!f.endsWith('.tmp')) continue;
      const file = path.join(root, sub.name, f);
      try {
        if (now - statSync(file).mtimeMs > maxAgeMs) {
          rmSync(file, { force: true });
          removed++;
        }
      } catch {
        // gone already (another process cleaned it)
      }
    }
  }
  return removed;
}
