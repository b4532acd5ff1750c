import type { DagStructure } from '../dag/serialized-dag';
import type { Queryable } from '../db/queryable';

/** What creating scheduled runs reads and writes: the DAGs due, their last scheduled interval, the next due time. */

export interface DueDag {
  readonly dag_id: string;
  readonly latest_version_id: number;
  readonly structure: DagStructure;
}

/** Active, unpaused, scheduled DAGs whose next run time has passed (or is not known yet), with their latest structure. */
export async function dueDags(db: Queryable, now: Date): Promise<DueDag[]> {
  const r = await db.query<DueDag>(
    `SELECT d.dag_id, d.latest_version_id, v.structure
       FROM sluice.dag d JOIN sluice.dag_version v ON v.id = d.latest_version_id
      WHERE d.is_active AND NOT d.is_paused AND d.schedule IS NOT NULL
        AND (d.next_run_after IS NULL OR d.next_run_after <= $1)`,
    [now],
  );
  return r.rows;
}

/** The end of the DAG's latest scheduled interval (null before the first) and how many scheduled runs it has. */
export async function scheduledRunsSoFar(db: Queryable, dagId: string): Promise<ScheduledRunsSoFar> {
  return (await scheduledRunsOfDags(db, [dagId])).get(dagId) ?? { end: null, n: 0 };
}

export interface ScheduledRunsSoFar {
  readonly end: Date | null;
  readonly n: number;
}

/** As scheduledRunsSoFar, for each of these DAGs that has scheduled runs. */
export async function scheduledRunsOfDags(
  db: Queryable,
  dagIds: readonly string[],
): Promise<Map<string, ScheduledRunsSoFar>> {
  const r = await db.query<ScheduledRunsSoFar & { dag_id: string }>(
    `SELECT dag_id, max(data_interval_end) AS end, count(*)::int AS n FROM sluice.dag_run
      WHERE dag_id = ANY($1) AND run_type = 'scheduled' GROUP BY dag_id`,
    [dagIds],
  );
  return new Map(r.rows.map(({ dag_id, ...x }) => [dag_id, x]));
}

/** When the DAG's next scheduled run becomes due; 'infinity' once its schedule has ended. */
export async function setNextRunAfter(db: Queryable, dagId: string, next: Date | 'infinity'): Promise<void> {
  await db.query(`UPDATE sluice.dag SET next_run_after = $2 WHERE dag_id = $1`, [dagId, next]);
}
