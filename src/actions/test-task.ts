import { rmSync } from 'node:fs';
import type { JsonObject, JsonValue } from '../dag/types';
import { checkConf } from '../dag/run-conf';
import { SluiceError } from '../errors/errors';
import { SqlProxy } from '../executor/sql-proxy';
import { WorkerSlot } from '../executor/worker-slot';
import { TryDirs } from '../executor/try-dirs';
import { NO_LEASE_MS } from '../executor/protocol';
import type { FromChild } from '../executor/protocol';
import { manualInterval } from '../timetables/data-interval';
import { parseSchedule } from '../timetables/timetable';
import type { Runtime } from './runtime';
import { closest } from '../util/did-you-mean';
import { findDag } from './find-dag';
import { returnValuesOfRunAt } from '../state/task-returns';
import { latestValidationId } from '../state/validations';
import { failedExpectations, failureFrom, type TaskFailure } from '../scheduler/task-failure';
import { keptNotice, type KeptNotice } from './kept-notice';
import { failureContext } from './run-outcome';

export interface TaskTestResult {
  readonly ok: boolean;
  readonly value?: JsonValue;
  readonly error?: string;
  readonly ms: number;
  /** Why it failed (its log was printed as it ran, so no log tail here). */
  readonly failure?: TaskFailure;
  /** Set when it kept what an earlier run landed. */
  readonly kept?: KeptNotice;
}

/**
 * Runs one task in a worker child, ignoring its dependencies and recording no state (Airflow's
 * `tasks test`). Upstream return values come from an existing run of the same logical date, if any.
 */
export async function testTask(
  rt: Runtime,
  dagId: string,
  taskId: string,
  date: Date | undefined,
  onLog: (text: string) => void,
  conf?: JsonObject,
): Promise<TaskTestResult> {
  if (conf !== undefined) checkConf(conf);
  const dag = await findDag(rt.db, dagId);
  const task = dag.structure.tasks.find((t) => t.id === taskId);
  if (!task) {
    const hint = closest(
      taskId,
      dag.structure.tasks.map((t) => t.id),
    );
    throw new SluiceError(
      'TASK_NOT_FOUND',
      `DAG "${dagId}" has no task "${taskId}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
    );
  }
  const interval = manualInterval(parseSchedule(dag.structure.schedule, dag.structure.timezone), date, new Date());
  const prior = await returnValuesOfRunAt(rt.db, dagId, interval.start, task.upstream);
  const validationsBefore = task.operator === 'checkpoint' ? await latestValidationId(rt.db) : undefined;
  const r = await runTry(rt, dag, task, interval, onLog, prior, conf);
  if (r.ok) {
    const kept = keptNotice(taskId, r.value);
    return kept ? { ...r, kept } : r;
  }
  const ctx = failureContext(rt);
  const expectations =
    validationsBefore === undefined
      ? []
      : await failedExpectations(rt.db, ctx, { dagId, taskId, afterId: validationsBefore });
  const failure = failureFrom({
    taskId,
    tryNumber: 1,
    error: r.error ?? null,
    dagsFolder: ctx.dagsFolder,
    expectations,
    logTail: [],
  });
  return { ...r, failure };
}

/** The try itself, in a worker child of this process. */
function runTry(
  rt: Runtime,
  dag: Awaited<ReturnType<typeof findDag>>,
  task: Awaited<ReturnType<typeof findDag>>['structure']['tasks'][number],
  interval: ReturnType<typeof manualInterval>,
  onLog: (text: string) => void,
  prior: Awaited<ReturnType<typeof returnValuesOfRunAt>>,
  conf: JsonObject | undefined,
): Promise<TaskTestResult> {
  const dagId = dag.dag_id;
  const taskId = task.id;
  const proxy = new SqlProxy(rt.db);
  const started = performance.now();
  const tiId = 0;
  const dirs = new TryDirs();
  const tmpDir = dirs.of(`test-${process.pid}-${Date.now()}`);
  return new Promise<TaskTestResult>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const end = (r: Omit<TaskTestResult, 'ms'>) => {
      clearTimeout(timer);
      slot.tiId = undefined;
      slot.kill();
      rmSync(tmpDir, { recursive: true, force: true });
      void proxy.abandon(tiId).then(() => resolve({ ...r, ms: performance.now() - started }));
    };
    const slot: WorkerSlot = new WorkerSlot(
      (_s, m: FromChild) => {
        if (m.type === 'log') onLog(m.text);
        else if (m.type === 'done') end(m.ok ? { ok: true, value: m.value } : { ok: false, error: m.error });
        else if (m.type === 'sql') void proxy.handle(tiId, m, (reply) => slot.child?.send(reply));
      },
      (_s, reason) => {
        if (slot.tiId !== undefined) end({ ok: false, error: `the worker process died (${reason})` });
      },
    );
    slot.tiId = tiId;
    const timeoutMs = task.executionTimeoutMs ?? rt.config.executor.defaultTimeoutMs;
    if (timeoutMs)
      timer = setTimeout(
        () => end({ ok: false, error: `task exceeded its execution timeout of ${timeoutMs / 1000}s` }),
        timeoutMs,
      );
    slot.send({
      type: 'run',
      job: {
        // A made-up claim: the try is no task instance of any run.
        tiId,
        file: dag.file_path,
        runPk: 0,
        versionId: dag.latest_version_id,
        dagId,
        taskId,
        runId: `test__${interval.start.toISOString()}`,
        runType: 'manual',
        tryNumber: 1,
        maxTries: 1,
        logicalDate: interval.start,
        dataIntervalStart: interval.start,
        dataIntervalEnd: interval.end,
        conf: conf ?? {},
        upstream: prior ?? {},
        warehouse: rt.db.kind === 'embedded' ? { mode: 'proxy' } : { mode: 'direct', url: rt.db.url },
        objectStore: rt.config.objectStore,
        config: rt.config,
        tmpDir,
        logLimitBytes: rt.config.executor.logLimitBytes,
        leaseMs: NO_LEASE_MS, // nothing else may take this try: no lease to renew
      },
    });
  });
}
