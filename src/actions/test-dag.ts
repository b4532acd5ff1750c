import type { JsonObject } from '../dag/types';
import { syncDagFiles, type Runtime } from './runtime';
import { parseDate } from '../timetables/dates';
import { findDag } from './find-dag';
import { runReport, type TaskReport } from './run-report';
import { runToCompletion } from './run-to-completion';
import { triggerDag } from './trigger-dag';

export interface DagTestResult {
  readonly runId: string;
  readonly state: string;
  readonly tasks: TaskReport[];
}

/** `sluice dags test`: parse the DAG folder, run one run of the DAG here and now, report each task. */
export async function testDag(
  rt: Runtime,
  dagId: string,
  opts: { dateText?: string; conf?: JsonObject },
): Promise<DagTestResult> {
  await syncDagFiles(rt);
  const dag = await findDag(rt.db, dagId);
  const date = opts.dateText === undefined ? undefined : parseDate(opts.dateText, dag.structure.timezone, '--date');
  const run = await triggerDag(rt, dagId, { date, conf: opts.conf, runId: `test__${new Date().toISOString()}` });
  await runToCompletion(rt, [run.id]);
  const report = await runReport(rt.db, run.id);
  return { runId: report.runId, state: report.state, tasks: report.tasks };
}
