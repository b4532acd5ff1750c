import type { JsonValue } from '../dag/types';
import type { Queryable } from '../db/queryable';

/**
 * The return values of `taskIds` in the DAG's latest run of this logical date (`tasks test` hands
 * them to the task it runs); undefined when there is no such run or none of them returned a value.
 */
export async function returnValuesOfRunAt(
  db: Queryable,
  dagId: string,
  logicalDate: Date,
  taskIds: readonly string[],
): Promise<Record<string, JsonValue> | undefined> {
  const r = await db.query<{ values: Record<string, JsonValue> | null }>(
    `SELECT (SELECT jsonb_object_agg(v.task_id, v.value) FROM sluice.task_return v WHERE v.run_id = r.id AND v.task_id = ANY($3)) AS values
       FROM sluice.dag_run r WHERE r.dag_id = $1 AND r.logical_date = $2 ORDER BY r.id DESC LIMIT 1`,
    [dagId, logicalDate, taskIds],
  );
  return r.rows[0]?.values ?? undefined;
}

/** Every return value of the run, by task id. */
export async function returnValuesOfRun(db: Queryable, runPk: number): Promise<Record<string, JsonValue>> {
  const r = await db.query<{ task_id: string; value: JsonValue }>(
    `SELECT task_id, value FROM sluice.task_return WHERE run_id = $1`,
    [runPk],
  );
  return Object.fromEntries(r.rows.map((x) => [x.task_id, x.value]));
}
