import type { Queryable } from '../db/queryable';
import type { TaskInstanceRow } from './run-listing';

/** A task instance in a list across runs and DAGs (the API's task instance search). */
export interface ListedTaskInstance extends Omit<TaskInstanceRow, 'id'> {
  readonly dag_id: string;
  readonly run_id: string;
  readonly logical_date: Date;
}

export interface TaskInstanceFilter {
  readonly dagId?: string;
  /** A run's name; with `dagId`. */
  readonly runId?: string;
  readonly taskId?: string;
  readonly states?: readonly string[];
  readonly operator?: string;
  /** Runs whose logical date is in [from, to]. */
  readonly from?: Date;
  readonly to?: Date;
}

const FILTER = `($1::text IS NULL OR t.dag_id = $1) AND ($2::text IS NULL OR r.run_id = $2)
  AND ($3::text IS NULL OR t.task_id = $3) AND ($4::text[] IS NULL OR t.state = ANY($4))
  AND ($5::text IS NULL OR t.operator = $5)
  AND ($6::timestamptz IS NULL OR r.logical_date >= $6) AND ($7::timestamptz IS NULL OR r.logical_date <= $7)`;

const params = (f: TaskInstanceFilter) => [
  f.dagId ?? null,
  f.runId ?? null,
  f.taskId ?? null,
  f.states?.length ? f.states : null,
  f.operator ?? null,
  f.from ?? null,
  f.to ?? null,
];

/** Task instances, newest run first (then in the order they started), and how many match in all. */
export async function listTaskInstances(
  db: Queryable,
  f: TaskInstanceFilter,
  page: { readonly limit: number; readonly offset: number },
): Promise<{ items: ListedTaskInstance[]; total: number }> {
  const from = `FROM sluice.task_instance t JOIN sluice.dag_run r ON r.id = t.run_id WHERE ${FILTER}`;
  const [items, total] = await Promise.all([
    db.query<ListedTaskInstance>(
      `SELECT t.dag_id, r.run_id, r.logical_date, t.task_id, t.operator, t.state, t.try_number, t.max_tries,
              t.start_date, t.end_date, t.duration_ms
         ${from} ORDER BY r.id DESC, t.start_date NULLS LAST, t.id LIMIT $8 OFFSET $9`,
      [...params(f), page.limit, page.offset],
    ),
    db.query<{ n: number }>(`SELECT count(*)::int AS n ${from}`, params(f)),
  ]);
  return { items: items.rows, total: total.rows[0].n };
}
