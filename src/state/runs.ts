import type { DagStructure } from '../dag/serialized-dag';
import type { JsonObject, RunType } from '../dag/types';
import type { DataInterval } from '../timetables/data-interval';
import { quoteLiteral } from '../db/quote';
import { runStatements } from '../db/statement-batch';
import { lockDagSql } from './dag-locks';
import type { Queryable } from '../db/queryable';
import { recordEvent } from './events';

export interface NewRun {
  readonly dagId: string;
  readonly versionId: number;
  readonly structure: DagStructure;
  readonly runType: RunType;
  readonly interval: DataInterval;
  readonly conf?: JsonObject;
  readonly backfillId?: number;
  /** Defaults to `<run_type>__<logical date ISO>`. */
  readonly runId?: string;
}

export interface CreatedRun {
  readonly id: number;
  readonly runId: string;
}

/**
 * Inserts a queued run and its task instances (state none), in one statement. Returns undefined when the run already
 * exists (another scheduler created the same interval): the unique index makes creation idempotent.
 */
export async function createRun(db: Queryable, r: NewRun): Promise<CreatedRun | undefined> {
  const runId = r.runId ?? `${r.runType}__${r.interval.start.toISOString()}`;
  const t = r.structure.tasks;
  // One statement: a scheduler tick between a run's insert and its tasks' insert would find a run
  // with nothing open and finish it before any task ran.
  const ins = await db.query<{ id: number }>(
    `WITH run AS (
       INSERT INTO sluice.dag_run (dag_id, run_id, run_type, state, dag_version_id, logical_date, data_interval_start, data_interval_end, conf, backfill_id)
       VALUES ($1, $2, $3, 'queued', $4, $5, $5, $6, $7, $8)
       ON CONFLICT DO NOTHING RETURNING id
     ), tasks AS (
       INSERT INTO sluice.task_instance (run_id, dag_id, task_id, operator, upstream, max_tries, priority_weight)
       SELECT run.id, $1, x.task_id, x.operator, x.upstream, x.max_tries, x.priority_weight
         FROM run, jsonb_to_recordset($9::jsonb) AS x(task_id text, operator text, upstream text[], max_tries int, priority_weight int)
     )
     SELECT id FROM run`,
    [
      r.dagId,
      runId,
      r.runType,
      r.versionId,
      r.interval.start,
      r.interval.end,
      JSON.stringify(r.conf ?? {}),
      r.backfillId ?? null,
      JSON.stringify(
        t.map((x) => ({
          task_id: x.id,
          operator: x.operator,
          upstream: x.upstream,
          max_tries: x.retries + 1,
          priority_weight: x.priorityWeight,
        })),
      ),
    ],
  );
  if (!ins.rows[0]) return undefined;
  return { id: ins.rows[0].id, runId };
}

/**
 * Starts the oldest queued runs of a DAG while fewer than max_active_runs are running: the DAG's
 * run lock, then the count and pick, in one round trip and one transaction (see dag-locks.ts).
 */
export async function startQueuedRuns(
  db: Queryable,
  dagId: string,
  maxActiveRuns: number,
): Promise<Array<{ id: number; dag_version_id: number }>> {
  const dag = quoteLiteral(dagId);
  const { started } = await runStatements(db, {
    lockRuns: lockDagSql(dagId, 'runs'),
    started: `WITH active AS (
       SELECT count(*)::int AS n FROM sluice.dag_run WHERE dag_id = ${dag} AND state = 'running'
     ), picked AS (
       SELECT id FROM sluice.dag_run WHERE dag_id = ${dag} AND state = 'queued'
        ORDER BY logical_date, id LIMIT GREATEST(0, ${quoteLiteral(Math.trunc(maxActiveRuns))} - (SELECT n FROM active))
        FOR UPDATE SKIP LOCKED
     )
     UPDATE sluice.dag_run r SET state = 'running', start_date = now()
       FROM picked WHERE r.id = picked.id AND r.state = 'queued'
     RETURNING r.id, r.dag_version_id`,
  });
  return started.rows as Array<{ id: number; dag_version_id: number }>;
}

/** DAGs that have runs waiting to start, with their limits. */
export async function dagsWithQueuedRuns(db: Queryable): Promise<Array<{ dag_id: string; max_active_runs: number }>> {
  const r = await db.query<{ dag_id: string; max_active_runs: number }>(
    `SELECT d.dag_id, d.max_active_runs FROM sluice.dag d
      WHERE NOT d.is_paused AND EXISTS (SELECT 1 FROM sluice.dag_run r WHERE r.dag_id = d.dag_id AND r.state = 'queued')`,
  );
  return r.rows;
}

/** Takes the run's row lock for the rest of the transaction; returns its state. */
export async function lockRun(db: Queryable, runId: number): Promise<string | undefined> {
  const r = await db.query<{ state: string }>(`SELECT state FROM sluice.dag_run WHERE id = $1 FOR UPDATE`, [runId]);
  return r.rows[0]?.state;
}

/** The run's row lock as a statement of its own, to send with BEGIN (a try's completion saves a round trip so). */
export function lockRunSql(runId: number): string {
  return `SELECT 1 FROM sluice.dag_run WHERE id = ${quoteLiteral(runId)} FOR UPDATE`;
}

/** Running runs with no task waiting or running, which nothing would move (e.g. after tasks were cleared). */
export async function runsWithNothingOpen(
  db: Queryable,
): Promise<Array<{ id: number; dag_id: string; dag_version_id: number }>> {
  const r = await db.query<{ id: number; dag_id: string; dag_version_id: number }>(
    `SELECT r.id, r.dag_id, r.dag_version_id FROM sluice.dag_run r
        WHERE r.state = 'running' AND NOT EXISTS (
          SELECT 1 FROM sluice.task_instance t WHERE t.run_id = r.id AND t.state IN ('scheduled', 'queued', 'running', 'up_for_retry'))`,
  );
  return r.rows;
}

/** Ends the run (guarded: only a running run ends, once) and records its events; null when it was not running. */
export async function finishRun(
  db: Queryable,
  run: { readonly id: number; readonly dagId: string },
  state: 'success' | 'failed',
): Promise<'success' | 'failed' | null> {
  const ended = await db.query<{ run_id: string }>(
    `UPDATE sluice.dag_run SET state = $2, end_date = now() WHERE id = $1 AND state = 'running' RETURNING run_id`,
    [run.id, state],
  );
  if (!ended.rowCount) return null;
  const { run_id: runName } = ended.rows[0];
  if (state === 'failed') {
    await recordEvent(db, {
      kind: 'run_failed',
      dagId: run.dagId,
      runId: run.id,
      message: `run ${runName} of ${run.dagId} failed`,
    });
  } else {
    await recordEvent(db, {
      kind: 'run_succeeded',
      dagId: run.dagId,
      runId: run.id,
      message: `run ${runName} of ${run.dagId} succeeded`,
    });
    const prev = await db.query<{ state: string }>(
      `SELECT state FROM sluice.dag_run WHERE dag_id = $1 AND id <> $2 AND state IN ('success', 'failed')
        ORDER BY end_date DESC NULLS LAST, id DESC LIMIT 1`,
      [run.dagId, run.id],
    );
    if (prev.rows[0]?.state === 'failed') {
      await recordEvent(db, {
        kind: 'run_recovered',
        dagId: run.dagId,
        runId: run.id,
        message: `${run.dagId} recovered: run ${runName} succeeded after a failed run`,
      });
    }
  }
  return state;
}
