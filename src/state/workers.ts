import os from 'node:os';
import type { Queryable } from './queryable';

export async function registerWorker(db: Queryable, id: string, kind: 'executor' | 'scheduler'): Promise<void> {
  await db.query(`INSERT INTO sluice.worker (id, hostname, pid, kind) VALUES ($1, $2, $3, $4)`, [id, os.hostname(), process.pid, kind]);
}

/** One heartbeat covers the worker and every task it runs. */
export async function heartbeat(db: Queryable, id: string): Promise<void> {
  await db.query(
    `WITH w AS (UPDATE sluice.worker SET heartbeat_at = now() WHERE id = $1)
     UPDATE sluice.task_instance SET heartbeat_at = now() WHERE worker_id = $1 AND state = 'running'`,
    [id],
  );
}

export async function stopWorker(db: Queryable, id: string): Promise<void> {
  await db.query(`UPDATE sluice.worker SET stopped_at = now() WHERE id = $1`, [id]);
}
