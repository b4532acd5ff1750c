import { quoteLiteral } from '../db/quote';
import { runStatements } from '../db/statement-batch';
import { lockDagSql } from './dag-locks';
import type { Queryable } from '../db/queryable';

/**
 * Moves tasks whose dependencies are met (scheduled) to queued, as far as the DAG's
 * max_active_tasks allows, under the DAG's queueing lock. One round trip (a multi-statement
 * query is one implicit transaction, so the lock is held until its end); workers claim from `queued`.
 */
export async function queueScheduled(db: Queryable, dagId: string, maxActiveTasks: number): Promise<number> {
  const { queue } = await runStatements(db, queueScheduledSql(dagId, maxActiveTasks));
  return queue.rowCount;
}

/**
 * The statements of `queueScheduled` with their values quoted in, for a statement batch: the
 * DAG's lock, then the count and pick (a statement of its own, so its snapshot sees every queueing
 * committed before the lock was granted). `queue`'s row count is how many tasks were queued.
 */
export function queueScheduledSql(dagId: string, maxActiveTasks: number): { lockTasks: string; queue: string } {
  const dag = quoteLiteral(dagId);
  return {
    lockTasks: lockDagSql(dagId, 'tasks'),
    queue: `WITH active AS (
       SELECT count(*)::int AS n FROM sluice.task_instance WHERE dag_id = ${dag} AND state IN ('queued', 'running')
     ), picked AS (
       SELECT id FROM sluice.task_instance
        WHERE dag_id = ${dag} AND state = 'scheduled'
        ORDER BY priority_weight DESC, id
        LIMIT GREATEST(0, ${quoteLiteral(Math.trunc(maxActiveTasks))} - (SELECT n FROM active))
        FOR UPDATE SKIP LOCKED
     )
     UPDATE sluice.task_instance t SET state = 'queued', queued_at = now()
       FROM picked WHERE t.id = picked.id AND t.state = 'scheduled'`,
  };
}

/** Retries whose delay has passed go back to scheduled; returns the DAGs concerned. */
export async function promoteDueRetries(db: Queryable): Promise<string[]> {
  const r = await db.query<{ dag_id: string }>(
    `UPDATE sluice.task_instance SET state = 'scheduled', next_try_at = NULL
      WHERE state = 'up_for_retry' AND next_try_at <= now()
      RETURNING dag_id`,
  );
  return [...new Set(r.rows.map((x) => x.dag_id))];
}

/** DAGs with tasks waiting for a slot, and their limits (the scheduler tick's safety net). */
export async function dagsWithScheduledTasks(
  db: Queryable,
): Promise<Array<{ dag_id: string; max_active_tasks: number }>> {
  const r = await db.query<{ dag_id: string; max_active_tasks: number }>(
    `SELECT d.dag_id, d.max_active_tasks FROM sluice.dag d
      WHERE EXISTS (SELECT 1 FROM sluice.task_instance t WHERE t.dag_id = d.dag_id AND t.state = 'scheduled')`,
  );
  return r.rows;
}
