import type { Queryable } from './queryable';

/**
 * Notable events, written in the same transaction as the change they describe, so a dispatcher
 * (alerts) or a page (the UI) reading this table never misses or invents one.
 */
export type EventKind =
  | 'task_failed'      // a task failed after its last try
  | 'task_retry'       // a try failed and another is scheduled
  | 'run_failed'
  | 'run_succeeded'
  | 'run_recovered'    // a run succeeded after the DAG's previous run failed
  | 'import_error'     // a DAG file started failing to import (or its error changed)
  | 'import_fixed';    // a DAG file that failed imports again

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

export async function recordEvent(db: Queryable, e: EventRecord): Promise<void> {
  await db.query(
    `INSERT INTO sluice.event (kind, dag_id, run_id, task_id, try_number, file_path, message, payload)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [e.kind, e.dagId ?? null, e.runId ?? null, e.taskId ?? null, e.tryNumber ?? null, e.filePath ?? null, e.message, JSON.stringify(e.payload ?? {})],
  );
}
