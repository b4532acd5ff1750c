import type { JsonObject } from '../dag/types';
import { SluiceError } from '../errors/errors';
import type { Runtime } from './runtime';
import { findDag } from './find-dag';
import { failuresOfRun } from './run-outcome';
import { keptNotices, type KeptNotice } from './kept-notice';
import type { TaskFailure } from '../scheduler/task-failure';
import { countRuns, listRuns, taskInstancesOfRun, type RunRow } from '../state/run-listing';
import { findRun } from './find-run';
import { returnValuesOfRun } from '../state/task-returns';
import { didYouMean } from '../util/did-you-mean';
import { manualInterval } from '../timetables/data-interval';
import { parseSchedule } from '../timetables/timetable';

const RUN_STATES = ['queued', 'running', 'success', 'failed'] as const;
export const DEFAULT_RUN_LIMIT = 20;

/** A run as `sluice runs list` shows it. */
export interface RunListing {
  readonly dagId: string;
  readonly runId: string;
  readonly runType: string;
  readonly state: string;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date;
  readonly dataIntervalEnd: Date;
  readonly queuedAt: Date;
  readonly startDate: Date | null;
  readonly endDate: Date | null;
  readonly durationMs: number | null;
}

/** A run as `sluice runs show` shows it: its tasks, why the failed ones failed, what was kept. */
export interface RunDetail extends RunListing {
  readonly conf: JsonObject;
  readonly tasks: ReadonlyArray<{
    readonly taskId: string;
    readonly operator: string;
    readonly state: string;
    readonly tries: number;
    readonly maxTries: number;
    readonly startDate: Date | null;
    readonly endDate: Date | null;
    readonly durationMs: number | null;
  }>;
  readonly failures: readonly TaskFailure[];
  readonly kept: readonly KeptNotice[];
}

export function listing(r: RunRow): RunListing {
  return {
    dagId: r.dag_id,
    runId: r.run_id,
    runType: r.run_type,
    state: r.state,
    logicalDate: r.logical_date,
    dataIntervalStart: r.data_interval_start,
    dataIntervalEnd: r.data_interval_end,
    queuedAt: r.queued_at,
    startDate: r.start_date,
    endDate: r.end_date,
    durationMs: r.start_date && r.end_date ? r.end_date.getTime() - r.start_date.getTime() : null,
  };
}

/** Runs, newest first, of one DAG or all, in one state or any (Airflow's `dags list-runs`). */
export async function listDagRuns(
  rt: Runtime,
  filter: { readonly dagId?: string; readonly state?: string; readonly limit?: number; readonly offset?: number } = {},
): Promise<RunListing[]> {
  if (filter.state !== undefined && !(RUN_STATES as readonly string[]).includes(filter.state))
    throw new SluiceError(
      'USAGE',
      `--state must be one of ${RUN_STATES.join(', ')}, got "${filter.state}"${didYouMean(filter.state, RUN_STATES)}`,
    );
  const limit = filter.limit ?? DEFAULT_RUN_LIMIT;
  if (!Number.isInteger(limit) || limit < 1)
    throw new SluiceError('USAGE', `--limit must be a whole number >= 1, got ${limit}`);
  if (filter.dagId !== undefined) await findDag(rt.db, filter.dagId);
  return (await listRuns(rt.db, { dagId: filter.dagId, state: filter.state, limit, offset: filter.offset })).map(
    listing,
  );
}

/** The number of runs `listDagRuns` pages through (the API's `total`). */
export function countDagRuns(
  rt: Runtime,
  filter: { readonly dagId?: string; readonly state?: string },
): Promise<number> {
  return countRuns(rt.db, filter);
}

/** One run in full; RUN_NOT_FOUND (with the closest run name) when the DAG has no such run. */
export async function showRun(rt: Runtime, dagId: string, runId: string): Promise<RunDetail> {
  await findDag(rt.db, dagId);
  const run = await findRun(rt.db, dagId, runId);
  const tasks = await taskInstancesOfRun(rt.db, run.id);
  return {
    ...listing(run),
    conf: run.conf,
    tasks: tasks.map((t) => ({
      taskId: t.task_id,
      operator: t.operator,
      state: t.state,
      tries: t.try_number,
      maxTries: t.max_tries,
      startDate: t.start_date,
      endDate: t.end_date,
      durationMs: t.duration_ms,
    })),
    failures: await failuresOfRun(rt, dagId, run.id),
    kept: keptNotices(await returnValuesOfRun(rt.db, run.id)),
  };
}

/**
 * The DAG's run of the interval a trigger now would get (its latest complete one), if one exists:
 * `standalone --trigger` shows that run instead of starting the same day again.
 */
export async function runOfLatestInterval(
  rt: Runtime,
  dagId: string,
): Promise<{ id: number; runId: string } | undefined> {
  const dag = await findDag(rt.db, dagId);
  const s = dag.structure;
  const interval = manualInterval(parseSchedule(s.schedule, s.timezone), undefined, new Date());
  const r = (await listRuns(rt.db, { dagId, limit: 20 })).find(
    (x) => x.logical_date.getTime() === interval.start.getTime(),
  );
  return r && { id: r.id, runId: r.run_id };
}
