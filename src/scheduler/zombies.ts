import os from 'node:os';
import type { Database } from '../db/database';
import { isAlive } from '../db/embedded';
import type { VersionCache } from '../state/dag-versions';
import { possiblyLostTries } from '../state/workers';
import { completeTry } from './complete-try';

/**
 * Running tasks whose worker stopped heartbeating (or whose worker process on this host is gone)
 * are failed the usual way: retried if tries remain, else failed. The guarded transition means a
 * worker that was only slow cannot later overwrite the outcome.
 */
export async function reapZombies(db: Database, versions: VersionCache, thresholdMs: number): Promise<number> {
  let reaped = 0;
  for (const z of await possiblyLostTries(db, thresholdMs, os.hostname())) {
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
