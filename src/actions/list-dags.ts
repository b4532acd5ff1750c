import { nextDueInterval, nextRunAfter } from '../timetables/data-interval';
import { parseSchedule } from '../timetables/timetable';
import { boundsOf } from '../scheduler/run-creation';
import type { Queryable } from '../db/queryable';
import { activeDagListings } from '../state/dags';
import { importErrors, type ImportErrorListing } from '../state/import-errors';

export type { ImportErrorListing };

export interface DagListing {
  readonly dagId: string;
  readonly description: string | null;
  readonly timezone: string;
  readonly schedule: string | null;
  readonly owner: string;
  readonly file: string;
  readonly paused: boolean;
  readonly tags: readonly string[];
  /** When the next scheduled run becomes due (its data interval end), if any. */
  readonly nextRun: Date | null;
  readonly nextLogicalDate: Date | null;
}

export async function listDags(db: Queryable): Promise<{ dags: DagListing[]; importErrors: ImportErrorListing[] }> {
  const dags = (await activeDagListings(db)).map((d) => {
    const t = parseSchedule(d.structure.schedule, d.structure.timezone);
    const b = boundsOf(d.structure);
    const last = d.last_end ?? undefined;
    // A run that is already due (catchup off skips to the latest interval) comes first.
    const next = d.is_paused
      ? null
      : (nextDueInterval(t, b, last, d.n > 0, new Date()) ?? nextRunAfter(t, b, last, d.n > 0));
    return {
      dagId: d.dag_id,
      description: d.structure.description,
      timezone: d.structure.timezone,
      schedule: d.structure.schedule,
      owner: d.owner,
      file: d.file_path,
      paused: d.is_paused,
      tags: d.tags,
      nextRun: next?.end ?? null,
      nextLogicalDate: next?.start ?? null,
    };
  });
  return { dags, importErrors: await importErrors(db) };
}
