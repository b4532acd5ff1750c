import type { Queryable } from '../db/queryable';

/** A backfill's row (`sluice.backfill`), which its runs point at; returns its id. */
export async function createBackfill(db: Queryable, dagId: string, from: Date, to: Date): Promise<number> {
  const r = await db.query<{ id: number }>(
    `INSERT INTO sluice.backfill (dag_id, from_date, to_date) VALUES ($1, $2, $3) RETURNING id`,
    [dagId, from, to],
  );
  return r.rows[0].id;
}
