import type { Runtime } from './runtime';
import { SluiceError } from '../errors/errors';
import type { JsonValue } from '../dag/types';
import type { TaskStructure } from '../dag/serialized-dag';
import { findDag } from './find-dag';
import { findRun, findTaskInstance } from './find-run';
import { failureContext } from './run-outcome';
import type { RunRow, TaskInstanceRow } from '../state/run-listing';
import { endedTriesOf, failedTryOf, type EndedTry } from '../state/task-tries';
import { returnValuesOfRun } from '../state/task-returns';
import { describeFailure, failedTaskRef, type TaskFailure } from '../scheduler/task-failure';
import { readLog } from '../state/task-instances';

/** A task instance as its page and the API show it: the task, every try, its return value, why it failed. */
export interface TaskInstanceDetail {
  readonly dagId: string;
  readonly timezone: string;
  readonly run: RunRow;
  readonly instance: TaskInstanceRow;
  readonly task: TaskStructure | undefined;
  /** Every try so far: ended ones from the try history, the current one from the instance. */
  readonly tries: ReadonlyArray<Omit<EndedTry, 'end_date'> & { end_date: Date | null }>;
  readonly returnValue: JsonValue | undefined;
  readonly failure: TaskFailure | undefined;
}

export async function taskInstanceDetail(
  rt: Runtime,
  dagId: string,
  runId: string,
  taskId: string,
): Promise<TaskInstanceDetail> {
  const dag = await findDag(rt.db, dagId);
  const run = await findRun(rt.db, dagId, runId);
  const instance = await findTaskInstance(rt.db, dagId, run, taskId);
  const ended = await endedTriesOf(rt.db, instance.id);
  const current =
    instance.try_number > 0 && !ended.some((t) => t.try_number === instance.try_number)
      ? [
          {
            try_number: instance.try_number,
            state: instance.state,
            hostname: null,
            start_date: instance.start_date,
            end_date: instance.end_date,
            duration_ms: instance.duration_ms,
            error: null,
          },
        ]
      : [];
  const failed = instance.state === 'failed' ? await failedTryOf(rt.db, run.id, taskId) : undefined;
  return {
    dagId,
    timezone: dag.structure.timezone,
    run,
    instance,
    task: dag.structure.tasks.find((t) => t.id === taskId),
    tries: [...ended, ...current],
    returnValue: (await returnValuesOfRun(rt.db, run.id))[taskId],
    failure: failed
      ? await describeFailure(rt.db, failureContext(rt), failedTaskRef(dagId, run.id, failed))
      : undefined,
  };
}

/** The log of one try of a task instance; USAGE when it has no such try. */
export async function taskInstanceLog(rt: Runtime, d: TaskInstanceDetail, tryNumber: number): Promise<string> {
  if (!d.tries.some((t) => t.try_number === tryNumber))
    throw new SluiceError(
      'USAGE',
      `task "${d.instance.task_id}" of run ${d.run.run_id} has no try ${tryNumber} (it has had ${d.instance.try_number})`,
    );
  return readLog(rt.db, d.instance.id, tryNumber);
}
