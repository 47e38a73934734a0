/**
 * @duckdb/node-api, loaded with require. Node's ESM import of this CommonJS package first scans every
 * one of its files for named exports: about 80 ms more at start-up, on the critical path of a
 * training worker (it loads DuckDB before its first step).
 */
import { createRequire } from 'node:module';
import type * as DuckDB from '@duckdb/node-api';

export const duckdb = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDB;
