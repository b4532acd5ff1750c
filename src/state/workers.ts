import os from 'node:os';
import type { Queryable } from '../db/queryable';

export async function registerWorker(db: Queryable, id: string, kind: 'executor' | 'scheduler'): Promise<void> {
  await db.query(`INSERT INTO sluice.worker (id, hostname, pid, kind) VALUES ($1, $2, $3, $4)`, [
    id,
    os.hostname(),
    process.pid,
    kind,
  ]);
}

/** A try an executor is running, as it vouches for it. */
export interface HeldTry {
  readonly tiId: number;
  readonly tryNumber: number;
}

/**
 * One heartbeat covers the worker and exactly the tries it still runs (never "everything with my
 * worker id": a try it gave up on must go stale so the reaper can act). Returns the tries that are
 * no longer this worker's (declared lost, cleared, or finished by someone else): the executor must
 * stop them.
 */
export async function heartbeat(db: Queryable, id: string, held: readonly HeldTry[]): Promise<number[]> {
  const r = await db.query<{ id: number }>(
    `WITH w AS (UPDATE sluice.worker SET heartbeat_at = now() WHERE id = $1),
     held AS (SELECT * FROM unnest($2::bigint[], $3::int[]) AS h(id, try_number)),
     beat AS (
       UPDATE sluice.task_instance t SET heartbeat_at = now()
         FROM held WHERE t.id = held.id AND t.try_number = held.try_number AND t.worker_id = $1 AND t.state = 'running'
       RETURNING t.id
     )
     SELECT id FROM held WHERE id NOT IN (SELECT id FROM beat)`,
    [id, held.map((h) => h.tiId), held.map((h) => h.tryNumber)],
  );
  return r.rows.map((x) => Number(x.id));
}

export async function stopWorker(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE sluice.worker SET stopped_at = now() WHERE id = $1`, [id]);
}

/** A running try that may have been lost, with its worker's host and pid (null when the worker row is gone). */
export interface PossiblyLostTry {
  readonly id: number;
  readonly run_id: number;
  readonly dag_id: string;
  readonly task_id: string;
  readonly try_number: number;
  readonly max_tries: number;
  readonly worker_id: string;
  readonly dag_version_id: number;
  readonly hostname: string | null;
  readonly pid: number | null;
  readonly heartbeat_at: Date;
}

/**
 * Running tries whose heartbeat is older than `thresholdMs`, or whose worker runs on `hostname`, is
 * gone or stopped: the caller decides which of them are lost (a worker here may be checked by pid).
 */
export async function possiblyLostTries(
  db: Queryable,
  thresholdMs: number,
  hostname: string,
): Promise<PossiblyLostTry[]> {
  const r = await db.query<PossiblyLostTry>(
    `SELECT t.id, t.run_id, t.dag_id, t.task_id, t.try_number, t.max_tries, t.worker_id, r.dag_version_id,
            w.hostname, w.pid, t.heartbeat_at
       FROM sluice.task_instance t
       JOIN sluice.dag_run r ON r.id = t.run_id
       LEFT JOIN sluice.worker w ON w.id = t.worker_id
      WHERE t.state = 'running'
        AND (t.heartbeat_at < now() - $1 * interval '1 millisecond' OR w.hostname = $2 OR w.id IS NULL OR w.stopped_at IS NOT NULL)`,
    [thresholdMs, hostname],
  );
  return r.rows;
}
