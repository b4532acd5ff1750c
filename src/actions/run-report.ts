import type { Queryable } from '../db/queryable';
import { runSummary, taskReports, type TaskReport } from '../state/run-reports';

export type { TaskReport };

/** Each task of a run in graph order (by start time, then id), for printing. */
export async function runReport(
  db: Queryable,
  runPk: number,
): Promise<{ state: string; runId: string; dagId: string; tasks: TaskReport[] }> {
  const run = await runSummary(db, runPk);
  const tasks = await taskReports(db, runPk);
  return { state: run?.state as string, runId: run?.run_id as string, dagId: run?.dag_id as string, tasks };
}
