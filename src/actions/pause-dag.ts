import type { Runtime } from './runtime';
import { setPaused } from '../state/dag-store';
import { findDag } from './find-dag';

/** Paused DAGs get no new scheduled runs and their queued runs wait; running tasks finish. */
export async function pauseDag(rt: Runtime, dagId: string, paused: boolean): Promise<void> {
  await findDag(rt.db, dagId);
  await setPaused(rt.db, dagId, paused);
  rt.db.notify('runs');
}
