export type { Dataset } from './dataset';
export { DataError } from './errors';
export { generateSample, INDUSTRIES, type GenerateInfo, type GenerateOptions } from './generate';
export { COMPANY_ATTRIBUTES } from './hubspot';
export { loadDataset, type LoadDatasetOptions } from './load';
export {
  categoricalColumn,
  columnNames,
  getColumn,
  makeTable,
  numericColumn,
  rowRecord,
  takeRows,
  type CategoricalColumn,
  type Column,
  type NumericColumn,
  type Table,
} from './table';
export { stratifiedKFold, stratifiedSplit } from './split';
export { describeDataset, formatSummary, previewRows, type DatasetSummary } from './describe';
