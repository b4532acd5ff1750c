import type { DagStructure } from '../dag/serialized-dag';
import { nextDueInterval, nextRunAfter } from '../timetables/data-interval';
import { parseSchedule } from '../timetables/timetable';
import { boundsOf } from '../scheduler/run-creation';
import type { Queryable } from '../db/queryable';

export interface DagListing {
  readonly dagId: string;
  readonly schedule: string | null;
  readonly owner: string;
  readonly file: string;
  readonly paused: boolean;
  readonly tags: readonly string[];
  /** When the next scheduled run becomes due (its data interval end), if any. */
  readonly nextRun: Date | null;
  readonly nextLogicalDate: Date | null;
}

export interface ImportErrorListing {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly code: string;
  readonly message: string;
}

export async function listDags(db: Queryable): Promise<{ dags: DagListing[]; importErrors: ImportErrorListing[] }> {
  const r = await db.query<{
    dag_id: string;
    file_path: string;
    is_paused: boolean;
    owner: string;
    tags: string[];
    structure: DagStructure;
    last_end: Date | null;
    n: number;
  }>(
    `SELECT d.dag_id, d.file_path, d.is_paused, d.owner, d.tags, v.structure,
            (SELECT max(data_interval_end) FROM sluice.dag_run r WHERE r.dag_id = d.dag_id AND r.run_type = 'scheduled') AS last_end,
            (SELECT count(*)::int FROM sluice.dag_run r WHERE r.dag_id = d.dag_id AND r.run_type = 'scheduled') AS n
       FROM sluice.dag d JOIN sluice.dag_version v ON v.id = d.latest_version_id
      WHERE d.is_active ORDER BY d.dag_id`,
  );
  const dags = r.rows.map((d) => {
    const t = parseSchedule(d.structure.schedule, d.structure.timezone);
    const b = boundsOf(d.structure);
    const last = d.last_end ?? undefined;
    // A run that is already due (catchup off skips to the latest interval) comes first.
    const next = d.is_paused
      ? null
      : (nextDueInterval(t, b, last, d.n > 0, new Date()) ?? nextRunAfter(t, b, last, d.n > 0));
    return {
      dagId: d.dag_id,
      schedule: d.structure.schedule,
      owner: d.owner,
      file: d.file_path,
      paused: d.is_paused,
      tags: d.tags,
      nextRun: next?.end ?? null,
      nextLogicalDate: next?.start ?? null,
    };
  });
  const e = await db.query<ImportErrorListing>(
    `SELECT file_path AS file, line, col AS column, code, message FROM sluice.import_error ORDER BY file_path, line NULLS FIRST, id`,
  );
  return { dags, importErrors: e.rows };
}
