import type { JsonObject, JsonValue, TaskTry } from '../dag/types';
import type { Queryable } from '../db/queryable';
import { storableText } from './storable-text';
import type { TaskState } from './task-states';

/** A task instance a worker claimed: its try, the run's inputs to it, and where its outcome is recorded. */
export interface ClaimedTask extends TaskTry {
  readonly tiId: number;
  readonly runPk: number;
  readonly versionId: number;
  readonly conf: JsonObject;
  /** Return values of its upstream tasks in the run, by task id. */
  readonly upstream: Record<string, JsonValue>;
}

/**
 * Claims up to `limit` queued tasks for a worker in one statement: `FOR UPDATE SKIP LOCKED` lets
 * any number of workers, on any machines, share the queue without taking a task twice.
 */
export async function claimTasks(
  db: Queryable,
  workerId: string,
  hostname: string,
  limit: number,
): Promise<ClaimedTask[]> {
  const r = await db.query<ClaimedTask>(
    `WITH picked AS (
       SELECT id FROM sluice.task_instance WHERE state = 'queued'
        ORDER BY priority_weight DESC, id LIMIT $3 FOR UPDATE SKIP LOCKED
     )
     UPDATE sluice.task_instance t
        SET state = 'running', try_number = t.try_number + 1, worker_id = $1, hostname = $2,
            start_date = now(), end_date = NULL, duration_ms = NULL, heartbeat_at = now()
       FROM picked, sluice.dag_run r
      WHERE t.id = picked.id AND r.id = t.run_id AND t.state = 'queued'
     RETURNING t.id AS "tiId", r.id AS "runPk", r.run_id AS "runId", r.run_type AS "runType", t.dag_id AS "dagId",
               t.task_id AS "taskId", t.try_number AS "tryNumber", t.max_tries AS "maxTries",
               r.dag_version_id AS "versionId", r.logical_date AS "logicalDate",
               r.data_interval_start AS "dataIntervalStart", r.data_interval_end AS "dataIntervalEnd", r.conf,
               COALESCE((SELECT jsonb_object_agg(v.task_id, v.value) FROM sluice.task_return v
                 WHERE v.run_id = t.run_id AND v.task_id = ANY(t.upstream)), '{}') AS upstream`,
    [workerId, hostname, limit],
  );
  return r.rows;
}

export type TryOutcome = (
  | { readonly ok: true; readonly value: JsonValue | undefined }
  | { readonly ok: false; readonly error: string; readonly retryInMs: number | null }
) & { readonly details?: JsonObject };

export interface EndTry {
  readonly tiId: number;
  readonly tryNumber: number;
  readonly workerId: string;
  readonly runPk: number;
  readonly taskId: string;
  /** The try's log tail, appended even when the guard fails (the output happened). */
  readonly log: string;
  /** Tasks of the run whose states the caller needs next (the downstream tasks and their upstreams). */
  readonly neighbours: readonly string[];
}

/**
 * Ends a try in one statement, guarded by who ran it: only the worker holding try N of a running
 * task can finish it, so a zombie reaper and a late worker can never both move it. Also records the
 * try's history row, its log tail and return value, and reads the neighbours' states (the caller
 * holds the run's lock, so they are current). `state` is undefined when the guard failed.
 */
export async function endTry(
  db: Queryable,
  t: EndTry,
  outcome: TryOutcome,
): Promise<{ state: TryEndState | undefined; states: Record<string, TaskState> }> {
  const state: TryEndState = outcome.ok ? 'success' : outcome.retryInMs === null ? 'failed' : 'up_for_retry';
  const value = outcome.ok && outcome.value !== undefined ? JSON.stringify(outcome.value) : null;
  const r = await db.query<{ state: TryEndState | null; states: Record<string, TaskState> }>(
    `WITH u AS (
       UPDATE sluice.task_instance
          SET state = $4, end_date = now(), duration_ms = (extract(epoch FROM now() - start_date) * 1000)::int,
              next_try_at = CASE WHEN $4 = 'up_for_retry' THEN now() + $5 * interval '1 millisecond' END
        WHERE id = $1 AND try_number = $2 AND worker_id = $3 AND state = 'running'
        RETURNING id, try_number, state, worker_id, hostname, start_date, end_date, duration_ms
     ), history AS (
       INSERT INTO sluice.task_try (ti_id, try_number, state, worker_id, hostname, start_date, end_date, duration_ms, error, details)
       SELECT id, try_number, state, worker_id, hostname, start_date, end_date, duration_ms, $6, $12::jsonb FROM u
     ), log AS (
       INSERT INTO sluice.task_log (ti_id, try_number, content) SELECT $1, $2, $7::text WHERE $7::text <> ''
     ), returned AS (
       INSERT INTO sluice.task_return (run_id, task_id, value) SELECT $8, $9, $10::jsonb FROM u WHERE $10::jsonb IS NOT NULL
       ON CONFLICT (run_id, task_id) DO UPDATE SET value = EXCLUDED.value
     )
     SELECT (SELECT state FROM u) AS state,
            (SELECT coalesce(jsonb_object_agg(task_id, state), '{}'::jsonb) FROM sluice.task_instance
              WHERE run_id = $8 AND task_id = ANY($11::text[])) AS states`,
    [
      t.tiId,
      t.tryNumber,
      t.workerId,
      state,
      outcome.ok ? 0 : (outcome.retryInMs ?? 0),
      outcome.ok ? null : storableText(outcome.error),
      storableText(t.log),
      t.runPk,
      t.taskId,
      value,
      t.neighbours,
      outcome.details ? JSON.stringify(outcome.details) : null,
    ],
  );
  return { state: r.rows[0].state ?? undefined, states: r.rows[0].states };
}

export type TryEndState = 'success' | 'failed' | 'up_for_retry';

export async function appendLog(db: Queryable, tiId: number, tryNumber: number, content: string): Promise<void> {
  if (content)
    await db.query(`INSERT INTO sluice.task_log (ti_id, try_number, content) VALUES ($1, $2, $3)`, [
      tiId,
      tryNumber,
      storableText(content),
    ]);
}

export async function readLog(db: Queryable, tiId: number, tryNumber?: number): Promise<string> {
  const r = await db.query<{ content: string }>(
    `SELECT content FROM sluice.task_log WHERE ti_id = $1 AND ($2::int IS NULL OR try_number = $2) ORDER BY try_number, id`,
    [tiId, tryNumber ?? null],
  );
  return r.rows.map((x) => x.content).join('');
}
