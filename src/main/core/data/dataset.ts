import type { Table } from './table';

/** What a loader hands to the feature pipeline: one row per company (or per table row). */
export interface Dataset {
  source: 'hubspot' | 'csv' | 'parquet';
  /** Raw features before encoding (company attributes + point-in-time usage aggregates). */
  table: Table;
  /** 1 = customer / positive class. */
  y: Uint8Array;
  ids: string[];
  /** Names of the table's categorical columns. */
  categorical: string[];
  /** Things the user should know that did not stop the load (duplicates, orphan rows, …). */
  warnings: string[];
  /** sha256 (hex) over the input files' names and bytes. */
  fingerprint: string;
  /** Absolute paths of the files read. */
  files: string[];
  /** Row counts of the raw files. */
  rawRows: Record<string, number>;
  /** hubspot: the snapshot date used for non-customers (ISO), and how many usage rows the cutoff dropped. */
  snapshotDate?: string;
  droppedAfterCutoff?: number;
  timings: { load_s: number; features_s: number };
}
