import type { Queryable } from '../db/queryable';

export interface TaskReport {
  readonly task_id: string;
  readonly state: string;
  readonly try_number: number;
  readonly duration_ms: number | null;
  readonly operator: string;
}

/** Each task of a run in graph order (by start time, then id), for printing. */
export async function runReport(
  db: Queryable,
  runPk: number,
): Promise<{ state: string; runId: string; tasks: TaskReport[] }> {
  const run = await db.query<{ state: string; run_id: string }>(
    `SELECT state, run_id FROM sluice.dag_run WHERE id = $1`,
    [runPk],
  );
  const tasks = await db.query<TaskReport>(
    `SELECT task_id, state, try_number, duration_ms, operator FROM sluice.task_instance WHERE run_id = $1
      ORDER BY start_date NULLS LAST, id`,
    [runPk],
  );
  return { state: run.rows[0]?.state, runId: run.rows[0]?.run_id, tasks: tasks.rows };
}
