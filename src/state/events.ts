import type { Queryable } from '../db/queryable';

/** Anything that runs a statement: a pool, a transaction's client, a task's warehouse. */
interface Runs {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Notable events, written in the same transaction as the change they describe, so a dispatcher
 * (alerts) or a page (the UI) reading this table never misses or invents one.
 */
export type EventKind =
  | 'task_failed' // a task failed after its last try
  | 'task_retry' // a try failed and another is scheduled
  | 'run_failed'
  | 'run_succeeded'
  | 'run_recovered' // a run succeeded after the DAG's previous run failed
  | 'import_error' // a DAG file started failing to import (or its error changed)
  | 'import_fixed' // a DAG file that failed imports again
  | 'check_failed' // a quality gate closed: an error-severity expectation failed
  | 'check_warned' // warn-severity expectations failed; the run went on
  | 'deadline_missed' // a run or task was not done by a deadline of its DAG (payload: name, reference, due)
  | 'tasks_cleared' // a person cleared task instances to run them again (payload: tasks, by)
  | 'task_marked'; // a person set a task instance's state (payload: from, to, by)

export interface EventRecord {
  readonly kind: EventKind;
  readonly message: string;
  readonly dagId?: string;
  readonly runId?: number;
  readonly taskId?: string;
  readonly tryNumber?: number;
  readonly filePath?: string;
  readonly payload?: Record<string, unknown>;
}

export async function recordEvent(db: Runs, e: EventRecord): Promise<void> {
  await recordEvents(db, [e]);
}

/** Several events in one statement (a sync of many DAG files, say). */
export async function recordEvents(db: Runs, events: readonly EventRecord[]): Promise<void> {
  if (!events.length) return;
  await db.query(
    `INSERT INTO sluice.event (kind, dag_id, run_id, task_id, try_number, file_path, message, payload)
     SELECT x.kind, x.dag_id, x.run_id, x.task_id, x.try_number, x.file_path, x.message, coalesce(x.payload, '{}')
       FROM jsonb_to_recordset($1::jsonb)
         AS x(kind text, dag_id text, run_id bigint, task_id text, try_number int, file_path text, message text, payload jsonb)`,
    [
      JSON.stringify(
        events.map((e) => ({
          kind: e.kind,
          dag_id: e.dagId ?? null,
          run_id: e.runId ?? null,
          task_id: e.taskId ?? null,
          try_number: e.tryNumber ?? null,
          file_path: e.filePath ?? null,
          message: e.message,
          payload: e.payload ?? {},
        })),
      ),
    ],
  );
}

/** A task_failed event: which try of which task of which run failed for good. */
export interface TaskFailedEvent {
  readonly id: number;
  readonly dag_id: string;
  readonly run_id: number;
  readonly task_id: string;
  readonly try_number: number;
}

/** task_failed events after event `afterId`, oldest first (the scheduler logs each failure once). */
export async function taskFailuresAfter(db: Queryable, afterId: number): Promise<TaskFailedEvent[]> {
  const r = await db.query<TaskFailedEvent>(
    `SELECT id, dag_id, run_id, task_id, try_number FROM sluice.event WHERE kind = 'task_failed' AND id > $1 ORDER BY id`,
    [afterId],
  );
  return r.rows;
}

/** The newest event's id (0 when there is none): where a scheduler starts reading failures. */
export async function latestEventId(db: Queryable): Promise<number> {
  const r = await db.query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM sluice.event`);
  return r.rows[0].id;
}
