import type { Queryable } from '../db/queryable';

/** Reads of runs for the commands that wait on them and print them. */

export interface TaskReport {
  readonly task_id: string;
  readonly state: string;
  readonly try_number: number;
  readonly duration_ms: number | null;
  readonly operator: string;
}

/** The run's state, name (`run_id`) and DAG; undefined when there is no such run. */
export async function runSummary(
  db: Queryable,
  runPk: number,
): Promise<{ state: string; run_id: string; dag_id: string } | undefined> {
  const r = await db.query<{ state: string; run_id: string; dag_id: string }>(
    `SELECT state, run_id, dag_id FROM sluice.dag_run WHERE id = $1`,
    [runPk],
  );
  return r.rows[0];
}

/** Each task of a run in graph order (by start time, then id). */
export async function taskReports(db: Queryable, runPk: number): Promise<TaskReport[]> {
  const r = await db.query<TaskReport>(
    `SELECT task_id, state, try_number, duration_ms, operator FROM sluice.task_instance WHERE run_id = $1
      ORDER BY start_date NULLS LAST, id`,
    [runPk],
  );
  return r.rows;
}

/** The states of these runs, by logical date. */
export async function runStates(
  db: Queryable,
  runPks: readonly number[],
): Promise<Array<{ id: number; state: string }>> {
  const r = await db.query<{ id: number; state: string }>(
    `SELECT id, state FROM sluice.dag_run WHERE id = ANY($1) ORDER BY logical_date, id`,
    [runPks],
  );
  return r.rows;
}

/** The DAGs these runs belong to, with their max_active_runs. */
export async function dagsOfRuns(
  db: Queryable,
  runPks: readonly number[],
): Promise<Array<{ dag_id: string; max_active_runs: number }>> {
  const r = await db.query<{ dag_id: string; max_active_runs: number }>(
    `SELECT DISTINCT d.dag_id, d.max_active_runs FROM sluice.dag d JOIN sluice.dag_run r ON r.dag_id = d.dag_id WHERE r.id = ANY($1)`,
    [runPks],
  );
  return r.rows;
}
