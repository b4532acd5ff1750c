import type { Queryable } from '../db/queryable';

/**
 * What a person does to task instances from the UI, the API or the CLI: clear them to run again,
 * or set their state. Each is one guarded statement, run while the caller holds the run's lock
 * (lockRun), so it never races a try's completion; a task that is queued or running is left alone.
 */

/**
 * Resets the run's tasks to `none` with a fresh set of tries (`tries`: retries + 1 each), forgets
 * their return values, and reopens the run: a finished run is queued again (so max_active_runs
 * holds), a queued or running one stays as it is. Nothing changes when one of them is busy.
 */
export async function resetTaskInstances(
  db: Queryable,
  runPk: number,
  tasks: ReadonlyArray<{ readonly taskId: string; readonly tries: number }>,
): Promise<{ busy: string[]; reset: string[]; runState: string | null }> {
  const r = await db.query<{ busy: string[] | null; reset: string[] | null; run_state: string | null }>(
    `WITH x AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(task_id text, tries int)),
     busy AS (
       SELECT t.task_id FROM sluice.task_instance t JOIN x USING (task_id)
        WHERE t.run_id = $1 AND t.state IN ('queued', 'running')
     ), reset AS (
       UPDATE sluice.task_instance t
          SET state = 'none', max_tries = t.try_number + x.tries, start_date = NULL, end_date = NULL,
              duration_ms = NULL, queued_at = NULL, next_try_at = NULL, heartbeat_at = NULL, worker_id = NULL,
              hostname = NULL
         FROM x
        WHERE t.run_id = $1 AND t.task_id = x.task_id AND NOT EXISTS (SELECT 1 FROM busy)
       RETURNING t.task_id
     ), forgot AS (
       DELETE FROM sluice.task_return v USING reset WHERE v.run_id = $1 AND v.task_id = reset.task_id
     ), reopened AS (
       UPDATE sluice.dag_run SET state = CASE WHEN state IN ('success', 'failed') THEN 'queued' ELSE state END,
              end_date = NULL
        WHERE id = $1 AND EXISTS (SELECT 1 FROM reset)
       RETURNING state
     )
     SELECT (SELECT array_agg(task_id ORDER BY task_id) FROM busy) AS busy,
            (SELECT array_agg(task_id ORDER BY task_id) FROM reset) AS reset,
            (SELECT state FROM reopened) AS run_state`,
    [runPk, JSON.stringify(tasks.map((t) => ({ task_id: t.taskId, tries: t.tries })))],
  );
  const row = r.rows[0];
  return { busy: row.busy ?? [], reset: row.reset ?? [], runState: row.run_state };
}

/**
 * Sets one task instance's state to success or failed (it keeps its tries) and reopens a finished
 * run to running, so evaluating it ends it again with the new outcome. Returns the state it had,
 * or undefined when it is queued or running (or does not exist).
 */
export async function markTaskInstance(
  db: Queryable,
  runPk: number,
  taskId: string,
  state: 'success' | 'failed',
): Promise<string | undefined> {
  const r = await db.query<{ was: string }>(
    `WITH old AS (
       SELECT id, state FROM sluice.task_instance WHERE run_id = $1 AND task_id = $2 AND state NOT IN ('queued', 'running')
     ), marked AS (
       UPDATE sluice.task_instance t SET state = $3, end_date = now(), next_try_at = NULL
         FROM old WHERE t.id = old.id RETURNING old.state AS was
     ), reopened AS (
       UPDATE sluice.dag_run SET state = 'running', end_date = NULL
        WHERE id = $1 AND state IN ('success', 'failed') AND EXISTS (SELECT 1 FROM marked)
     )
     SELECT was FROM marked`,
    [runPk, taskId, state],
  );
  return r.rows[0]?.was;
}
