import type { JsonObject } from '../dag/types';
import { checkConf } from '../dag/run-conf';
import { isSluiceError, SluiceError } from '../errors/errors';
import { intervalsBetween, type DataInterval } from '../timetables/data-interval';
import { parseDate } from '../timetables/dates';
import { parseSchedule, type Timetable } from '../timetables/timetable';
import type { Runtime } from './runtime';
import { createBackfill, intervalRunsBetween } from '../state/backfills';
import type { DagRow } from '../state/dags';
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

/** How errors name the inputs: the CLI's options by default; the web form and the API name their fields. */
export interface BackfillFields {
  readonly start: string;
  readonly end: string;
  readonly maxRuns: string;
  /** How to confirm a range over the limit ("pass --yes"). */
  readonly yes: string;
  readonly conf: string;
}

const CLI_FIELDS: BackfillFields = {
  start: '--start',
  end: '--end',
  maxRuns: '--max-runs',
  yes: 'pass --yes',
  conf: '--conf',
};

export interface BackfillOptions {
  readonly conf?: JsonObject;
  /** More intervals than this need `yes` or `confirm` (default DEFAULT_MAX_RUNS). */
  readonly maxRuns?: number;
  readonly yes?: boolean;
  /** Asked when the range is over `maxRuns` and `yes` is not set (a prompt on a terminal); false cancels. */
  readonly confirm?: (runs: string, maxRuns: number) => Promise<boolean>;
  /** Who asked (the web UI and API record it). */
  readonly by?: string;
  readonly fields?: BackfillFields;
}

/** The range resolved: the DAG, its timetable and the intervals counted (up to `probe` + 1). */
interface BackfillRange {
  readonly dag: DagRow;
  readonly timetable: Timetable;
  readonly from: Date;
  readonly to: Date;
  readonly intervals: DataInterval[];
  /** Where counting stopped: more intervals than this means the count is a lower bound. */
  readonly probe: number;
  readonly maxRuns: number;
  readonly describe: string;
  readonly fields: BackfillFields;
}

const n = (x: number) => x.toLocaleString('en-US');

/** A date the user typed: a mistake in it is a usage error (a 400 on the web), naming the field. */
function dateOf(value: string, tz: string, what: string): Date {
  try {
    return parseDate(value, tz, what);
  } catch (e) {
    throw isSluiceError(e) ? new SluiceError('USAGE', e.message) : e;
  }
}

async function resolveRange(
  rt: Runtime,
  dagId: string,
  start: string,
  end: string,
  opts: BackfillOptions,
): Promise<BackfillRange> {
  const f = opts.fields ?? CLI_FIELDS;
  const maxRuns = opts.maxRuns ?? DEFAULT_MAX_RUNS;
  if (!Number.isInteger(maxRuns) || maxRuns < 1 || maxRuns > HARD_MAX_RUNS) {
    throw new SluiceError('USAGE', `${f.maxRuns} must be a whole number from 1 to ${n(HARD_MAX_RUNS)}, got ${maxRuns}`);
  }
  if (opts.conf !== undefined) checkConf(opts.conf, f.conf);
  const dag = await findDag(rt.db, dagId);
  const s = dag.structure;
  const timetable = parseSchedule(s.schedule, s.timezone);
  if (timetable.kind !== 'cron')
    throw new SluiceError(
      'USAGE',
      `${dagId} has no cron schedule (${s.schedule ?? 'manual only'}); trigger it instead`,
    );
  if (!start.trim()) throw new SluiceError('USAGE', `${f.start} is required: the first logical date`);
  if (!end.trim()) throw new SluiceError('USAGE', `${f.end} is required: the last logical date`);
  const from = dateOf(start, s.timezone, f.start);
  const to = dateOf(end, s.timezone, f.end);
  if (to < from) throw new SluiceError('USAGE', `${f.end} is before ${f.start}`);
  // Counting costs a cron step per interval, so without --yes it stops a good way past the limit.
  const probe = opts.yes ? HARD_MAX_RUNS : Math.min(HARD_MAX_RUNS, Math.max(10 * maxRuns, 10_000));
  const intervals = intervalsBetween(timetable, from, to, probe + 1);
  if (!intervals.length) throw new SluiceError('USAGE', `no ${s.schedule} interval starts between ${start} and ${end}`);
  const describe = `backfill of ${dagId} from ${start} to ${end} (schedule "${s.schedule}")`;
  const range = { dag, timetable, from, to, intervals, probe, maxRuns, describe, fields: f };
  if (intervals.length > HARD_MAX_RUNS) throw tooMany(range);
  return range;
}

