import { quoteIdent, quoteLiteral, quoteQualified } from '../../db/quote';
import { POSTGRES_TYPES } from '../../lake/column-spec';
import type { CompiledModel } from '../types';
import type { Seed } from './seed-files';

/**
 * A seed as the table materialization builds it: a SELECT over its rows as typed literals, one
 * row per line, each line mapped to its CSV line, so even a Postgres error points into the file.
 * Values were checked against the column types already (seed-files.ts).
 */
export function seedModel(seed: Seed): CompiledModel {
  const types = seed.columns.map((c) => POSTGRES_TYPES[c.type]);
  const names = seed.columns.map((c) => quoteIdent(c.name)).join(', ');
  const value = (v: string | null, i: number) => `${v === null ? 'NULL' : quoteLiteral(v)}::${types[i]}`;
  const file = seed.path;
  let sql: string;
  let lineMap: CompiledModel['lineMap'];
  if (!seed.rows.length) {
    sql = `SELECT ${seed.columns.map((c, i) => `NULL::${types[i]} AS ${quoteIdent(c.name)}`).join(', ')} WHERE false`;
    lineMap = [{ file, line: 1, column: 1 }];
  } else {
    const rows = seed.rows.map((r, n) => `  (${r.map(value).join(', ')})${n < seed.rows.length - 1 ? ',' : ''}`);
    sql = ['SELECT * FROM (VALUES', ...rows, `) AS seed (${names})`].join('\n');
    lineMap = [
      { file, line: 1, column: 1 },
      ...seed.lines.map((line) => ({ file, line, column: 1 })),
      { file, line: 1, column: 1 },
    ];
  }
  return {
    name: seed.name,
    schema: seed.schema,
    materialized: 'table',
    uniqueKey: [],
    relation: quoteQualified(seed.schema, seed.name),
    sql,
    lineMap,
    seed: true,
  };
}
