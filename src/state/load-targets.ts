import type { Queryable } from '../db/queryable';

/** Which loads wrote a table, from `sluice.ingestion_log`: to name a raw table's owner in errors. */

/** Sources (`shop.orders`) whose loads targeted `schema.table`, most recent first; empty when none is logged. */
export async function sourcesLoadingInto(q: Queryable, schema: string, table: string): Promise<string[]> {
  const r = await q.query<{ source: string }>(
    `SELECT source FROM sluice.ingestion_log WHERE kind = 'load' AND target = $1 GROUP BY source ORDER BY max(id) DESC LIMIT 5`,
    [`${schema}.${table}`],
  );
  return r.rows.map((x) => x.source);
}
