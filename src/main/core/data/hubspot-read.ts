/**
 * What the two readers of the HubSpot files (hubspot-plain.ts without DuckDB, hubspot-duck.ts with
 * it) hand to the loader (hubspot.ts): the companies, and a way to aggregate their usage rows.
 */
import type { CsvType } from './csv';
import type { UsageAggregator } from './aggregate';

export const COMPANY_ATTRIBUTES = ['ALEXA_RANK', 'EMPLOYEE_RANGE', 'INDUSTRY'] as const;
export const ATTRIBUTE_TYPES: Record<string, CsvType> = {
  ALEXA_RANK: 'DOUBLE',
  EMPLOYEE_RANGE: 'VARCHAR',
  INDUSTRY: 'VARCHAR',
};

export interface HubspotFiles {
  customers: string;
  noncustomers: string;
  usage: string;
}

/**
 * The companies of customers.csv and noncustomers.csv: the first row of each id, customers before
 * non-customers, in the order of those rows.
 */
export interface Companies {
  count: number;
  ids: string[];
  /** 1 for customers. */
  y: Uint8Array;
  /** Per COMPANY_ATTRIBUTES: the values (a categorical one as codes into its dictionary, 0 = missing). */
  attributes: (Float64Array | Int32Array)[];
  /** Per categorical attribute: its distinct values in both files, sorted. */
  dictionaries: Map<string, string[]>;
  /** A customer's CLOSEDATE as epoch seconds (NaN for non-customers). */
  closed: Float64Array;
  /** Duplicate ids and ids in both files. */
  warnings: string[];
}

export interface UsageJoin {
  /** Usage rows whose id is a company's. */
  joined: number;
  /** Of those, rows after their company's cutoff (not aggregated). */
  dropped: number;
}

export interface HubspotRead {
  companies: Companies;
  rawRows: { customers: number; noncustomers: number; usage: number };
  /** The latest WHEN_TIMESTAMP, as 'YYYY-MM-DD HH:MM:SS'. */
  latestUsage: string;
  /** Epoch seconds of a timestamp text (the snapshot date). */
  epochOf(text: string): Promise<number>;
  /**
   * Feeds the usage rows of known companies to `aggregator`, a row counting only up to `end[company]`
   * when `end` is given; with `sorted`, each company's rows in the order by time, then file order
   * (sorted by company, then time, then file order; or in file order when the file is in time order,
   * which gives every company's rows in that same order).
   */
  aggregate(aggregator: UsageAggregator, end: Float64Array | undefined, sorted: boolean): Promise<UsageJoin>;
  /**
   * Set when the reader aggregated the usage rows as it read them (all-time aggregates, which need no
   * window end until finish): `aggregate` must not be called then; the loader sets `end` (each
   * company's cutoff or the snapshot) before calling the aggregator's finish().
   */
  aggregated?: UsageJoin & { aggregator: UsageAggregator; end: Float64Array };
  /** The inputs' fingerprint (fingerprint.ts). */
  fingerprint: Promise<string>;
  /** performance.now() once the files were read. */
  readAt: number;
}

export function duplicateWarnings(
  names: HubspotFiles,
  counts: { customers: number; noncustomers: number; customerIds: number; noncustomerIds: number; inBoth: number },
  examples: { customers: string[]; noncustomers: string[]; inBoth: string[] },
): string[] {
  const warnings: string[] = [];
  const list = (ids: string[]) => ids.join(', ');
  if (counts.customerIds < counts.customers) {
    warnings.push(
      `${names.customers}: ${counts.customers - counts.customerIds} duplicate rows (ids ${list(examples.customers)}…); kept the first of each id`,
    );
  }
  if (counts.noncustomerIds < counts.noncustomers) {
    warnings.push(
      `${names.noncustomers}: ${counts.noncustomers - counts.noncustomerIds} duplicate rows (ids ${list(examples.noncustomers)}…); kept the first of each id`,
    );
  }
  if (counts.inBoth > 0) {
    warnings.push(
      `${counts.inBoth} ids are in both ${names.customers} and ${names.noncustomers} (${list(examples.inBoth)}…); labelled customers`,
    );
  }
  return warnings;
}
