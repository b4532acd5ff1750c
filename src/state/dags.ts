import type { DagStructure } from '../dag/serialized-dag';
import type { Queryable } from '../db/queryable';

/** Reads of the DAGs (`sluice.dag`) with their latest structure, for the commands. */

export interface DagRow {
  readonly dag_id: string;
  readonly file_path: string;
  readonly is_active: boolean;
  readonly is_paused: boolean;
  readonly latest_version_id: number;
  readonly structure: DagStructure;
}

/** The DAG with this id, active or not, and its latest structure; undefined when it was never stored. */
export async function dagById(db: Queryable, dagId: string): Promise<DagRow | undefined> {
  const r = await db.query<DagRow>(
    `SELECT d.dag_id, d.file_path, d.is_active, d.is_paused, d.latest_version_id, v.structure
       FROM sluice.dag d JOIN sluice.dag_version v ON v.id = d.latest_version_id WHERE d.dag_id = $1`,
    [dagId],
  );
  return r.rows[0];
}

export async function activeDagIds(db: Queryable): Promise<string[]> {
  const r = await db.query<{ dag_id: string }>(`SELECT dag_id FROM sluice.dag WHERE is_active`);
  return r.rows.map((x) => x.dag_id);
}

/** The active DAGs' latest structures, by id. */
export async function activeDagStructures(db: Queryable): Promise<Array<{ dag_id: string; structure: DagStructure }>> {
  const r = await db.query<{ dag_id: string; structure: DagStructure }>(
    `SELECT d.dag_id, v.structure FROM sluice.dag d JOIN sluice.dag_version v ON v.id = d.latest_version_id WHERE d.is_active ORDER BY d.dag_id`,
  );
  return r.rows;
}

/** An active DAG as `dags list` shows it (its next run comes from its schedule and its scheduled runs: see scheduledRunsOfDags). */
export interface ActiveDagListing {
  readonly dag_id: string;
  readonly file_path: string;
  readonly is_paused: boolean;
  readonly description: string | null;
  readonly owner: string;
  readonly tags: string[];
  readonly schedule: string | null;
  readonly timezone: string;
  readonly start_date: Date;
  readonly end_date: Date | null;
  readonly catchup: boolean;
}

/** From the DAG rows alone (their columns mirror the structure), so a list of 1,000 DAGs reads no task lists. */
export async function activeDagListings(db: Queryable, dagId?: string): Promise<ActiveDagListing[]> {
  const r = await db.query<ActiveDagListing>(
    `SELECT d.dag_id, d.file_path, d.is_paused, d.description, d.owner, d.tags, d.schedule, d.timezone, d.start_date,
            d.end_date, d.catchup
       FROM sluice.dag d
      WHERE d.is_active AND ($1::text IS NULL OR d.dag_id = $1) ORDER BY d.dag_id`,
    [dagId ?? null],
  );
  return r.rows;
}
