/**
 * The `csv` / `parquet` sources: one table, one row per example, a 0/1 target column and optionally
 * an id column. Numeric columns become numeric features, text and booleans categorical ones. A text
 * column whose values are nearly all numbers is treated as a typo'd numeric column and reported.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FrameworkConfig } from '../../../shared/config/schema';
import { inspectCsv } from './csv';
import type { Dataset } from './dataset';
import { Duck, ident, lit } from './duck';
import { DataError } from './errors';
import { fingerprintFiles } from './fingerprint';
import { categoricalColumn, makeTable, numericColumn, type Column } from './table';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*|REAL)$/;
const TEMPORAL = /^(DATE|TIMESTAMP.*|TIME)$/;
const POSITIVE = new Set(['1', '1.0', 'true', 'yes', 'y', 't']);
const NEGATIVE = new Set(['0', '0.0', 'false', 'no', 'n', 'f']);

export async function loadFlat(config: FrameworkConfig, onProgress: (msg: string) => void = () => {}): Promise<Dataset> {
  const t0 = performance.now();
  const { data } = config;
  const file = path.resolve(data.data_dir, data.files.table);
  const name = path.basename(file);
  const target = data.target_column;
  const idc = data.id_column;
  const parquet = data.source === 'parquet';
  const duck = await Duck.open();
  try {
    onProgress(`reading ${name}`);
    if (parquet) {
      if (!existsSync(file)) throw new DataError(`${name}: file not found (${file})`, { file });
    } else inspectCsv(file, [target]);
    try {
      await duck.run(
        parquet
          ? `CREATE TABLE t AS SELECT * FROM read_parquet(${lit(file)})`
          : `CREATE TABLE t AS SELECT * FROM read_csv(${lit(file)}, header = true, delim = ',', sample_size = -1)`,
      );
    } catch (err) {
      const first = (err instanceof Error ? err.message : String(err)).split('\n')[0];
      throw new DataError(`${name}: cannot read as ${parquet ? 'Parquet' : 'CSV'}: ${first}`, { file });
    }
    const schema = (await duck.rows(`SELECT column_name, column_type FROM (DESCRIBE t)`)) as [string, string][];
    if (!schema.some(([c]) => c === target)) {
      throw new DataError(`${name}: missing target column ${target}; columns are ${schema.map(([c]) => c).join(', ')}`, {
        file,
        column: target,
      });
    }
    const rows = Number(await duck.scalar('SELECT count(*) FROM t'));
    if (rows === 0) throw new DataError(`${name}: has a header but no data rows`, { file, line: 2 });
    const tLoad = performance.now();

    // target → 0/1
    const tv = (await duck.rows(`SELECT DISTINCT lower(trim(CAST(${ident(target)} AS VARCHAR))) FROM t`)).map((r) =>
      r[0] === null ? null : String(r[0]),
    );
    const bad = tv.find((v) => v === null || (!POSITIVE.has(v) && !NEGATIVE.has(v)));
    if (bad !== undefined) {
      const cond =
        bad === null
          ? `${ident(target)} IS NULL`
          : `lower(trim(CAST(${ident(target)} AS VARCHAR))) = ${lit(bad)}`;
      const line = Number(await duck.scalar(`SELECT min(rowid) FROM t WHERE ${cond}`)) + 2;
      throw new DataError(
        `${name}: column ${target}, ${parquet ? 'row' : 'line'} ${parquet ? line - 1 : line}: expected 0/1, true/false or yes/no, got ${bad === null ? 'an empty value' : `"${bad}"`}`,
        { file, column: target, line },
      );
    }
    const features = schema.filter(([c]) => c !== target && c !== idc);
    const columns: Column[] = [];
    const categorical: string[] = [];
    const exprs: string[] = [];
    for (const [c, type] of features) {
      if (NUMERIC.test(type)) exprs.push(`CAST(${ident(c)} AS DOUBLE) AS ${ident(c)}`);
      else if (TEMPORAL.test(type)) exprs.push(`CAST(epoch(${ident(c)}) / 86400 AS DOUBLE) AS ${ident(c)}`);
      else {
        if (type === 'VARCHAR') {
          const [num, all] = (await duck.rows(
            `SELECT count(TRY_CAST(${ident(c)} AS DOUBLE)), count(${ident(c)}) FROM t`,
          ))[0] as number[];
          if (all > 0 && num < all && num >= 0.95 * all) {
            const r = Number(
              await duck.scalar(
                `SELECT min(rowid) FROM t WHERE ${ident(c)} IS NOT NULL AND TRY_CAST(${ident(c)} AS DOUBLE) IS NULL`,
              ),
            );
            const v = await duck.scalar(`SELECT ${ident(c)} FROM t WHERE rowid = ${r}`);
            throw new DataError(
              `${name}: column ${c}, ${parquet ? `row ${r + 1}` : `line ${r + 2}`}: expected a number (the column is otherwise numeric), got "${String(v)}"`,
              { file, column: c, line: r + 2 },
            );
          }
        }
        exprs.push(`CAST(${ident(c)} AS VARCHAR) AS ${ident(c)}`);
        categorical.push(c);
      }
    }
    const hasId = schema.some(([c]) => c === idc);
    const result = await duck.columns(
      `SELECT ${hasId ? `CAST(${ident(idc)} AS VARCHAR)` : `CAST(rowid + 1 AS VARCHAR)`} AS _id,
              CAST(lower(trim(CAST(${ident(target)} AS VARCHAR))) IN (${[...POSITIVE].map(lit).join(', ')}) AS DOUBLE) AS _y
              ${exprs.length ? ', ' + exprs.join(', ') : ''}
       FROM t ORDER BY rowid`,
    );
    result.names.forEach((n, i) => {
      if (i < 2) return;
      const d = result.data[i];
      columns.push(d instanceof Float64Array ? numericColumn(n, d) : categoricalColumn(n, d));
    });
    const yv = result.data[1] as Float64Array;
    const y = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) y[i] = yv[i];
    return {
      source: data.source,
      table: makeTable(columns),
      y,
      ids: result.data[0] as string[],
      categorical,
      warnings: [],
      fingerprint: await fingerprintFiles([file]),
      files: [file],
      rawRows: { table: rows },
      timings: { load_s: (tLoad - t0) / 1000, features_s: (performance.now() - tLoad) / 1000 },
    };
  } finally {
    duck.close();
  }
}
