/**
 * The input signature of a model: the raw columns a scoring record carries (before encoding), as
 * stored in a ModelBundle and shown by `GET /model` and the GUI's try-it form.
 */
export interface SignatureColumn {
  name: string;
  type: 'number' | 'category';
  /** Known categories for a categorical column (others are handled as the encoder says). */
  categories?: string[];
  /** May be absent or null (then imputed / treated as missing). */
  nullable: boolean;
}

export interface InputSignature {
  columns: SignatureColumn[];
}

/** One prediction as served and shown. */
export interface Prediction {
  probability: number;
  label: 0 | 1;
  threshold: number;
}

/** Which artifact answered. */
export interface ModelIdentity {
  name: string;
  version: number;
  run_id: string;
  bundle_sha256: string;
}
