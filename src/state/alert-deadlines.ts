import type { Queryable } from '../db/queryable';

/**
 * Deadlines of runs still going (Airflow 3's deadline alerts): for each deadline of the run's DAG
 * version, reference (data interval end, logical date, or when the run was queued) plus `after`.
 * A run, or the task the deadline names, not done by then records a deadline_missed event — once:
 * the miss row's key makes a second scheduler's insert a no-op, in the same statement.
 */
export async function recordMissedDeadlines(q: Queryable): Promise<number> {
  const r = await q.query(
    `WITH deadline AS (
       SELECT r.id AS run_pk, r.dag_id, r.run_id, d->>'name' AS name, d->>'reference' AS reference,
              nullif(d->>'task', '') AS task, (d->>'afterMs')::bigint AS after_ms,
              CASE d->>'reference' WHEN 'data_interval_end' THEN r.data_interval_end
                                   WHEN 'logical_date' THEN r.logical_date
                                   ELSE coalesce(r.queued_at, r.start_date) END
                + (d->>'afterMs')::bigint * interval '1 millisecond' AS due_at
         FROM sluice.dag_run r
         JOIN sluice.dag_version v ON v.id = r.dag_version_id
         CROSS JOIN LATERAL jsonb_array_elements(v.structure->'alerts'->'deadlines') d
        WHERE r.state IN ('queued', 'running') AND jsonb_typeof(v.structure->'alerts'->'deadlines') = 'array'
     ), late AS (
       SELECT * FROM deadline x
        WHERE x.due_at <= now()
          AND (x.task IS NULL OR EXISTS (
                SELECT 1 FROM sluice.task_instance t
                 WHERE t.run_id = x.run_pk AND t.task_id = x.task
                   AND t.state NOT IN ('success', 'failed', 'skipped', 'upstream_failed')))
     ), missed AS (
       INSERT INTO sluice.alert_deadline_miss (run_id, name, due_at)
       SELECT run_pk, name, due_at FROM late
       ON CONFLICT DO NOTHING
       RETURNING run_id, name
     )
     INSERT INTO sluice.event (kind, dag_id, run_id, task_id, message, payload)
     SELECT 'deadline_missed', l.dag_id, l.run_pk, l.task,
            concat(l.dag_id, coalesce('.' || l.task, ''), ' of run ', l.run_id, ' missed deadline ', l.name,
                   ' (', l.reference, ' + ', l.after_ms / 1000, ' s)'),
            jsonb_build_object('name', l.name, 'reference', l.reference, 'due', l.due_at, 'task', l.task,
                               'afterMs', l.after_ms)
       FROM missed m JOIN late l ON l.run_pk = m.run_id AND l.name = m.name`,
  );
  return r.rowCount ?? 0;
}
