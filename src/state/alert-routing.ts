import type { Queryable } from '../db/queryable';
import type { DagStructure } from '../dag/serialized-dag';

/**
 * The router's statements: events not yet routed, the incidents they open and close, and the alert
 * rows they become. The router runs them in one transaction holding the router lock, so an event
 * becomes its alerts exactly once, whatever the number of processes.
 */

/** Takes the router lock for this transaction; false when another process is routing. */
export async function lockRouter(q: Queryable): Promise<boolean> {
  const r = await q.query(`SELECT 1 FROM sluice.alert_router WHERE id = 1 FOR UPDATE SKIP LOCKED`);
  return (r.rowCount ?? 0) > 0;
}

export interface UnroutedEvent {
  readonly id: number;
  readonly kind: string;
  readonly dag_id: string | null;
  /** The run's key; for a checkpoint's event, the run of its validation. */
  readonly run_pk: number | null;
  readonly task_id: string | null;
  readonly file_path: string | null;
  readonly message: string;
  readonly payload: Record<string, unknown>;
  readonly created_at: Date;
  /** The structure of the run's DAG version (or the DAG's latest), for its alert routes. */
  readonly structure: DagStructure | null;
}

/** The oldest events not routed yet (an event committed late, with a lower id, is simply in a later batch). */
export async function unroutedEvents(q: Queryable, limit: number): Promise<UnroutedEvent[]> {
  const r = await q.query<UnroutedEvent>(
    `SELECT e.id, e.kind, e.dag_id, coalesce(e.run_id, v.run_id) AS run_pk, e.task_id, e.file_path, e.message,
            e.payload, e.created_at, coalesce(rv.structure, dv.structure) AS structure
       FROM sluice.event e
       LEFT JOIN sluice.validation v ON e.run_id IS NULL AND v.id = (e.payload->>'validationId')::bigint
       LEFT JOIN sluice.dag_run r ON r.id = coalesce(e.run_id, v.run_id)
       LEFT JOIN sluice.dag_version rv ON rv.id = r.dag_version_id
       LEFT JOIN sluice.dag d ON d.dag_id = e.dag_id
       LEFT JOIN sluice.dag_version dv ON dv.id = d.latest_version_id
      WHERE e.routed_at IS NULL
      ORDER BY e.id LIMIT $1`,
    [limit],
  );
  return r.rows;
}

export async function markRouted(q: Queryable, ids: readonly number[]): Promise<void> {
  if (ids.length) await q.query(`UPDATE sluice.event SET routed_at = now() WHERE id = ANY($1::bigint[])`, [ids]);
}

/** The latest structures of the DAGs defined in a file (an import error goes where they alert). */
export async function structuresOfFile(q: Queryable, filePath: string): Promise<DagStructure[]> {
  const r = await q.query<{ structure: DagStructure }>(
    `SELECT v.structure FROM sluice.dag d JOIN sluice.dag_version v ON v.id = d.latest_version_id
      WHERE d.file_path = $1 ORDER BY d.dag_id`,
    [filePath],
  );
  return r.rows.map((x) => x.structure);
}

/** Opens the incident of `key`, or counts one more event of the open one; `opened` says which. */
export async function openIncident(
  q: Queryable,
  i: { key: string; kind: string; dagId: string | null; filePath: string | null; eventId: number },
): Promise<{ id: number; opened: boolean }> {
  const r = await q.query<{ id: number; opened: boolean }>(
    `INSERT INTO sluice.alert_incident (key, kind, dag_id, file_path, opened_by_event)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (key) WHERE closed_at IS NULL
       DO UPDATE SET last_event_at = now(), events = sluice.alert_incident.events + 1
     RETURNING id, (xmax = 0) AS opened`,
    [i.key, i.kind, i.dagId, i.filePath, i.eventId],
  );
  return r.rows[0];
}

/** Closes the open incident of `key`; its id, or null when none was open. */
export async function closeIncident(q: Queryable, key: string, eventId: number): Promise<number | null> {
  const r = await q.query<{ id: number }>(
    `UPDATE sluice.alert_incident SET closed_at = now(), closed_by_event = $2
      WHERE key = $1 AND closed_at IS NULL RETURNING id`,
    [key, eventId],
  );
  return r.rows[0]?.id ?? null;
}

