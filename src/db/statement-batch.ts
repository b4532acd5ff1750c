import type { Queryable } from './queryable';

export interface BatchResult {
  readonly rows: Array<Record<string, unknown>>;
  readonly rowCount: number;
}

/**
 * Sends several statements in one round trip (the simple query protocol), for hot paths such as a
 * task's completion. Statements cannot take parameters here, so every value in them must come from
 * the quoting helpers (src/db/quote.ts). Returns one result per statement.
 */
export async function runStatements(db: Queryable, statements: readonly string[]): Promise<BatchResult[]> {
  if (!statements.length) return [];
  const r = (await db.query(statements.join(';\n'))) as unknown as BatchResult | BatchResult[];
  const all = Array.isArray(r) ? r : [r];
  return all.map((x) => ({ rows: x.rows ?? [], rowCount: x.rowCount ?? 0 }));
}