const tooMany = (r: BackfillRange) =>
  new SluiceError(
    'USAGE',
    `${r.describe} covers more than ${n(HARD_MAX_RUNS)} intervals, the most one backfill creates: split the range`,
  );

/** The count of the range's intervals as a sentence part: exact, or "more than N" where counting stopped. */
const countText = (r: BackfillRange) =>
  r.intervals.length > r.probe ? `more than ${n(r.probe)}` : n(r.intervals.length);

export interface BackfillInterval {
  readonly logicalDate: Date;
  readonly dataIntervalEnd: Date;
  /** The run this interval already has (a scheduled or backfill run): the backfill leaves it alone. */
  readonly existing?: { readonly runId: string; readonly state: string; readonly runType: string };
}

/** What a backfill would do, changing nothing (the web UI's preview, the API's dry run). */
export interface BackfillPreview {
  readonly dagId: string;
  readonly from: Date;
  readonly to: Date;
  readonly schedule: string;
  readonly timezone: string;
  /** Intervals counted; with `countIsLowerBound`, counting stopped there. */
  readonly intervalCount: number;
  readonly countIsLowerBound: boolean;
  readonly toCreate: number;
  readonly skipped: number;
  readonly maxRuns: number;
  /** More intervals than maxRuns: creating them needs an explicit confirmation. */
  readonly needsConfirmation: boolean;
  readonly intervals: readonly BackfillInterval[];
}

/** The dry run of planBackfill: the intervals of [start, end], which already have a run, whether it needs confirming. */
export async function previewBackfill(
  rt: Runtime,
  dagId: string,
  start: string,
  end: string,
  opts: BackfillOptions = {},
): Promise<BackfillPreview> {
  const r = await resolveRange(rt, dagId, start, end, opts);
  const lowerBound = r.intervals.length > r.probe;
  const intervals = lowerBound ? r.intervals.slice(0, r.probe) : r.intervals;
  const last = intervals[intervals.length - 1].start;
  const existing = new Map(
    (await intervalRunsBetween(rt.db, dagId, r.from, last)).map((x) => [x.logical_date.getTime(), x] as const),
  );
  const listed = intervals.map((i): BackfillInterval => {
    const e = existing.get(i.start.getTime());
    return {
      logicalDate: i.start,
      dataIntervalEnd: i.end,
      ...(e ? { existing: { runId: e.run_id, state: e.state, runType: e.run_type } } : {}),
    };
  });
  const skipped = listed.filter((i) => i.existing).length;
  return {
    dagId,
    from: r.from,
    to: r.to,
    schedule: r.dag.structure.schedule ?? '',
    timezone: r.dag.structure.timezone,
    intervalCount: listed.length,
    countIsLowerBound: lowerBound,
    toCreate: listed.length - skipped,
    skipped,
    maxRuns: r.maxRuns,
    needsConfirmation: lowerBound || listed.length > r.maxRuns,
    intervals: listed,
  };
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
  const r = await resolveRange(rt, dagId, start, end, opts);
  const { dag, maxRuns, fields: f } = r;
  let intervals = r.intervals;
  if (intervals.length > maxRuns && !opts.yes) {
    const count = countText(r);
    const ok = opts.confirm ? await opts.confirm(count, maxRuns) : false;
    if (!ok) {
      throw new SluiceError(
        'USAGE',
        opts.confirm
          ? `${r.describe} cancelled: nothing was created`
          : `${r.describe} would create ${count} runs, more than the limit of ${n(maxRuns)} (${f.maxRuns}): ${f.yes} to create ${intervals.length > r.probe ? 'them' : `all ${count}`}, or narrow ${f.start}/${f.end}`,
      );
    }
    if (intervals.length > r.probe) intervals = intervalsBetween(r.timetable, r.from, r.to, HARD_MAX_RUNS + 1);
    if (intervals.length > HARD_MAX_RUNS) throw tooMany(r);
  }
  const plan = await rt.db.transaction(async (c) => {
    const backfillId = await createBackfill(c, { dagId, from: r.from, to: r.to, conf: opts.conf, createdBy: opts.by });
    const runIds: number[] = [];
    for (const interval of intervals) {
      const run = await createRun(c, {
        dagId,
        versionId: dag.latest_version_id,
        structure: dag.structure,
        runType: 'backfill',
        interval,
        backfillId,
        conf: opts.conf,
      });
      if (run) runIds.push(run.id);
    }
    return { backfillId, runIds, skipped: intervals.length - runIds.length };
  });
  rt.db.notify('runs');
  return plan;
}
