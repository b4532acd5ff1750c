import type { JsonObject } from '../dag/types';
import type { Queryable } from '../db/queryable';

/** Reads of runs and their task instances for `sluice runs list|show` and `sluice tasks logs`. */

export interface RunRow {
  readonly id: number;
  readonly dag_id: string;
  readonly run_id: string;
  readonly run_type: string;
  readonly state: string;
  readonly logical_date: Date;
  readonly data_interval_start: Date;
  readonly data_interval_end: Date;
  readonly conf: JsonObject;
  readonly dag_version_id: number;
  readonly queued_at: Date;
  readonly start_date: Date | null;
  readonly end_date: Date | null;
}

export const RUN_COLUMNS = `id, dag_id, run_id, run_type, state, logical_date, data_interval_start, data_interval_end, conf,
  dag_version_id, queued_at, start_date, end_date`;

/** Runs, newest first (by when they were created), optionally of one DAG and in one state. */
export async function listRuns(
  db: Queryable,
  filter: { readonly dagId?: string; readonly state?: string; readonly limit: number; readonly offset?: number },
): Promise<RunRow[]> {
  const r = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM sluice.dag_run
      WHERE ($1::text IS NULL OR dag_id = $1) AND ($2::text IS NULL OR state = $2)
      ORDER BY id DESC LIMIT $3 OFFSET $4`,
    [filter.dagId ?? null, filter.state ?? null, filter.limit, filter.offset ?? 0],
  );
  return r.rows;
}

/** How many runs `listRuns` would page through. */
export async function countRuns(
  db: Queryable,
  filter: { readonly dagId?: string; readonly state?: string },
): Promise<number> {
  const r = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sluice.dag_run WHERE ($1::text IS NULL OR dag_id = $1) AND ($2::text IS NULL OR state = $2)`,
    [filter.dagId ?? null, filter.state ?? null],
  );
  return r.rows[0].n;
}

/** The DAG's run with this name (`run_id`); undefined when there is none. */
export async function runByName(db: Queryable, dagId: string, runId: string): Promise<RunRow | undefined> {
  const r = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM sluice.dag_run WHERE dag_id = $1 AND run_id = $2`, [
    dagId,
    runId,
  ]);
  return r.rows[0];
}

/** The DAG's run with this key (`id`); undefined when there is none. */
export async function runByKey(db: Queryable, dagId: string, id: number): Promise<RunRow | undefined> {
  if (!Number.isSafeInteger(id)) return undefined;
  const r = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM sluice.dag_run WHERE dag_id = $1 AND id = $2`, [
    dagId,
    id,
  ]);
  return r.rows[0];
}

/** The DAG's newest run that has this task (runs of an older version may lack it). */
export async function latestRunWithTask(db: Queryable, dagId: string, taskId: string): Promise<RunRow | undefined> {
  const r = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM sluice.dag_run r
      WHERE dag_id = $1 AND EXISTS (SELECT 1 FROM sluice.task_instance t WHERE t.run_id = r.id AND t.task_id = $2)
      ORDER BY id DESC LIMIT 1`,
    [dagId, taskId],
  );
  return r.rows[0];
}

/** Names of the DAG's newest runs, for a did-you-mean on a mistyped one. */
export async function recentRunNames(db: Queryable, dagId: string, limit = 200): Promise<string[]> {
  const r = await db.query<{ run_id: string }>(
    `SELECT run_id FROM sluice.dag_run WHERE dag_id = $1 ORDER BY id DESC LIMIT $2`,
    [dagId, limit],
  );
  return r.rows.map((x) => x.run_id);
}

export interface TaskInstanceRow {
  readonly id: number;
  readonly task_id: string;
  readonly operator: string;
  readonly state: string;
  readonly try_number: number;
  readonly max_tries: number;
  readonly start_date: Date | null;
  readonly end_date: Date | null;
  readonly duration_ms: number | null;
}

/** Each task instance of a run in graph order (by start time, then id). */
export async function taskInstancesOfRun(db: Queryable, runPk: number): Promise<TaskInstanceRow[]> {
  const r = await db.query<TaskInstanceRow>(
    `SELECT id, task_id, operator, state, try_number, max_tries, start_date, end_date, duration_ms
       FROM sluice.task_instance WHERE run_id = $1 ORDER BY start_date NULLS LAST, id`,
    [runPk],
  );
  return r.rows;
}
