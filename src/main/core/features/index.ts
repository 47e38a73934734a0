export { categoryCoder, fitCategories } from './encoders';
export {
  FEATURE_PIPELINE_FORMAT,
  FEATURE_PIPELINE_KIND,
  FeaturePipeline,
  type SerializedFeaturePipeline,
} from './pipeline';
export { RecordError, recordsToTable, type InputSpec } from './records';
export { smote, type SmoteOptions, type SmoteResult } from './smote';
