import { SluiceError } from '../errors/errors';
import { listTaskInstances as listStored, type TaskInstanceFilter } from '../state/task-instance-listing';
import { TASK_STATES } from '../state/task-states';
import { didYouMean } from '../util/did-you-mean';
import { findDag } from './find-dag';
import type { Runtime } from './runtime';

/** Task instances across runs (and DAGs), filtered; an unknown DAG or state is an error, not an empty list. */
export async function listTaskInstances(
  rt: Runtime,
  f: TaskInstanceFilter,
  page: { readonly limit: number; readonly offset: number },
) {
  if (f.runId !== undefined && f.dagId === undefined)
    throw new SluiceError('USAGE', 'run_id names a run within a DAG: give dag_id too');
  for (const s of f.states ?? [])
    if (!(TASK_STATES as readonly string[]).includes(s))
      throw new SluiceError('USAGE', `unknown task state "${s}"${didYouMean(s, TASK_STATES)}`);
  if (f.dagId !== undefined) await findDag(rt.db, f.dagId);
  return listStored(rt.db, f, page);
}
