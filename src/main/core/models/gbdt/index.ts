export { GbdtClassifier, type ImportanceType } from './classifier';
export { DEFAULT_GBDT_PARAMS, type GbdtParams, resolveParams } from './params';
export { GBDT_FORMAT_VERSION, GBDT_KIND, type SerializedGbdt } from './serialize';
export { GBDT_WORKER_BUILD_NAME } from './spawn';
export { setGbdtKernels, wasmKernelsAvailable, type KernelChoice } from './wasm-kernels';
export { prestartGbdtWorkers, prestartedGbdtWorkers } from './spawn';
