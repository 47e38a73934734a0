export {
  tune,
  halvingRungs,
  plannedEvaluations,
  type TuneOptions,
  type TuneResult,
  type TuneMethod,
  type TrialResult,
} from './tune';
export {
  validateSpace,
  sampleUniform,
  type SearchSpace,
  type ParamSpec,
  type Params,
  type ParamValue,
} from './space';
