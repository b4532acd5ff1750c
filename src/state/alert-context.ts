import type { Queryable } from '../db/queryable';

/** What an alert's message is composed from, read when it is sent (so a run's alert lists every failure it has by then). */

export interface AlertRunRow {
  readonly dag_id: string;
  readonly run_id: string;
  readonly state: string;
  readonly logical_date: Date;
  readonly owner: string | null;
}

export async function alertRun(q: Queryable, runPk: number): Promise<AlertRunRow | undefined> {
  const r = await q.query<AlertRunRow>(
    `SELECT r.dag_id, r.run_id, r.state, r.logical_date, d.owner
       FROM sluice.dag_run r LEFT JOIN sluice.dag d ON d.dag_id = r.dag_id WHERE r.id = $1`,
    [runPk],
  );
  return r.rows[0];
}

export interface AlertTaskRow {
  readonly task_id: string;
  readonly state: string;
  readonly try_number: number;
  readonly max_tries: number;
  readonly duration_ms: number | null;
  /** The last ended try's error. */
  readonly error: string | null;
}

/** The run's task instances in these states (failed, upstream_failed, ...), in the order they started. */
export async function alertTasksOfRun(
  q: Queryable,
  runPk: number,
  states: readonly string[],
  taskId?: string,
): Promise<AlertTaskRow[]> {
  const r = await q.query<AlertTaskRow>(
    `SELECT t.task_id, t.state, t.try_number, t.max_tries, coalesce(y.duration_ms, t.duration_ms) AS duration_ms, y.error
       FROM sluice.task_instance t
       LEFT JOIN LATERAL (SELECT duration_ms, error FROM sluice.task_try
                           WHERE ti_id = t.id ORDER BY try_number DESC LIMIT 1) y ON true
      WHERE t.run_id = $1 AND t.state = ANY($2) AND ($3::text IS NULL OR t.task_id = $3)
      ORDER BY t.start_date NULLS LAST, t.id`,
    [runPk, states, taskId ?? null],
  );
  return r.rows;
}

export interface AlertEventRow {
  readonly kind: string;
  readonly message: string;
  readonly payload: Record<string, unknown>;
  readonly task_id: string | null;
  readonly try_number: number | null;
  readonly created_at: Date;
}

export async function alertEvent(q: Queryable, id: number): Promise<AlertEventRow | undefined> {
  const r = await q.query<AlertEventRow>(
    `SELECT kind, message, payload, task_id, try_number, created_at FROM sluice.event WHERE id = $1`,
    [id],
  );
  return r.rows[0];
}

export async function incidentOpenedAt(q: Queryable, id: number): Promise<Date | undefined> {
  const r = await q.query<{ opened_at: Date }>(`SELECT opened_at FROM sluice.alert_incident WHERE id = $1`, [id]);
  return r.rows[0]?.opened_at;
}
