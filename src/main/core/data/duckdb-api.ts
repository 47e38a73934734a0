/**
 * @duckdb/node-api. The build bundles its JavaScript into our chunks (electron.vite.config.ts), which
 * loads faster than Node's require of its ~100 CommonJS files; its native bindings stay external.
 */
import * as duckdb from '@duckdb/node-api';

export { duckdb };
