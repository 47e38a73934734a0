import { LogisticRegression } from './logistic';
import { MlpClassifier } from './mlp';

export { LogisticRegression, MlpClassifier };
export { ensureTfBackend, type TfBackendName } from './backend';
export { logisticParamsSchema, mlpParamsSchema, type LogisticParams, type MlpParams } from './params';

/** Kinds this folder can load. */
export const TFJS_MODEL_KINDS = ['logistic', 'mlp'] as const;

/** Loads a serialised 'logistic' or 'mlp' model; throws on any other kind or a bad format. */
export function tfjsModelFromJSON(json: unknown): LogisticRegression | MlpClassifier {
  const kind = typeof json === 'object' && json !== null ? (json as { kind?: unknown }).kind : undefined;
  if (kind === 'logistic') return LogisticRegression.fromJSON(json);
  if (kind === 'mlp') return MlpClassifier.fromJSON(json);
  throw new Error(`tfjs models: unknown kind '${String(kind)}'`);
}
