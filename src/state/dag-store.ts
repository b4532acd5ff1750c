import { structureHash, type DagStructure } from '../dag/structure';
import type { Queryable } from './queryable';

/** Writes a parsed DAG: its row (active again, settings refreshed) and, if new, a version. */
export async function upsertDag(db: Queryable, s: DagStructure, filePath: string): Promise<number> {
  await db.query(
    `INSERT INTO sluice.dag (dag_id, file_path, is_active, description, owner, tags, schedule, timezone, start_date, end_date,
                             catchup, max_active_runs, max_active_tasks, next_run_after)
     VALUES ($1, $2, true, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL)
     ON CONFLICT (dag_id) DO UPDATE SET
       file_path = EXCLUDED.file_path, is_active = true, description = EXCLUDED.description, owner = EXCLUDED.owner,
       tags = EXCLUDED.tags, schedule = EXCLUDED.schedule, timezone = EXCLUDED.timezone, start_date = EXCLUDED.start_date,
       end_date = EXCLUDED.end_date, catchup = EXCLUDED.catchup, max_active_runs = EXCLUDED.max_active_runs,
       max_active_tasks = EXCLUDED.max_active_tasks, next_run_after = NULL, updated_at = now()`,
    [s.dagId, filePath, s.description, s.owner, s.tags, s.schedule, s.timezone, s.startDate, s.endDate,
      s.catchup, s.maxActiveRuns, s.maxActiveTasks],
  );
  const hash = structureHash(s);
  const v = await db.query<{ id: number }>(
    `WITH ins AS (
       INSERT INTO sluice.dag_version (dag_id, hash, file_path, structure) VALUES ($1, $2, $3, $4)
       ON CONFLICT (dag_id, hash) DO NOTHING RETURNING id
     )
     SELECT id FROM ins UNION ALL SELECT id FROM sluice.dag_version WHERE dag_id = $1 AND hash = $2 LIMIT 1`,
    [s.dagId, hash, filePath, JSON.stringify(s)],
  );
  const versionId = v.rows[0].id;
  await db.query(`UPDATE sluice.dag SET latest_version_id = $2 WHERE dag_id = $1`, [s.dagId, versionId]);
  return versionId;
}

/** DAGs of `filePath` not in `keep` stop being scheduled (their history stays). */
export async function deactivateMissing(db: Queryable, filePath: string, keep: readonly string[]): Promise<string[]> {
  const r = await db.query<{ dag_id: string }>(
    `UPDATE sluice.dag SET is_active = false, updated_at = now()
      WHERE file_path = $1 AND is_active AND NOT (dag_id = ANY($2)) RETURNING dag_id`,
    [filePath, keep],
  );
  return r.rows.map((x) => x.dag_id);
}

/** Which active file owns each DAG id, so a second file defining one becomes an import error. */
export async function activeOwners(db: Queryable): Promise<Map<string, string>> {
  const r = await db.query<{ dag_id: string; file_path: string }>(`SELECT dag_id, file_path FROM sluice.dag WHERE is_active`);
  return new Map(r.rows.map((x) => [x.dag_id, x.file_path]));
}

export async function setPaused(db: Queryable, dagId: string, paused: boolean): Promise<boolean> {
  const r = await db.query(`UPDATE sluice.dag SET is_paused = $2, next_run_after = NULL, updated_at = now() WHERE dag_id = $1`, [dagId, paused]);
  return (r.rowCount ?? 0) > 0;
}
