export { EvaluationError } from './validate';
export { binaryCurve, countsAt, positivesInTop, type BinaryCurve } from './binary-curve';
export {
  accuracy,
  confusion,
  f1,
  f1FromCounts,
  mcc,
  mccFromCounts,
  metricsAt,
  precision,
  precisionAtK,
  recall,
  recallAtK,
  type Confusion,
  type TopK,
} from './confusion';
export {
  prAuc,
  prAucFromCurve,
  prCurve,
  prCurveFromCurve,
  prCurveFull,
  rocAuc,
  rocAucFromCurve,
  rocCurve,
  rocCurveFromCurve,
  rocCurveFull,
  type CurveOptions,
  type PrCurve,
  type PrCurveFull,
  type RocCurve,
  type RocCurveFull,
} from './ranking';
export { brier, logLoss, reliabilityCurve, type ReliabilityCurve } from './probability';
export { gainsLift, gainsLiftFromCurve, type GainsLift } from './gains';
export { classificationReport, type ReportOptions } from './report';
export {
  chooseThreshold,
  optimalThresholds,
  thresholdTable,
  thresholdTableFromCurve,
  type ChooseOptions,
  type ChosenThreshold,
  type CostOptions,
  type ThresholdPolicy,
  type ThresholdRow,
  type ThresholdTable,
} from './threshold-table';
export { DEFAULT_MAX_POINTS, downsampleIndices } from './downsample';
export { evaluate, type EvaluateOptions, type EvaluationCurves, type EvaluationReport } from './evaluate';
