/**
 * The two seams of the scoring server: a model that scores raw records, and a source that says which
 * model is the champion. The registry and the bundle loader implement them; tests use small fakes.
 */
import type { InputSignature, ModelIdentity } from '../../../shared/model/signature';

export type { InputSignature, ModelIdentity, Prediction } from '../../../shared/model/signature';

export interface ScoringModel {
  /** name, version, run_id, bundle_sha256 */
  identity: ModelIdentity;
  /** The raw input columns (before encoding). */
  signature: InputSignature;
  threshold: number;
  calibrated: boolean;
  /** metrics, config_hash, trained_at, algorithm, ... */
  metadata: Record<string, unknown>;
  /** Scores raw records; throws RecordError { index, field, message } for bad records. */
  predict(records: Record<string, unknown>[]): Float64Array;
}

export interface ChampionSource {
  /** Cheap, changes whenever the champion may have changed (polled). */
  stamp(): number | string;
  /** Loads the current champion (slow: reads + verifies a bundle), or undefined when there is none. */
  load(): Promise<ScoringModel | undefined>;
}

/** A record the model cannot score: which record (0-based index in the batch) and which field. */
export class RecordError extends Error {
  constructor(
    readonly index: number,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RecordError';
  }
}

/** Any error naming a record index and field (the feature pipeline throws its own such errors). */
export function isRecordError(err: unknown): err is Error & { index: number; field: string } {
  return (
    err instanceof Error &&
    typeof (err as { index?: unknown }).index === 'number' &&
    typeof (err as { field?: unknown }).field === 'string'
  );
}
