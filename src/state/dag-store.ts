import { structureHash, type DagStructure } from '../dag/serialized-dag';
import type { Queryable } from '../db/queryable';

export interface DagToStore {
  readonly structure: DagStructure;
  readonly filePath: string;
}

/**
 * Writes parsed DAGs in one statement, however many: each row is refreshed (active again, settings
 * updated) and points at its version, inserted when the structure is new. One statement instead of
 * three per DAG keeps a cold sync of 1,000 files from paying thousands of round trips.
 */
export async function upsertDags(db: Queryable, dags: readonly DagToStore[]): Promise<void> {
  if (!dags.length) return;
  const rows = dags.map(({ structure: s, filePath }) => ({
    dag_id: s.dagId,
    file_path: filePath,
    hash: structureHash(s),
    structure: s,
    description: s.description ?? null,
    owner: s.owner,
    tags: s.tags,
    schedule: s.schedule,
    timezone: s.timezone,
    start_date: s.startDate,
    end_date: s.endDate,
    catchup: s.catchup,
    max_active_runs: s.maxActiveRuns,
    max_active_tasks: s.maxActiveTasks,
  }));
  // The version rows may precede their dag row in this statement: foreign keys are checked at its end.
  await db.query(
    `WITH x AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
         dag_id text, file_path text, hash text, structure jsonb, description text, owner text, tags text[], schedule text,
         timezone text, start_date timestamptz, end_date timestamptz, catchup boolean, max_active_runs int, max_active_tasks int)
     ), ins AS (
       INSERT INTO sluice.dag_version (dag_id, hash, file_path, structure)
       SELECT dag_id, hash, file_path, structure FROM x
       ON CONFLICT (dag_id, hash) DO NOTHING RETURNING id, dag_id
     ), v AS (
       SELECT dag_id, id FROM ins
       UNION ALL
       SELECT dv.dag_id, dv.id FROM sluice.dag_version dv JOIN x ON dv.dag_id = x.dag_id AND dv.hash = x.hash
     )
     INSERT INTO sluice.dag (dag_id, file_path, is_active, description, owner, tags, schedule, timezone, start_date, end_date,
                             catchup, max_active_runs, max_active_tasks, next_run_after, latest_version_id)
     SELECT x.dag_id, x.file_path, true, x.description, x.owner, x.tags, x.schedule, x.timezone, x.start_date, x.end_date,
            x.catchup, x.max_active_runs, x.max_active_tasks, NULL, v.id
       FROM x JOIN v ON v.dag_id = x.dag_id
     ON CONFLICT (dag_id) DO UPDATE SET
       file_path = EXCLUDED.file_path, is_active = true, description = EXCLUDED.description, owner = EXCLUDED.owner,
       tags = EXCLUDED.tags, schedule = EXCLUDED.schedule, timezone = EXCLUDED.timezone, start_date = EXCLUDED.start_date,
       end_date = EXCLUDED.end_date, catchup = EXCLUDED.catchup, max_active_runs = EXCLUDED.max_active_runs,
       max_active_tasks = EXCLUDED.max_active_tasks, next_run_after = NULL, latest_version_id = EXCLUDED.latest_version_id,
       updated_at = now()`,
    [JSON.stringify(rows)],
  );
}

/** DAGs of each file that are not in its `keep` list stop being scheduled (their history stays). */
export async function deactivateMissing(
  db: Queryable,
  files: ReadonlyArray<{ filePath: string; keep: readonly string[] }>,
): Promise<string[]> {
  if (!files.length) return [];
  const r = await db.query<{ dag_id: string }>(
    `UPDATE sluice.dag d SET is_active = false, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS f(file_path text, keep text[])
      WHERE d.file_path = f.file_path AND d.is_active AND NOT (d.dag_id = ANY(f.keep)) RETURNING d.dag_id`,
    [JSON.stringify(files.map((f) => ({ file_path: f.filePath, keep: f.keep })))],
  );
  return r.rows.map((x) => x.dag_id);
}

/** Which active file owns each DAG id, so a second file defining one becomes an import error. */
export async function activeOwners(db: Queryable): Promise<Map<string, string>> {
  const r = await db.query<{ dag_id: string; file_path: string }>(
    `SELECT dag_id, file_path FROM sluice.dag WHERE is_active`,
  );
  return new Map(r.rows.map((x) => [x.dag_id, x.file_path]));
}

export async function setPaused(db: Queryable, dagId: string, paused: boolean): Promise<boolean> {
  const r = await db.query(
    `UPDATE sluice.dag SET is_paused = $2, next_run_after = NULL, updated_at = now() WHERE dag_id = $1`,
    [dagId, paused],
  );
  return (r.rowCount ?? 0) > 0;
}
