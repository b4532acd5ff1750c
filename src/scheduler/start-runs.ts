import type { Database } from '../db/database';
import type { VersionCache } from '../state/dag-versions';
import { lockRun, startQueuedRuns } from '../state/runs';
import { advanceRun } from './advance-run';

/**
 * Starts queued runs of a DAG within max_active_runs and makes their first tasks ready, each in
 * its own transaction. Returns how many tasks were queued.
 */
export async function startRuns(
  db: Database,
  versions: VersionCache,
  dagId: string,
  maxActiveRuns: number,
): Promise<number> {
  const started = await startQueuedRuns(db, dagId, maxActiveRuns);
  let queued = 0;
  for (const run of started) {
    const { graph } = await versions.get(run.dag_version_id);
    queued += await db.transaction(async (c) => {
      if ((await lockRun(c, run.id)) !== 'running') return 0;
      return (await advanceRun(c, { id: run.id, dagId }, graph)).queued;
    });
  }
  if (queued) db.notify('tasks');
  return queued;
}
