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
import { eventsOfTaskInstance, validationsOfTask, type TaskEventRow } from '../state/task-outputs';
import { ingestionOfTask, type IngestionRow } from '../state/data-catalog';

/** One object landed or one load, as the task instance shows it (the task and run are the page's). */
export type TaskIngestion = Omit<IngestionRow, 'id' | 'dag_id' | 'run_id' | 'task_id'>;
import { validationReport, type ValidationReport } from './validations';

type Try = Omit<EndedTry, 'end_date'> & { end_date: Date | null };

/** One line of a task instance's state history: when, the state it moved to (if any), what happened. */
export interface HistoryEntry {
  readonly at: Date;
  readonly state?: string;
  readonly tryNumber?: number;
  readonly text: string;
}

/** A task instance as its page and the API show it: the task, every try, its return value, why it failed. */
export interface TaskInstanceDetail {
  readonly dagId: string;
  readonly timezone: string;
  readonly run: RunRow;
  readonly instance: TaskInstanceRow;
  readonly task: TaskStructure | undefined;
  /** Every try so far: ended ones from the try history, the current one from the instance. */
  readonly tries: readonly Try[];
  readonly returnValue: JsonValue | undefined;
  readonly failure: TaskFailure | undefined;
  /** Objects it landed and tables it loaded (rows, bytes, checksum, partition). */
  readonly ingestion: readonly TaskIngestion[];
  /** The suites it validated (a checkpoint), each with every expectation's result. */
  readonly validations: readonly ValidationReport[];
  /** Tries starting and ending, retries, clears and marks, oldest first. */
  readonly history: readonly HistoryEntry[];
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
            details: null,
          },
        ]
      : [];
  const tries = [...ended, ...current];
  const failed = instance.state === 'failed' ? await failedTryOf(rt.db, run.id, taskId) : undefined;
  const [ingestion, validations, events] = await Promise.all([
    ingestionOfTask(rt.db, run.id, taskId),
    validationsOfTask(rt.db, run.id, taskId),
    eventsOfTaskInstance(rt.db, run.id, taskId),
  ]);
  return {
    dagId,
    timezone: dag.structure.timezone,
    run,
    instance,
    task: dag.structure.tasks.find((t) => t.id === taskId),
    tries,
    returnValue: (await returnValuesOfRun(rt.db, run.id))[taskId],
    failure: failed
      ? await describeFailure(rt.db, failureContext(rt), failedTaskRef(dagId, run.id, failed))
      : undefined,
    ingestion: ingestion.map(({ id: _id, dag_id: _dag, run_id: _run, task_id: _task, ...x }) => x),
    validations: validations.map((v) => validationReport(v, rt.config.dataDocsDir)),
    history: historyOf(tries, events),
  };
}

/** The tries' starts and ends merged with the events about the task instance, by time. */
function historyOf(tries: readonly Try[], events: readonly TaskEventRow[]): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const t of tries) {
    if (t.start_date)
      out.push({
        at: t.start_date,
        state: 'running',
        tryNumber: t.try_number,
        text: `try ${t.try_number} started${t.hostname ? ` on ${t.hostname}` : ''}`,
      });
    if (t.end_date && t.state !== 'running')
      out.push({
        at: t.end_date,
        state: t.state,
        tryNumber: t.try_number,
        text: `try ${t.try_number} ended ${t.state}`,
      });
  }
  for (const e of events) {
    // A try's failure is already its end (and the page says why it failed).
    if (e.kind === 'task_failed' || e.kind === 'task_retry') continue;
    const by = typeof e.payload.by === 'string' ? e.payload.by : 'someone';
    const text =
      e.kind === 'tasks_cleared'
        ? `cleared by ${by}: it runs again`
        : e.kind === 'task_marked'
          ? `marked ${String(e.payload.to)} by ${by} (was ${String(e.payload.from)})`
          : e.message;
    const state = e.kind === 'tasks_cleared' ? 'none' : e.kind === 'task_marked' ? String(e.payload.to) : undefined;
    out.push({
      at: e.created_at,
      ...(state ? { state } : {}),
      ...(e.try_number ? { tryNumber: e.try_number } : {}),
      text,
    });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
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
