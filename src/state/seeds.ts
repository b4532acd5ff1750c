import type { Queryable } from '../db/queryable';

/** Seeds loaded (`sluice.seed`): the checksum of what each seed table holds. */

/** The checksum of the file `schema.table` was last loaded from, if it was loaded as a seed. */
export async function loadedSeedChecksum(q: Queryable, schema: string, table: string): Promise<string | undefined> {
  const r = await q.query<{ checksum: string }>(
    `SELECT checksum FROM sluice.seed WHERE schema_name = $1 AND table_name = $2`,
    [schema, table],
  );
  return r.rows[0]?.checksum;
}

export async function recordSeedLoad(
  q: Queryable,
  s: { schema: string; table: string; file: string; checksum: string; rows: number },
): Promise<void> {
  await q.query(
    `INSERT INTO sluice.seed (schema_name, table_name, file_path, checksum, rows) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (schema_name, table_name)
       DO UPDATE SET file_path = EXCLUDED.file_path, checksum = EXCLUDED.checksum, rows = EXCLUDED.rows, loaded_at = now()`,
    [s.schema, s.table, s.file, s.checksum, s.rows],
  );
}
