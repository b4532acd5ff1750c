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
