import { SluiceError } from '../errors/errors';
import { intervalsBetween } from '../schedule/data-interval';
import { parseDate } from '../schedule/dates';
import { parseSchedule } from '../schedule/timetable';
import type { Runtime } from '../runtime/runtime';
import { createRun } from '../state/runs';
import { findDag } from './find-dag';

export interface BackfillPlan {
  readonly backfillId: number;
  readonly runIds: number[];
  /** Intervals that already had a scheduled or backfill run and were left alone. */
  readonly skipped: number;
}

/**
 * Creates backfill runs for every interval whose logical date lies in [start, end] (dates in the
 * DAG's timezone). They start as max_active_runs allows, like any run.
 */
export async function planBackfill(rt: Runtime, dagId: string, start: string, end: string): Promise<BackfillPlan> {
  const dag = await findDag(rt.db, dagId);
  const s = dag.structure;
  const timetable = parseSchedule(s.schedule, s.timezone);
  if (timetable.kind !== 'cron') throw new SluiceError('USAGE', `${dagId} has no cron schedule (${s.schedule ?? 'manual only'}); trigger it instead`);
  const from = parseDate(start, s.timezone, '--start');
  const to = parseDate(end, s.timezone, '--end');
  if (to < from) throw new SluiceError('USAGE', '--end is before --start');
  const intervals = intervalsBetween(timetable, from, to);
  if (!intervals.length) throw new SluiceError('USAGE', `no ${s.schedule} interval starts between ${start} and ${end}`);
  return rt.db.transaction(async (c) => {
    const b = await c.query<{ id: number }>(`INSERT INTO sluice.backfill (dag_id, from_date, to_date) VALUES ($1, $2, $3) RETURNING id`, [dagId, from, to]);
    const runIds: number[] = [];
    for (const interval of intervals) {
      const run = await createRun(c, { dagId, versionId: dag.latest_version_id, structure: s, runType: 'backfill', interval, backfillId: b.rows[0].id });
      if (run) runIds.push(run.id);
    }
    return { backfillId: b.rows[0].id, runIds, skipped: intervals.length - runIds.length };
  });
}
