import { SluiceError } from '../errors/errors';
import type { Queryable } from '../db/queryable';
import { didYouMean } from '../util/did-you-mean';
import { findDag } from './find-dag';
import { latestRunWithTask } from '../state/run-listing';
import { findRun, findTaskInstance } from './find-run';
import { readLog } from '../state/task-instances';
import { logChunksAfter, tryIsRunning } from '../state/task-tries';

/** One try of one task instance: what `sluice tasks logs` prints. */
export interface TaskTry {
  readonly dagId: string;
  readonly taskId: string;
  readonly runId: string;
  readonly tiId: number;
  readonly tryNumber: number;
  /** Tries the task instance has had (started) so far. */
  readonly tries: number;
  readonly state: string;
}

/**
 * The try whose log is wanted: of the named run or the DAG's newest run that has the task, and the
 * given try or the latest. Each miss is an error naming the DAG, task, run or try, with a hint.
 */
export async function findTaskTry(
  db: Queryable,
  dagId: string,
  taskId: string,
  opts: { readonly runId?: string; readonly tryNumber?: number } = {},
): Promise<TaskTry> {
  const dag = await findDag(db, dagId);
  const run =
    opts.runId === undefined ? await latestRunWithTask(db, dagId, taskId) : await findRun(db, dagId, opts.runId);
  if (!run) {
    const ids = dag.structure.tasks.map((t) => t.id);
    if (!ids.includes(taskId))
      throw new SluiceError('TASK_NOT_FOUND', `DAG "${dagId}" has no task "${taskId}"${didYouMean(taskId, ids)}`);
    throw new SluiceError(
      'RUN_NOT_FOUND',
      `no run of DAG "${dagId}" has task "${taskId}" yet: trigger or test the DAG first (\`sluice dags test ${dagId}\`)`,
    );
  }
  const ti = await findTaskInstance(db, dagId, run, taskId);
  const of = `task "${taskId}" of run ${run.run_id} of DAG "${dagId}"`;
  if (ti.try_number === 0)
    throw new SluiceError('RUN_NOT_FOUND', `${of} has not started yet (state ${ti.state}): no log`);
  const tryNumber = opts.tryNumber ?? ti.try_number;
  if (!Number.isInteger(tryNumber) || tryNumber < 1 || tryNumber > ti.try_number)
    throw new SluiceError(
      'USAGE',
      `${of} has no try ${tryNumber}: it has had ${ti.try_number} (--try 1${ti.try_number > 1 ? `..${ti.try_number}` : ''})`,
    );
  return {
    dagId,
    taskId,
    runId: run.run_id,
    tiId: ti.id,
    tryNumber,
    tries: ti.try_number,
    state: tryNumber === ti.try_number ? ti.state : 'ended',
  };
}

/** The try's log as written so far. */
export function taskTryLog(db: Queryable, t: TaskTry): Promise<string> {
  return readLog(db, t.tiId, t.tryNumber);
}

/**
 * Hands the try's log to `write` as it is written (the executor writes it at every heartbeat), until
 * the try ends; then the rest, which the try's end writes in the same transaction as its state.
 */
export async function followTaskTryLog(
  db: Queryable,
  t: TaskTry,
  write: (text: string) => void,
  pollMs = 500,
): Promise<void> {
  let last = 0;
  const drain = async () => {
    for (const c of await logChunksAfter(db, t.tiId, t.tryNumber, last)) {
      write(c.content);
      last = c.id;
    }
  };
  for (;;) {
    const running = await tryIsRunning(db, t.tiId, t.tryNumber);
    await drain();
    if (!running) return;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
