import os from 'node:os';
import type { Database } from '../db/database';
import { isAlive } from '../db/embedded';
import type { VersionCache } from '../state/dag-versions';
import { completeTry } from './complete-try';

interface Lost {
  id: number;
  run_id: number;
  dag_id: string;
  task_id: string;
  try_number: number;
  max_tries: number;
  worker_id: string;
  dag_version_id: number;
  hostname: string | null;
  pid: number | null;
  heartbeat_at: Date;
}

/**
 * Running tasks whose worker stopped heartbeating (or whose worker process on this host is gone)
 * are failed the usual way: retried if tries remain, else failed. The guarded transition means a
 * worker that was only slow cannot later overwrite the outcome.
 */
export async function reapZombies(db: Database, versions: VersionCache, thresholdMs: number): Promise<number> {
  const r = await db.query<Lost>(
    `SELECT t.id, t.run_id, t.dag_id, t.task_id, t.try_number, t.max_tries, t.worker_id, r.dag_version_id,
            w.hostname, w.pid, t.heartbeat_at
       FROM sluice.task_instance t
       JOIN sluice.dag_run r ON r.id = t.run_id
       LEFT JOIN sluice.worker w ON w.id = t.worker_id
      WHERE t.state = 'running'
        AND (t.heartbeat_at < now() - $1 * interval '1 millisecond' OR w.hostname = $2 OR w.id IS NULL OR w.stopped_at IS NOT NULL)`,
    [thresholdMs, os.hostname()],
  );
  let reaped = 0;
  for (const z of r.rows) {
    const stale = Date.now() - z.heartbeat_at.getTime() > thresholdMs;
    const deadHere = z.hostname === os.hostname() && z.pid !== null && z.pid !== process.pid && !isAlive(z.pid);
    if (!stale && !deadHere) continue;
    const why = deadHere
      ? `its worker process ${z.pid} on this host is gone`
      : `no heartbeat from worker ${z.worker_id} for over ${thresholdMs / 1000}s`;
    const state = await completeTry(
      db,
      versions,
      {
        tiId: z.id,
        runPk: z.run_id,
        dagId: z.dag_id,
        taskId: z.task_id,
        tryNumber: z.try_number,
        maxTries: z.max_tries,
        workerId: z.worker_id,
        versionId: z.dag_version_id,
      },
      { ok: false, error: `task was lost: ${why}` },
    );
    if (state) reaped++;
  }
  return reaped;
}
