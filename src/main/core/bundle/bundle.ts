/**
 * The ModelBundle: the unit that is saved, registered, loaded and served — fitted feature pipeline,
 * model, calibrator, input signature, threshold and metadata in one JSON file. Serving runs the same
 * feature code as training, so there is no training/serving skew.
 *
 * The file holds nothing that changes between two runs of the same config on the same data (no run
 * id, no timestamps), so such runs write byte-identical bundles with the same sha256.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { InputSignature } from '../../../shared/model/signature';
import { FeaturePipeline } from '../features';
import { estimatorFromJSON } from '../models/factory';
import type { DenseMatrix, Estimator, SerializedModel } from '../models/types';
import { calibratorFromJSON, type Calibrator } from '../training/calibration';

export const BUNDLE_KIND = 'mlsys.bundle';
export const BUNDLE_FORMAT_VERSION = 1;

export interface BundleMetadata {
  algorithm: string;
  config_hash: string;
  data_fingerprint: string;
  eval_fingerprint: string;
  library_version: string;
  feature_names: string[];
  metrics: Record<string, number>;
  best_params?: Record<string, number | string>;
}

export interface BundleDocument {
  kind: typeof BUNDLE_KIND;
  format_version: typeof BUNDLE_FORMAT_VERSION;
  metadata: BundleMetadata;
  signature: InputSignature;
  threshold: number;
  threshold_policy: string;
  features: unknown;
  model: SerializedModel;
  calibrator: unknown;
}

export class BundleFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleFormatError';
  }
}

export class ModelBundle {
  constructor(
    readonly metadata: BundleMetadata,
    readonly signature: InputSignature,
    readonly threshold: number,
    readonly thresholdPolicy: string,
    readonly features: FeaturePipeline,
    readonly model: Estimator,
    readonly calibrator: Calibrator | null,
  ) {}

  static fromDocument(doc: unknown, source = 'bundle'): ModelBundle {
    if (doc === null || typeof doc !== 'object')
      throw new BundleFormatError(`${source}: not a bundle (expected a JSON object)`);
    const d = doc as Partial<BundleDocument>;
    if (d.kind !== BUNDLE_KIND)
      throw new BundleFormatError(`${source}: kind is ${JSON.stringify(d.kind)}, expected "${BUNDLE_KIND}"`);
    if (d.format_version !== BUNDLE_FORMAT_VERSION) {
      throw new BundleFormatError(
        `${source}: format_version ${String(d.format_version)} is not supported (this ml-sys reads ${BUNDLE_FORMAT_VERSION})`,
      );
    }
    if (
      !d.metadata ||
      !d.signature ||
      !d.model ||
      d.features === undefined ||
      typeof d.threshold !== 'number'
    ) {
      throw new BundleFormatError(
        `${source}: incomplete bundle (metadata, signature, features, model and threshold are required)`,
      );
    }
    return new ModelBundle(
      d.metadata,
      d.signature,
      d.threshold,
      d.threshold_policy ?? 'fixed',
      FeaturePipeline.fromJSON(d.features),
      estimatorFromJSON(d.model),
      d.calibrator ? calibratorFromJSON(d.calibrator) : null,
    );
  }

  toDocument(): BundleDocument {
    return {
      kind: BUNDLE_KIND,
      format_version: BUNDLE_FORMAT_VERSION,
      metadata: this.metadata,
      signature: this.signature,
      threshold: this.threshold,
      threshold_policy: this.thresholdPolicy,
      features: this.features.toJSON(),
      model: this.model.toJSON(),
      calibrator: this.calibrator ? this.calibrator.toJSON() : null,
    };
  }

  /** Raw (uncalibrated) model probabilities for a feature matrix. */
  predictMatrixRaw(X: DenseMatrix): Float64Array {
    return this.model.predictProba(X);
  }

  /** Final probabilities (calibrated when the bundle has a calibrator) for a feature matrix. */
  predictMatrix(X: DenseMatrix): Float64Array {
    const raw = this.model.predictProba(X);
    return this.calibrator ? this.calibrator.applyAll(raw) : raw;
  }

  /** Scores raw records (the signature's columns); bad records throw an error naming index and field. */
  predict(records: Record<string, unknown>[]): Float64Array {
    return this.predictMatrix(this.features.transformRecords(records));
  }
}

/**
 * A copy of `value` for JSON.stringify with every typed array as a plain array (what a replacer
 * function would return for it); objects without typed arrays are shared, not copied. Stringifying
 * this is ~2× faster than passing a replacer, which JSON.stringify calls for every value.
 */
function withPlainArrays(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  // JSON.stringify applies toJSON before the replacer (a Buffer is a typed array with a toJSON)
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return withPlainArrays((value as { toJSON(): unknown }).toJSON());
  }
  if (ArrayBuffer.isView(value)) {
    return value instanceof DataView ? value : Array.from(value as unknown as ArrayLike<number>);
  }
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const p = withPlainArrays(v);
      if (p !== v) (out ??= value.slice())[i] = p;
    }
    return out ?? value;
  }
  let out: Record<string, unknown> | undefined;
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    const p = withPlainArrays(v);
    if (p !== v) (out ??= { ...obj })[k] = p;
  }
  return out ?? value;
}

/** Deterministic JSON: typed arrays become plain arrays; key order is the order objects were built in. */
export function serializeBundle(doc: BundleDocument): string {
  return JSON.stringify(withPlainArrays(doc));
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Writes atomically (temp file + rename). */
export function writeBundle(file: string, bundle: ModelBundle): { sha256: string; bytes: number } {
  const bytes = Buffer.from(serializeBundle(bundle.toDocument()), 'utf8');
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, file);
  return { sha256: sha256(bytes), bytes: bytes.length };
}

/** Reads a bundle file; with `expectedSha256`, refuses a file whose content changed. */
export function readBundle(file: string, expectedSha256?: string): ModelBundle {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new BundleFormatError(
      `Cannot read bundle ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  if (expectedSha256 && sha256(bytes) !== expectedSha256) {
    throw new BundleFormatError(
      `Bundle ${file} does not match its recorded sha256 (it was modified); refusing to load it`,
    );
  }
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new BundleFormatError(`Bundle ${file} is not valid JSON`);
  }
  return ModelBundle.fromDocument(doc, file);
}
