import type { Queryable } from '../db/queryable';

/** Reads the web UI's pages make in one statement each (the DAG list, the grid, the live marker). */

export interface RecentRun {
  readonly dag_id: string;
  readonly id: number;
  readonly run_id: string;
  readonly state: string;
  readonly logical_date: Date;
  readonly start_date: Date | null;
  readonly end_date: Date | null;
}

/** The newest `perDag` runs of each of these DAGs, newest first. */
export async function recentRunsOfDags(db: Queryable, perDag: number, dagIds: readonly string[]): Promise<RecentRun[]> {
  const r = await db.query<RecentRun>(
    `SELECT d.dag_id, r.id, r.run_id, r.state, r.logical_date, r.start_date, r.end_date
       FROM sluice.dag d
       CROSS JOIN LATERAL (
         SELECT id, run_id, state, logical_date, start_date, end_date FROM sluice.dag_run r
          WHERE r.dag_id = d.dag_id ORDER BY id DESC LIMIT $1
       ) r
      WHERE d.dag_id = ANY($2)
      ORDER BY d.dag_id, r.id DESC`,
    [perDag, dagIds],
  );
  return r.rows;
}

export interface GridRun extends RecentRun {
  readonly run_type: string;
  readonly data_interval_start: Date;
  readonly data_interval_end: Date;
  /** The run's task instances by task id: [state, try number]. */
  readonly cells: Readonly<Record<string, readonly [state: string, tryNumber: number]>>;
}

/**
 * The DAG's newest runs (newest first), each with its task instances: the grid, in one statement.
 * The cells come as one JSON object per run, not a row each: 5,000 rows cost more to decode than
 * the query costs to run.
 */
export async function gridOfDag(db: Queryable, dagId: string, runs: number): Promise<GridRun[]> {
  const r = await db.query<GridRun>(
    `SELECT r.dag_id, r.id, r.run_id, r.run_type, r.state, r.logical_date, r.data_interval_start,
            r.data_interval_end, r.start_date, r.end_date, coalesce(c.cells, '{}') AS cells
       FROM (SELECT * FROM sluice.dag_run WHERE dag_id = $1 ORDER BY id DESC LIMIT $2) r
       LEFT JOIN LATERAL (
         SELECT json_object_agg(t.task_id, json_build_array(t.state, t.try_number)) AS cells
           FROM sluice.task_instance t WHERE t.run_id = r.id
       ) c ON true
      ORDER BY r.id DESC`,
    [dagId, runs],
  );
  return r.rows;
}

/**
 * A value that changes whenever a run or task instance does: the newest run and event, the DAGs'
 * last change, and per-state counts and tries of the tasks of active runs. Pages poll it (cheaply,
 * through indexes) where no NOTIFY reaches the server.
 */
export async function liveMarker(db: Queryable): Promise<string> {
  const r = await db.query<{ marker: string }>(
    `SELECT concat_ws('/',
       (SELECT max(id) FROM sluice.dag_run),
       (SELECT max(id) FROM sluice.event),
       (SELECT max(updated_at) FROM sluice.dag)::text,
       (SELECT string_agg(s, ',' ORDER BY s) FROM (
          SELECT concat(t.state, ':', count(*), ':', sum(t.try_number)) AS s
            FROM sluice.dag_run r JOIN sluice.task_instance t ON t.run_id = r.id
           WHERE r.state IN ('queued', 'running')
           GROUP BY t.state) x),
       (SELECT string_agg(concat(id, state), ',') FROM sluice.dag_run WHERE state IN ('queued', 'running'))
     ) AS marker`,
  );
  return r.rows[0].marker;
}

/** The state of each active DAG's newest run (for the list's state filter). */
export async function lastRunStates(db: Queryable): Promise<Map<string, string>> {
  const r = await db.query<{ dag_id: string; state: string }>(
    `SELECT d.dag_id, r.state FROM sluice.dag d
       CROSS JOIN LATERAL (SELECT state FROM sluice.dag_run r WHERE r.dag_id = d.dag_id ORDER BY id DESC LIMIT 1) r
      WHERE d.is_active`,
  );
  return new Map(r.rows.map((x) => [x.dag_id, x.state]));
}
