import { SluiceError } from '../errors/errors';
import type { Queryable } from '../db/queryable';
import { recentRunNames, runByName, taskInstancesOfRun, type RunRow, type TaskInstanceRow } from '../state/run-listing';
import { didYouMean } from '../util/did-you-mean';

/** The DAG's run with this name, or a RUN_NOT_FOUND error with the closest run name. */
export async function findRun(db: Queryable, dagId: string, runId: string): Promise<RunRow> {
  const run = await runByName(db, dagId, runId);
  if (run) return run;
  throw new SluiceError(
    'RUN_NOT_FOUND',
    `DAG "${dagId}" has no run "${runId}"${didYouMean(runId, await recentRunNames(db, dagId))}; see \`sluice runs list --dag ${dagId}\``,
  );
}

/** The run's instance of this task, or TASK_NOT_FOUND with the closest task of the run. */
export async function findTaskInstance(
  db: Queryable,
  dagId: string,
  run: RunRow,
  taskId: string,
): Promise<TaskInstanceRow> {
  const tis = await taskInstancesOfRun(db, run.id);
  const ti = tis.find((t) => t.task_id === taskId);
  if (ti) return ti;
  throw new SluiceError(
    'TASK_NOT_FOUND',
    `run ${run.run_id} of DAG "${dagId}" has no task "${taskId}"${didYouMean(
      taskId,
      tis.map((t) => t.task_id),
    )}`,
  );
}
