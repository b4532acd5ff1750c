import type { Queryable } from '../db/queryable';

/**
 * The dispatcher's statements on the alert outbox. A target (a Slack channel, a webhook, an
 * address) is paced: a process sends to it only after winning its pace row's guarded update, so
 * one message per interval goes to a channel across all processes. A claimed alert carries a lease;
 * a process that dies mid-send leaves it to be claimed again when the lease ends.
 */

export interface DueTarget {
  readonly channel: string;
  readonly target: string;
}

/** Targets with an alert to send now (pending and due, or sending with an ended lease). */
export async function dueTargets(q: Queryable): Promise<DueTarget[]> {
  const r = await q.query<DueTarget>(
    `SELECT DISTINCT channel, target FROM sluice.alert
      WHERE (state = 'pending' AND next_attempt_at <= now()) OR (state = 'sending' AND claimed_until <= now())`,
  );
  return r.rows;
}

/** Takes the target's next send slot if it is free; the next one opens `paceMs` later. */
export async function takePace(q: Queryable, t: DueTarget, paceMs: number): Promise<boolean> {
  const r = await q.query(
    `INSERT INTO sluice.alert_pace (channel, target, next_at) VALUES ($1, $2, now() + $3 * interval '1 millisecond')
     ON CONFLICT (channel, target) DO UPDATE SET next_at = excluded.next_at
      WHERE sluice.alert_pace.next_at <= now()
     RETURNING 1`,
    [t.channel, t.target, paceMs],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Gives a slot back, so that the target can be sent to at once (nothing was claimed after all). */
export async function releasePace(q: Queryable, t: DueTarget): Promise<void> {
  await q.query(`UPDATE sluice.alert_pace SET next_at = now() WHERE channel = $1 AND target = $2`, [
    t.channel,
    t.target,
  ]);
}

/** Holds off a target (a 429 with Retry-After is about the channel, not only the one message). */
export async function holdTarget(q: Queryable, t: DueTarget, ms: number): Promise<void> {
  await q.query(
    `UPDATE sluice.alert_pace SET next_at = greatest(next_at, now() + $3 * interval '1 millisecond')
      WHERE channel = $1 AND target = $2`,
    [t.channel, t.target, ms],
  );
}

export interface ClaimedAlert {
  readonly id: number;
  readonly kind: string;
  readonly dedupe_key: string;
  readonly incident_id: number | null;
  readonly channel: string;
  readonly target: string;
  readonly dag_id: string | null;
  readonly run_id: number | null;
  readonly task_id: string | null;
  readonly file_path: string | null;
  readonly event_id: number | null;
  readonly attempts: number;
  readonly created_at: Date;
}

/** Claims the target's oldest due alert for `leaseMs`; null when another process has it or none is due. */
export async function claimAlert(
  q: Queryable,
  t: DueTarget,
  worker: string,
  leaseMs: number,
): Promise<ClaimedAlert | null> {
  const r = await q.query<ClaimedAlert>(
    `UPDATE sluice.alert a SET state = 'sending', claimed_by = $3, attempts = a.attempts + 1,
            claimed_until = now() + $4 * interval '1 millisecond', updated_at = now()
      WHERE a.id = (
        SELECT id FROM sluice.alert
         WHERE channel = $1 AND target = $2
           AND ((state = 'pending' AND next_attempt_at <= now()) OR (state = 'sending' AND claimed_until <= now()))
         ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING a.id, a.kind, a.dedupe_key, a.incident_id, a.channel, a.target, a.dag_id, a.run_id, a.task_id,
                a.file_path, a.event_id, a.attempts, a.created_at`,
    [t.channel, t.target, worker, leaseMs],
  );
  return r.rows[0] ?? null;
}

/** How many of this key were suppressed at this target since its last message went out. */
export async function suppressedSince(q: Queryable, a: ClaimedAlert): Promise<number> {
  const r = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM sluice.alert
      WHERE dedupe_key = $1 AND channel = $2 AND target = $3 AND state = 'suppressed' AND id < $4
        AND id > coalesce((SELECT max(id) FROM sluice.alert
                            WHERE dedupe_key = $1 AND channel = $2 AND target = $3 AND state = 'sent' AND id < $4), 0)`,
    [a.dedupe_key, a.channel, a.target, a.id],
  );
  return r.rows[0].n;
}

export type AlertOutcome =
  | { readonly state: 'sent'; readonly answer: string; readonly providerId: string | null; readonly message: unknown }
  | { readonly state: 'pending'; readonly answer: string; readonly retryInMs: number; readonly message: unknown }
  | { readonly state: 'failed'; readonly answer: string; readonly message: unknown };

/** Records a send's outcome, if this process still holds the claim (guarded: a lease that ended and was taken over loses). */
export async function recordOutcome(q: Queryable, id: number, worker: string, o: AlertOutcome): Promise<boolean> {
  const r = await q.query(
    `UPDATE sluice.alert SET state = $3, answer = $4, message = $5::jsonb, updated_at = now(),
            claimed_by = NULL, claimed_until = NULL,
            sent_at = CASE WHEN $3 = 'sent' THEN now() END,
            provider_id = $6,
            next_attempt_at = CASE WHEN $3 = 'pending' THEN now() + $7 * interval '1 millisecond' ELSE next_attempt_at END
      WHERE id = $1 AND state = 'sending' AND claimed_by = $2`,
    [
      id,
      worker,
      o.state,
      o.answer.slice(0, 1000),
      JSON.stringify(o.message ?? null),
      o.state === 'sent' ? o.providerId : null,
      o.state === 'pending' ? o.retryInMs : 0,
    ],
  );
  return (r.rowCount ?? 0) > 0;
}

/** How soon the next pending alert may go out (a wake-up sooner than the poll); null when none waits. */
export async function nextDueIn(q: Queryable): Promise<number | null> {
  // greatest() skips NULLs: with nothing pending, min() is NULL and so must the answer be, not 0.
  const r = await q.query<{ ms: number | null }>(
    `SELECT (extract(epoch FROM (min(greatest(a.next_attempt_at, coalesce(p.next_at, a.next_attempt_at))) - now())) * 1000)::float8 AS ms
       FROM sluice.alert a LEFT JOIN sluice.alert_pace p ON p.channel = a.channel AND p.target = a.target
      WHERE a.state = 'pending'`,
  );
  return r.rows[0]?.ms ?? null;
}
