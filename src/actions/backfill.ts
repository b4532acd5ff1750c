import type { JsonObject } from '../dag/types';
import { checkConf } from '../dag/run-conf';
import { SluiceError } from '../errors/errors';
import { intervalsBetween } from '../timetables/data-interval';
import { parseDate } from '../timetables/dates';
import { parseSchedule } from '../timetables/timetable';
import type { Runtime } from './runtime';
import { createBackfill } from '../state/backfills';
import { createRun } from '../state/runs';
import { findDag } from './find-dag';

/** Above this many runs a backfill asks for confirmation (`--yes`); `--max-runs` moves it. */
export const DEFAULT_MAX_RUNS = 1_000;
/** No backfill creates more runs than this, confirmed or not: split the range. */
export const HARD_MAX_RUNS = 100_000;

export interface BackfillPlan {
  readonly backfillId: number;
  readonly runIds: number[];
  /** Intervals that already had a scheduled or backfill run and were left alone. */
  readonly skipped: number;
}

export interface BackfillOptions {
  readonly conf?: JsonObject;
  /** More intervals than this need `yes` or `confirm` (default DEFAULT_MAX_RUNS). */
  readonly maxRuns?: number;
  readonly yes?: boolean;
  /** Asked when the range is over `maxRuns` and `yes` is not set (a prompt on a terminal); false cancels. */
  readonly confirm?: (runs: string, maxRuns: number) => Promise<boolean>;
}

/**
 * Creates backfill runs for every interval whose logical date lies in [start, end] (dates in the
 * DAG's timezone). They start as max_active_runs allows, like any run. The intervals are counted
 * first: a range of hundreds of thousands of runs was started without a word and cut at 100,000
 * silently; now over `maxRuns` it needs a confirmation, and over HARD_MAX_RUNS it is refused.
 */
export async function planBackfill(
  rt: Runtime,
  dagId: string,
  start: string,
  end: string,
  opts: BackfillOptions = {},
): Promise<BackfillPlan> {
  const maxRuns = opts.maxRuns ?? DEFAULT_MAX_RUNS;
  if (!Number.isInteger(maxRuns) || maxRuns < 1 || maxRuns > HARD_MAX_RUNS) {
    throw new SluiceError(
      'USAGE',
      `--max-runs must be a whole number from 1 to ${HARD_MAX_RUNS.toLocaleString('en-US')}, got ${maxRuns}`,
    );
  }
  if (opts.conf !== undefined) checkConf(opts.conf);
  const dag = await findDag(rt.db, dagId);
  const s = dag.structure;
  const timetable = parseSchedule(s.schedule, s.timezone);
  if (timetable.kind !== 'cron')
    throw new SluiceError(
      'USAGE',
      `${dagId} has no cron schedule (${s.schedule ?? 'manual only'}); trigger it instead`,
    );
  const from = parseDate(start, s.timezone, '--start');
  const to = parseDate(end, s.timezone, '--end');
  if (to < from) throw new SluiceError('USAGE', '--end is before --start');
  // Counting costs a cron step per interval, so without --yes it stops a good way past the limit.
  const probe = opts.yes ? HARD_MAX_RUNS : Math.min(HARD_MAX_RUNS, Math.max(10 * maxRuns, 10_000));
  let intervals = intervalsBetween(timetable, from, to, probe + 1);
  if (!intervals.length) throw new SluiceError('USAGE', `no ${s.schedule} interval starts between ${start} and ${end}`);
  const range = `backfill of ${dagId} from ${start} to ${end} (schedule "${s.schedule}")`;
  const tooMany = () =>
    new SluiceError(
      'USAGE',
      `${range} covers more than ${HARD_MAX_RUNS.toLocaleString('en-US')} intervals, the most one backfill creates: split the range`,
    );
  if (intervals.length > HARD_MAX_RUNS) throw tooMany();
  if (intervals.length > maxRuns && !opts.yes) {
    const n =
      intervals.length > probe
        ? `more than ${probe.toLocaleString('en-US')}`
        : intervals.length.toLocaleString('en-US');
    const ok = opts.confirm ? await opts.confirm(n, maxRuns) : false;
    if (!ok) {
      throw new SluiceError(
        'USAGE',
        opts.confirm
          ? `${range} cancelled: nothing was created`
          : `${range} would create ${n} runs, more than the limit of ${maxRuns.toLocaleString('en-US')} (--max-runs): pass --yes to create ${intervals.length > probe ? 'them' : `all ${n}`}, or narrow --start/--end`,
      );
    }
    if (intervals.length > probe) intervals = intervalsBetween(timetable, from, to, HARD_MAX_RUNS + 1);
    if (intervals.length > HARD_MAX_RUNS) throw tooMany();
  }
  return rt.db.transaction(async (c) => {
    const backfillId = await createBackfill(c, dagId, from, to);
    const runIds: number[] = [];
    for (const interval of intervals) {
      const run = await createRun(c, {
        dagId,
        versionId: dag.latest_version_id,
        structure: s,
        runType: 'backfill',
        interval,
        backfillId,
        conf: opts.conf,
      });
      if (run) runIds.push(run.id);
    }
    return { backfillId, runIds, skipped: intervals.length - runIds.length };
  });
}
