import type { Runtime } from './runtime';
import { runReport, type TaskReport } from './run-report';
import { keptNotices, type KeptNotice } from './kept-notice';
import { describeFailure, failedTaskRef, type FailureContext, type TaskFailure } from '../scheduler/task-failure';
import { failedTriesOfRun } from '../state/task-tries';
import { returnValuesOfRun } from '../state/task-returns';

/** A finished run as `dags test` and `backfill` print it: each task, why the failed ones failed, what was kept. */
export interface RunOutcomeReport {
  readonly runId: string;
  readonly state: string;
  readonly tasks: TaskReport[];
  readonly failures: TaskFailure[];
  readonly kept: KeptNotice[];
}

export function failureContext(rt: Runtime): FailureContext {
  return { dagsFolder: rt.config.dagsFolder, dataDocsDir: rt.config.dataDocsDir };
}

/** Why each failed task of the run failed (error and file:line, log tail, failed expectations). */
export async function failuresOfRun(rt: Runtime, dagId: string, runPk: number): Promise<TaskFailure[]> {
  const ctx = failureContext(rt);
  const failed = await failedTriesOfRun(rt.db, runPk);
  return Promise.all(failed.map((t) => describeFailure(rt.db, ctx, failedTaskRef(dagId, runPk, t))));
}

export async function runOutcome(rt: Runtime, runPk: number): Promise<RunOutcomeReport> {
  const { dagId, ...report } = await runReport(rt.db, runPk);
  return {
    ...report,
    failures: await failuresOfRun(rt, dagId, runPk),
    kept: keptNotices(await returnValuesOfRun(rt.db, runPk)),
  };
}
