import type { JsonObject, RunType } from '../dag/types';
import { SluiceError } from '../errors/errors';
import { manualInterval, type DataInterval } from '../timetables/data-interval';
import { parseSchedule } from '../timetables/timetable';
import type { Runtime } from './runtime';
import { createRun } from '../state/runs';
import { startRuns } from '../scheduler/start-runs';
import { findDag } from './find-dag';
import { checkConf } from '../dag/run-conf';

export interface TriggerOptions {
  /** Logical date; the run gets the schedule's interval that contains it. Default: the latest complete interval. */
  readonly date?: Date;
  readonly conf?: JsonObject;
  readonly runType?: RunType;
  readonly runId?: string;
  readonly backfillId?: number;
  readonly interval?: DataInterval;
}

/** Creates a run now (Airflow's "trigger DAG") and starts it if max_active_runs allows. */
export async function triggerDag(
  rt: Runtime,
  dagId: string,
  opts: TriggerOptions = {},
): Promise<{ id: number; runId: string; interval: DataInterval }> {
  if (opts.conf !== undefined) checkConf(opts.conf);
  const dag = await findDag(rt.db, dagId);
  const s = dag.structure;
  const interval = opts.interval ?? manualInterval(parseSchedule(s.schedule, s.timezone), opts.date, new Date());
  const runType = opts.runType ?? 'manual';
  const runId = opts.runId ?? (runType === 'manual' ? `manual__${new Date().toISOString()}` : undefined);
  const created = await createRun(rt.db, {
    dagId,
    versionId: dag.latest_version_id,
    structure: s,
    runType,
    interval,
    conf: opts.conf,
    runId,
    backfillId: opts.backfillId,
  });
  if (!created)
    throw new SluiceError(
      'STATE_CONFLICT',
      `${dagId} already has a ${runType} run for ${interval.start.toISOString()}`,
    );
  if (!dag.is_paused) await startRuns(rt.db, rt.versions, dagId, s.maxActiveRuns);
  rt.db.notify('runs');
  return { ...created, interval };
}
