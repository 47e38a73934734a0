import * as m001 from './001-core';
import * as m002 from './002-model-registry';
import * as m003 from './003-run-summary';
import * as m004 from './004-param-sort-index';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every migration this build knows, in order. Append-only: a shipped migration is never edited (its
 * checksum is recorded in each database and checked on open); add the next numbered file instead.
 * Embedded as TS strings so bundling needs no asset copying.
 */
export const MIGRATIONS: readonly Migration[] = [m001, m002, m003, m004];
