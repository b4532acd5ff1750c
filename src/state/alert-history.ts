import type { Queryable } from '../db/queryable';

/** Reads and writes for people: the alert history, open incidents, mutes, and test alerts. */

export interface AlertRow {
  readonly id: number;
  readonly kind: string;
  readonly dedupe_key: string;
  readonly channel: string;
  readonly target: string;
  readonly dag_id: string | null;
  readonly run_id: string | null;
  readonly task_id: string | null;
  readonly file_path: string | null;
  readonly state: string;
  readonly reason: string | null;
  readonly attempts: number;
  readonly answer: string | null;
  readonly title: string | null;
  readonly created_at: Date;
  readonly sent_at: Date | null;
  readonly next_attempt_at: Date;
}

export interface AlertFilter {
  readonly dagId?: string;
  readonly state?: string;
  readonly limit: number;
  readonly offset: number;
}

/** Newest first, with the run's name and the title that was (or will be) sent. */
export async function listAlerts(q: Queryable, f: AlertFilter): Promise<{ total: number; alerts: AlertRow[] }> {
  const r = await q.query<AlertRow & { total: number }>(
    `SELECT a.id, a.kind, a.dedupe_key, a.channel, a.target, a.dag_id, r.run_id, a.task_id, a.file_path, a.state,
            a.reason, a.attempts, a.answer, coalesce(a.message->>'title', e.message) AS title, a.created_at,
            a.sent_at, a.next_attempt_at, count(*) OVER ()::int AS total
       FROM sluice.alert a
       LEFT JOIN sluice.dag_run r ON r.id = a.run_id
       LEFT JOIN sluice.event e ON e.id = a.event_id
      WHERE ($1::text IS NULL OR a.dag_id = $1) AND ($2::text IS NULL OR a.state = $2)
      ORDER BY a.id DESC LIMIT $3 OFFSET $4`,
    [f.dagId ?? null, f.state ?? null, f.limit, f.offset],
  );
  return { total: r.rows[0]?.total ?? 0, alerts: r.rows.map(({ total: _t, ...a }) => a) };
}

export interface IncidentRow {
  readonly id: number;
  readonly key: string;
  readonly kind: string;
  readonly dag_id: string | null;
  readonly file_path: string | null;
  readonly opened_at: Date;
  readonly last_event_at: Date;
  readonly events: number;
  readonly sent: number;
  readonly suppressed: number;
}

export async function openIncidents(q: Queryable, dagId?: string): Promise<IncidentRow[]> {
  const r = await q.query<IncidentRow>(
    `SELECT i.id, i.key, i.kind, i.dag_id, i.file_path, i.opened_at, i.last_event_at, i.events,
            count(a.id) FILTER (WHERE a.state = 'sent')::int AS sent,
            count(a.id) FILTER (WHERE a.state = 'suppressed')::int AS suppressed
       FROM sluice.alert_incident i LEFT JOIN sluice.alert a ON a.incident_id = i.id
      WHERE i.closed_at IS NULL AND ($1::text IS NULL OR i.dag_id = $1)
      GROUP BY i.id ORDER BY i.opened_at DESC`,
    [dagId ?? null],
  );
  return r.rows;
}

export interface MuteRow {
  readonly dag_id: string;
  readonly until: Date;
  readonly muted_by: string | null;
  readonly reason: string | null;
}

export async function activeMutes(q: Queryable): Promise<MuteRow[]> {
  const r = await q.query<MuteRow>(
    `SELECT dag_id, until, muted_by, reason FROM sluice.alert_mute WHERE until > now() ORDER BY dag_id`,
  );
  return r.rows;
}

export async function setMute(
  q: Queryable,
  m: { dagId: string; forMs: number; by: string | null; reason: string | null },
): Promise<MuteRow> {
  const r = await q.query<MuteRow>(
    `INSERT INTO sluice.alert_mute (dag_id, until, muted_by, reason)
     VALUES ($1, now() + $2 * interval '1 millisecond', $3, $4)
     ON CONFLICT (dag_id) DO UPDATE SET until = excluded.until, muted_by = excluded.muted_by,
                                        reason = excluded.reason, created_at = now()
     RETURNING dag_id, until, muted_by, reason`,
    [m.dagId, m.forMs, m.by, m.reason],
  );
  return r.rows[0];
}

/** Ends a mute; false when the DAG was not muted. */
export async function clearMute(q: Queryable, dagId: string): Promise<boolean> {
  const r = await q.query(`DELETE FROM sluice.alert_mute WHERE dag_id = $1 AND until > now()`, [dagId]);
  return (r.rowCount ?? 0) > 0;
}

/** A test alert, sent by `sluice alerts test` itself: kept in the history with its outcome. */
export async function recordTestAlert(
  q: Queryable,
  a: { channel: string; target: string; ok: boolean; answer: string; providerId: string | null; message: unknown },
): Promise<number> {
  const r = await q.query<{ id: number }>(
    `INSERT INTO sluice.alert (kind, dedupe_key, channel, target, state, attempts, answer, provider_id, message, sent_at)
     VALUES ('test', 'test', $1, $2, $3, 1, $4, $5, $6::jsonb, CASE WHEN $3 = 'sent' THEN now() END)
     RETURNING id`,
    [a.channel, a.target, a.ok ? 'sent' : 'failed', a.answer.slice(0, 1000), a.providerId, JSON.stringify(a.message)],
  );
  return r.rows[0].id;
}
