import type { Database } from '../db/database';
import type { DagStructure } from '../dag/serialized-dag';
import { nextDueInterval, nextRunAfter, type ScheduleBounds } from '../timetables/data-interval';
import { parseSchedule } from '../timetables/timetable';
import { createRun } from '../state/runs';
import { dueDags, scheduledRunsSoFar, setNextRunAfter, type DueDag } from '../state/schedules';

export function boundsOf(s: DagStructure): ScheduleBounds {
  return { startDate: new Date(s.startDate), endDate: s.endDate ? new Date(s.endDate) : undefined, catchup: s.catchup };
}

/**
 * Creates the scheduled runs that are due, for every active unpaused DAG whose next run time has
 * passed. Catchup creates missed intervals (at most `batch` per DAG per call); without catchup only
 * the latest one. Safe with several schedulers: the interval's unique index drops duplicates.
 */
export async function createDueRuns(db: Database, now: Date, batch: number): Promise<number> {
  let created = 0;
  for (const dag of await dueDags(db, now)) created += await createForDag(db, dag, now, batch);
  return created;
}

async function createForDag(db: Database, dag: DueDag, now: Date, batch: number): Promise<number> {
  const s = dag.structure;
  const timetable = parseSchedule(s.schedule, s.timezone);
  const bounds = boundsOf(s);
  return db.transaction(async (c) => {
    const last = await scheduledRunsSoFar(c, dag.dag_id);
    let lastEnd = last.end ?? undefined;
    let hadRun = last.n > 0;
    let created = 0;
    for (let i = 0; i < batch; i++) {
      const interval = nextDueInterval(timetable, bounds, lastEnd, hadRun, now);
      if (!interval) break;
      if (
        await createRun(c, {
          dagId: dag.dag_id,
          versionId: dag.latest_version_id,
          structure: s,
          runType: 'scheduled',
          interval,
        })
      )
        created++;
      lastEnd = interval.end;
      hadRun = true;
    }
    const next = nextRunAfter(timetable, bounds, lastEnd, hadRun);
    await setNextRunAfter(c, dag.dag_id, next ? next.end : 'infinity');
    return created;
  });
}
