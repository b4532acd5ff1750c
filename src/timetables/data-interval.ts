import { fireAfter, fireAtOrAfter, fireAtOrBefore, type Timetable } from './timetable';

/** Airflow's data interval: logical date = start; a scheduled run is due once `end` has passed. */
export interface DataInterval {
  readonly start: Date;
  readonly end: Date;
}

export interface ScheduleBounds {
  readonly startDate: Date;
  readonly endDate: Date | undefined;
  readonly catchup: boolean;
}

/**
 * The next interval to schedule after the latest scheduled one (`lastEnd`), or null when there is
 * none yet due. With catchup off only the latest complete interval is returned (earlier ones are skipped).
 */
export function nextDueInterval(
  t: Timetable,
  b: ScheduleBounds,
  lastEnd: Date | undefined,
  hadRun: boolean,
  now: Date,
  /** The schedule's latest complete interval at `now`, when the caller has it (DAGs that share a schedule share it). */
  latest?: DataInterval | null,
): DataInterval | null {
  let candidate: DataInterval | null;
  if (t.kind === 'manual') return null;
  if (t.kind === 'once') {
    candidate = hadRun ? null : { start: b.startDate, end: b.startDate };
  } else {
    candidate = intervalStartingAt(t, lastEnd ?? fireAtOrAfter(t, b.startDate));
    if (candidate && !b.catchup) {
      const l = latest === undefined ? latestCompleteInterval(t, now) : latest;
      if (l && l.start > candidate.start && l.start >= b.startDate) candidate = l;
    }
  }
  if (!candidate || candidate.end > now) return null;
  if (b.endDate && candidate.start > b.endDate) return null;
  return candidate;
}

/** The last interval of a cron schedule that has ended by `now` (what catchup off schedules). */
export function latestCompleteInterval(t: Timetable, now: Date): DataInterval | null {
  const end = fireAtOrBefore(t, now);
  const start = end && fireAtOrBefore(t, new Date(end.getTime() - 1));
  return start && end ? { start, end } : null;
}

/** When the next run will be due (for `dags list`), ignoring catchup skipping. */
export function nextRunAfter(
  t: Timetable,
  b: ScheduleBounds,
  lastEnd: Date | undefined,
  hadRun: boolean,
): DataInterval | null {
  if (t.kind === 'manual' || (t.kind === 'once' && hadRun)) return null;
  if (t.kind === 'once') return { start: b.startDate, end: b.startDate };
  const i = intervalStartingAt(t, lastEnd ?? fireAtOrAfter(t, b.startDate));
  return i && (!b.endDate || i.start <= b.endDate) ? i : null;
}

function intervalStartingAt(t: Timetable, start: Date | null): DataInterval | null {
  if (!start) return null;
  const end = fireAfter(t, start);
  return end ? { start, end } : null;
}

/** Every interval whose logical date (start) lies in [from, to]: what a backfill creates. */
export function intervalsBetween(t: Timetable, from: Date, to: Date, limit = 100_000): DataInterval[] {
  if (t.kind !== 'cron') return t.kind === 'once' ? [{ start: from, end: from }] : [];
  const out: DataInterval[] = [];
  let start = fireAtOrAfter(t, from);
  while (start && start <= to && out.length < limit) {
    const end = fireAfter(t, start);
    if (!end) break;
    out.push({ start, end });
    start = end;
  }
  return out;
}

/**
 * The interval of a manual run. Given a date, the interval that starts at the latest fire time at or
 * before it; without one, the latest complete interval (as Airflow infers it). Manual-only DAGs get
 * an empty interval at the date.
 */
export function manualInterval(t: Timetable, at: Date | undefined, now: Date): DataInterval {
  if (t.kind !== 'cron') return { start: at ?? now, end: at ?? now };
  if (at) {
    const start = fireAtOrBefore(t, at) ?? at;
    return { start, end: fireAfter(t, start) ?? start };
  }
  const end = fireAtOrBefore(t, now) ?? now;
  const start = fireAtOrBefore(t, new Date(end.getTime() - 1)) ?? end;
  return { start, end };
}
