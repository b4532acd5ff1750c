import type { Queryable } from '../db/queryable';
import type { IngestionRow } from './data-catalog';
import { VALIDATION_WITH_RESULTS, type ValidationWithResults } from './validations';

/**
 * What a task instance left behind besides its tries: the objects it landed and the tables it
 * loaded (`ingestion_log`), the suites it validated (`validation`), and the events about it.
 */

/** One object landed in the lake or loaded into a raw table by a task instance. */
export type TaskIngestion = Omit<IngestionRow, 'id' | 'dag_id' | 'run_id' | 'task_id'>;

export async function ingestionOfTask(q: Queryable, runPk: number, taskId: string): Promise<TaskIngestion[]> {
  const r = await q.query<TaskIngestion>(
    `SELECT kind, status, source, bucket, object_key, target, to_char(ds, 'YYYY-MM-DD') AS ds, rows::float8 AS rows,
            rejected_rows::float8 AS rejected_rows, bytes::float8 AS bytes, checksum, watermark, duration_ms, error,
            created_at
       FROM sluice.ingestion_log WHERE run_id = $1 AND task_id = $2 ORDER BY id`,
    [runPk, taskId],
  );
  return r.rows;
}

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
