export { LogisticRegression } from './logistic';
export { MlpClassifier } from './mlp';
export { ensureTfBackend, type TfBackendName } from './backend';
export { logisticParamsSchema, mlpParamsSchema, type LogisticParams, type MlpParams } from './params';