export interface AlertTargetRow {
  readonly channel: string;
  readonly target: string;
}

/** Where an incident's messages went (or are going): a recovery goes to the same places. */
export async function incidentTargets(q: Queryable, incidentId: number): Promise<AlertTargetRow[]> {
  const r = await q.query<AlertTargetRow>(
    `SELECT DISTINCT channel, target FROM sluice.alert
      WHERE incident_id = $1 AND state IN ('pending', 'sending', 'sent') ORDER BY channel, target`,
    [incidentId],
  );
  return r.rows;
}

/** The targets that already have an alert of this kind for this run (later failures of the run fold into it). */
export async function runAlertTargets(q: Queryable, runPk: number, kind: string): Promise<AlertTargetRow[]> {
  const r = await q.query<AlertTargetRow>(
    `SELECT DISTINCT channel, target FROM sluice.alert WHERE run_id = $1 AND kind = $2`,
    [runPk, kind],
  );
  return r.rows;
}

/** Whether this key went (or is going) to this target within the window: a repeat then is suppressed. */
export async function sentWithin(
  q: Queryable,
  k: { dedupeKey: string; channel: string; target: string; windowMs: number; incidentId: number | null },
): Promise<boolean> {
  // Within an incident only: a failure after a recovery is news, however soon it comes.
  const r = await q.query(
    `SELECT 1 FROM sluice.alert
      WHERE dedupe_key = $1 AND channel = $2 AND target = $3 AND state IN ('pending', 'sending', 'sent')
        AND created_at > now() - $4 * interval '1 millisecond'
        AND ($5::bigint IS NULL OR incident_id = $5)
      LIMIT 1`,
    [k.dedupeKey, k.channel, k.target, k.windowMs, k.incidentId],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Until when the DAG's alerts are muted, if they are. */
export async function mutedUntil(q: Queryable, dagId: string): Promise<Date | null> {
  const r = await q.query<{ until: Date }>(`SELECT until FROM sluice.alert_mute WHERE dag_id = $1 AND until > now()`, [
    dagId,
  ]);
  return r.rows[0]?.until ?? null;
}

export interface NewAlert {
  readonly kind: string;
  readonly dedupeKey: string;
  readonly incidentId: number | null;
  readonly channel: string;
  readonly target: string;
  readonly dagId: string | null;
  readonly runPk: number | null;
  readonly taskId: string | null;
  readonly filePath: string | null;
  readonly eventId: number | null;
  /** 'pending' to send, 'suppressed' to record only (reason says why). */
  readonly state: 'pending' | 'suppressed';
  readonly reason: string | null;
}

/** Inserts alerts in one statement. */
export async function insertAlerts(q: Queryable, alerts: readonly NewAlert[]): Promise<void> {
  if (!alerts.length) return;
  await q.query(
    `INSERT INTO sluice.alert (kind, dedupe_key, incident_id, channel, target, dag_id, run_id, task_id, file_path,
                               event_id, state, reason)
     SELECT x.kind, x.dedupe_key, x.incident_id, x.channel, x.target, x.dag_id, x.run_id, x.task_id, x.file_path,
            x.event_id, x.state, x.reason
       FROM jsonb_to_recordset($1::jsonb) AS x(kind text, dedupe_key text, incident_id bigint, channel text,
            target text, dag_id text, run_id bigint, task_id text, file_path text, event_id bigint, state text,
            reason text)`,
    [
      JSON.stringify(
        alerts.map((a) => ({
          kind: a.kind,
          dedupe_key: a.dedupeKey,
          incident_id: a.incidentId,
          channel: a.channel,
          target: a.target,
          dag_id: a.dagId,
          run_id: a.runPk,
          task_id: a.taskId,
          file_path: a.filePath,
          event_id: a.eventId,
          state: a.state,
          reason: a.reason,
        })),
      ),
    ],
  );
}
