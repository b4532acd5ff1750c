import type { Queryable } from '../db/queryable';
import { quoteLiteral } from '../db/quote';
import type { TaskState } from './task-states';

/** What evaluating a run reads and writes: its tasks' states, the states they move to, whether it is done. */

/** States of the run's tasks: those in `taskIds`, or all of them when it is omitted. */
export async function taskStatesOfRun(
  db: Queryable,
  runId: number,
  taskIds?: readonly string[],
): Promise<Array<{ task_id: string; state: TaskState }>> {
  const r = await db.query<{ task_id: string; state: TaskState }>(
    `SELECT task_id, state FROM sluice.task_instance WHERE run_id = $1 ${taskIds ? 'AND task_id = ANY($2)' : ''}`,
    taskIds ? [runId, taskIds] : [runId],
  );
  return r.rows;
}

/** Moves tasks not yet decided (state none) to the states given, for a statement batch; terminal ones get an end date. */
export function setUndecidedStatesSql(runId: number, updates: ReadonlyMap<TaskState, readonly string[]>): string {
  const values = [...updates].flatMap(([state, ids]) =>
    ids.map((id) => `(${quoteLiteral(id)}, ${quoteLiteral(state)})`),
  );
  return `UPDATE sluice.task_instance t
             SET state = u.state, end_date = CASE WHEN u.state IN ('upstream_failed', 'skipped') THEN now() END
            FROM (VALUES ${values.join(', ')}) AS u(task_id, state)
           WHERE t.run_id = ${quoteLiteral(runId)} AND t.task_id = u.task_id AND t.state = 'none'`;
}

/**
 * Whether every task of the run has finished, and whether a leaf failed (then the run failed,
 * Airflow's rule), for a statement batch: one row of `done` and `failed`.
 */
export function runDoneSql(runId: number, leaves: readonly string[]): string {
  const run = quoteLiteral(runId);
  // A run without task instances is never done: it is being created or its DAG lost its tasks.
  return `SELECT NOT EXISTS (SELECT 1 FROM sluice.task_instance
                              WHERE run_id = ${run} AND state NOT IN ('success', 'failed', 'upstream_failed', 'skipped'))
                 AND EXISTS (SELECT 1 FROM sluice.task_instance WHERE run_id = ${run}) AS done,
                 EXISTS (SELECT 1 FROM sluice.task_instance
                          WHERE run_id = ${run} AND state IN ('failed', 'upstream_failed')
                            AND task_id IN (${leaves.length ? leaves.map(quoteLiteral).join(', ') : 'NULL'})) AS failed`;
}
