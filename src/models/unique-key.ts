/**
 * The unique key of an incremental model must be present and never null: a null key matches no
 * existing row on the next run, so the row would be inserted again and again (dbt duplicates it
 * silently).
 */
import { quoteIdent } from '../db/quote';
import type { Queryable } from '../db/queryable';
import { modelProblem } from './model-error';
import type { CompiledModel } from './types';

const EXAMPLE_MAX = 300;

/** Throws MODEL_FAILED when a key column is missing from `columns` or null in any row of `relation` (quoted). */
export async function assertUniqueKey(
  q: Queryable,
  relation: string,
  columns: readonly string[],
  model: CompiledModel,
  file: string,
): Promise<void> {
  const keys = model.uniqueKey;
  if (!keys.length) return;
  const missing = keys.filter((k) => !columns.includes(k));
  if (missing.length) {
    throw modelProblem(
      model,
      file,
      `unique key column${missing.length > 1 ? 's' : ''} ${missing.map((k) => `"${k}"`).join(', ')} not in the model's columns (${columns.join(', ')})`,
    );
  }
  const anyNull = keys.map((k) => `${quoteIdent(k)} IS NULL`).join(' OR ');
  const r = await q.query<{ n: string; example: string }>(
    `SELECT count(*) OVER () AS n, row_to_json(t)::text AS example FROM ${relation} t WHERE ${anyNull} LIMIT 1`,
  );
  if (!r.rows.length) return;
  const n = Number(r.rows[0].n);
  const example =
    r.rows[0].example.length > EXAMPLE_MAX ? r.rows[0].example.slice(0, EXAMPLE_MAX) + '…' : r.rows[0].example;
  throw modelProblem(
    model,
    file,
    `${n} row${n === 1 ? ' has' : 's have'} a null unique key (${keys.join(', ')}), e.g. ${example}; ` +
      'a null key never matches an existing row, so such rows would be inserted again on every run',
  );
}
