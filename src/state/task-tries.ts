import type { Queryable } from '../db/queryable';
import type { JsonObject } from '../dag/types';

/** Reads of task tries (`sluice.task_try`) and logs (`sluice.task_log`), for failure reports and `tasks logs`. */

/** A task instance of a run that ended failed, with its last try's error. */
export interface FailedTry {
  readonly ti_id: number;
  readonly task_id: string;
  readonly operator: string;
  readonly try_number: number;
  readonly error: string | null;
  readonly duration_ms: number | null;
}

/** The run's failed task instances (not upstream_failed), in graph order, each with its last try's error. */
export async function failedTriesOfRun(db: Queryable, runPk: number): Promise<FailedTry[]> {
  const r = await db.query<FailedTry>(
    `SELECT t.id AS ti_id, t.task_id, t.operator, t.try_number, y.error, coalesce(y.duration_ms, t.duration_ms) AS duration_ms
       FROM sluice.task_instance t LEFT JOIN sluice.task_try y ON y.ti_id = t.id AND y.try_number = t.try_number
      WHERE t.run_id = $1 AND t.state = 'failed' ORDER BY t.start_date NULLS LAST, t.id`,
    [runPk],
  );
  return r.rows;
}

/** The task instance that ended a failed try (a task_failed event names it by run and task). */
export async function failedTryOf(db: Queryable, runPk: number, taskId: string): Promise<FailedTry | undefined> {
  return (await failedTriesOfRun(db, runPk)).find((t) => t.task_id === taskId);
}

/** Chunks of a try's log written after chunk `afterId`, in order (`tasks logs --follow` polls these). */
export async function logChunksAfter(
  db: Queryable,
  tiId: number,
  tryNumber: number,
  afterId: number,
): Promise<Array<{ id: number; content: string }>> {
  const r = await db.query<{ id: number; content: string }>(
    `SELECT id, content FROM sluice.task_log WHERE ti_id = $1 AND try_number = $2 AND id > $3 ORDER BY id`,
    [tiId, tryNumber, afterId],
  );
  return r.rows;
}

/** Whether try `tryNumber` of the task instance is still going (it is the current try and the task runs). */
export async function tryIsRunning(db: Queryable, tiId: number, tryNumber: number): Promise<boolean> {
  const r = await db.query<{ running: boolean }>(
    `SELECT (state = 'running' AND try_number = $2) AS running FROM sluice.task_instance WHERE id = $1`,
    [tiId, tryNumber],
  );
  return r.rows[0]?.running ?? false;
}

/** An ended try of a task instance (`sluice.task_try`); the current one, while it runs, is not here yet. */
export interface EndedTry {
  readonly try_number: number;
  readonly state: string;
  readonly hostname: string | null;
  readonly start_date: Date | null;
  readonly end_date: Date;
  readonly duration_ms: number | null;
  readonly error: string | null;
  /** What the try recorded it did (`ctx.recordDetails`), if anything. */
  readonly details: JsonObject | null;
}

export async function endedTriesOf(db: Queryable, tiId: number): Promise<EndedTry[]> {
  const r = await db.query<EndedTry>(
    `SELECT try_number, state, hostname, start_date, end_date, duration_ms, error, details
       FROM sluice.task_try WHERE ti_id = $1 ORDER BY try_number`,
    [tiId],
  );
  return r.rows;
}
