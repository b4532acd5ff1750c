import type { Queryable } from '../db/queryable';
import { VALIDATION_WITH_RESULTS, type ValidationWithResults } from './validations';

/**
 * What a task instance left behind besides its tries: the suites it validated (`validation`) and
 * the events about it (its landings and loads: `ingestionOfTask` in data-catalog.ts).
 */

/** The latest validation of each suite a task instance ran (a retry validates again), with every result. */
export async function validationsOfTask(q: Queryable, runPk: number, taskId: string): Promise<ValidationWithResults[]> {
  const r = await q.query<ValidationWithResults>(
    `${VALIDATION_WITH_RESULTS}
       FROM (SELECT DISTINCT ON (suite) * FROM sluice.validation WHERE run_id = $1 AND task_id = $2
              ORDER BY suite, id DESC) v
      ORDER BY v.id`,
    [runPk, taskId],
  );
  return r.rows;
}

/** An event about a task instance (or a clear that reset it). */
export interface TaskEventRow {
  readonly kind: string;
  readonly try_number: number | null;
  readonly message: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly created_at: Date;
}

export async function eventsOfTaskInstance(q: Queryable, runPk: number, taskId: string): Promise<TaskEventRow[]> {
  const r = await q.query<TaskEventRow>(
    `SELECT kind, try_number, message, payload, created_at FROM sluice.event
      WHERE run_id = $1 AND (task_id = $2 OR (kind = 'tasks_cleared' AND payload->'tasks' @> jsonb_build_array($2::text)))
      ORDER BY id`,
    [runPk, taskId],
  );
  return r.rows;
}
