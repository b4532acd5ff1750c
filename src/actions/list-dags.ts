import { latestCompleteInterval, nextDueInterval, nextRunAfter, type DataInterval } from '../timetables/data-interval';
import { parseSchedule, type Timetable } from '../timetables/timetable';
import type { Queryable } from '../db/queryable';
import { activeDagListings, type ActiveDagListing } from '../state/dags';
import { importErrors, type ImportErrorListing } from '../state/import-errors';
import { scheduledRunsOfDags } from '../state/schedules';

export type { ImportErrorListing };

export interface DagSummary {
  readonly dagId: string;
  readonly description: string | null;
  readonly timezone: string;
  readonly schedule: string | null;
  readonly owner: string;
  readonly file: string;
  readonly paused: boolean;
  readonly tags: readonly string[];
  /** What the next run is computed from (see withNextRuns). */
  readonly row: ActiveDagListing;
}

export interface DagListing extends Omit<DagSummary, 'row'> {
  /** When the next scheduled run becomes due (its data interval end), if any. */
  readonly nextRun: Date | null;
  readonly nextLogicalDate: Date | null;
}

/** Every active DAG (or the one named), by id, and the import errors. Next runs cost schedule math: see withNextRuns. */
export async function listDags(
  db: Queryable,
  only?: { readonly dagId: string },
): Promise<{ dags: DagSummary[]; importErrors: ImportErrorListing[] }> {
  const dags = (await activeDagListings(db, only?.dagId)).map((d) => ({
    dagId: d.dag_id,
    description: d.description,
    timezone: d.timezone,
    schedule: d.schedule,
    owner: d.owner,
    file: d.file_path,
    paused: d.is_paused,
    tags: d.tags,
    row: d,
  }));
  return { dags, importErrors: await importErrors(db) };
}

/**
 * The next run of each listed DAG. It needs the DAG's scheduled runs so far and some schedule math,
 * so a page asks for the DAGs it shows, not for all of them; timetables are parsed once per schedule.
 */
export async function withNextRuns(
  db: Queryable,
  dags: readonly DagSummary[],
  now = new Date(),
): Promise<DagListing[]> {
  const sofar = await scheduledRunsOfDags(
    db,
    dags.filter((d) => !d.paused).map((d) => d.dagId),
  );
  // Per schedule: its timetable and its latest complete interval now (each a cron step or two).
  const schedules = new Map<string, { t: Timetable; latest?: DataInterval | null }>();
  return dags.map(({ row: d, ...rest }) => {
    const key = `${d.schedule}\u0000${d.timezone}`;
    let s = schedules.get(key);
    if (!s) schedules.set(key, (s = { t: parseSchedule(d.schedule, d.timezone) }));
    const { t } = s;
    const b = { startDate: d.start_date, endDate: d.end_date ?? undefined, catchup: d.catchup };
    const { end, n } = sofar.get(d.dag_id) ?? { end: null, n: 0 };
    const last = end ?? undefined;
    if (!d.is_paused && !d.catchup && t.kind === 'cron' && s.latest === undefined)
      s.latest = latestCompleteInterval(t, now);
    // A run that is already due (catchup off skips to the latest interval) comes first.
    const next = d.is_paused
      ? null
      : (nextDueInterval(t, b, last, n > 0, now, s.latest) ?? nextRunAfter(t, b, last, n > 0));
    return { ...rest, nextRun: next?.end ?? null, nextLogicalDate: next?.start ?? null };
  });
}

/** The DAGs whose id or description holds `q` (any case), with the tag, of the owner; each filter only when given. */
export function filterDags<T extends Pick<DagSummary, 'dagId' | 'description' | 'tags' | 'owner'>>(
  dags: readonly T[],
  f: { readonly q?: string; readonly tag?: string; readonly owner?: string },
): T[] {
  const q = f.q?.toLowerCase();
  return dags.filter(
    (d) =>
      (!q || d.dagId.toLowerCase().includes(q) || (d.description ?? '').toLowerCase().includes(q)) &&
      (!f.tag || d.tags.includes(f.tag)) &&
      (!f.owner || d.owner === f.owner),
  );
}
