import type { JsonObject } from '../dag/types';
import { syncDagFiles, type Runtime } from './runtime';
import { parseDate } from '../timetables/dates';
import { findDagToRun } from './find-dag';
import { runOutcome, type RunOutcomeReport } from './run-outcome';
import { runToCompletion } from './run-to-completion';
import { triggerDag } from './trigger-dag';

/** Each task's state, why the failed ones failed, and what re-runs kept. */
export type DagTestResult = RunOutcomeReport;

/** `sluice dags test`: parse the DAG folder, run one run of the DAG here and now, report each task and each failure. */
export async function testDag(
  rt: Runtime,
  dagId: string,
  opts: { dateText?: string; conf?: JsonObject },
): Promise<DagTestResult> {
  await syncDagFiles(rt);
  const dag = await findDagToRun(rt.db, dagId, rt.config.dagsFolder);
  const date = opts.dateText === undefined ? undefined : parseDate(opts.dateText, dag.structure.timezone, '--date');
  const run = await triggerDag(rt, dagId, { date, conf: opts.conf, runId: `test__${new Date().toISOString()}` });
  await runToCompletion(rt, [run.id]);
  return runOutcome(rt, run.id);
}
