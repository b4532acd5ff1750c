/**
 * Clearing task instances (to run them again) and marking them success or failed, as Airflow's
 * "Clear" and "Mark success/failed": what the CLI, the web pages and the API call. A plan (the
 * dry run) lists exactly what the change would touch; the change takes the run's lock, so it
 * never races a try that is ending, and leaves queued and running tasks alone.
 */
import type { DagGraph } from '../dag/serialized-dag';
import { SluiceError } from '../errors/errors';
import { advanceRun } from '../scheduler/advance-run';
import { startRuns } from '../scheduler/start-runs';
import { recordEvent } from '../state/events';
import { lockRun } from '../state/runs';
import { taskInstancesOfRun, type RunRow } from '../state/run-listing';
import { markTaskInstance, resetTaskInstances } from '../state/task-interventions';
import { didYouMean } from '../util/did-you-mean';
import { findDag } from './find-dag';
import type { DagRow } from '../state/dags';
import { findRun, findTaskInstance } from './find-run';
import type { Runtime } from './runtime';

export interface ClearRequest {
  readonly dagId: string;
  readonly runId: string;
  /** The tasks to clear; with `downstream`/`upstream` also those after or before them. */
  readonly taskIds: readonly string[];
  readonly downstream?: boolean;
  readonly upstream?: boolean;
  /** Only tasks that failed or were never run because an upstream failed. */
  readonly onlyFailed?: boolean;
  /** Who asked (recorded with the event). */
  readonly by?: string;
}

export interface ClearPlan {
  readonly dagId: string;
  readonly runId: string;
  readonly tasks: ReadonlyArray<{ readonly taskId: string; readonly state: string }>;
}

const BUSY = new Set(['queued', 'running']);
const FAILED = new Set(['failed', 'upstream_failed']);

function closure(graph: DagGraph, roots: readonly string[], down: boolean, up: boolean): Set<string> {
  const out = new Set<string>(roots);
  const walk = (next: (id: string) => readonly string[]) => {
    const seen = new Set<string>(roots);
    const stack = [...roots];
    while (stack.length) {
      for (const n of next(stack.pop()!)) {
        if (seen.has(n)) continue;
        seen.add(n);
        out.add(n);
        stack.push(n);
      }
    }
  };
  if (down) walk((id) => graph.downstream.get(id) ?? []);
  if (up) walk((id) => graph.tasks.get(id)?.upstream ?? []);
  return out;
}

interface RunContext {
  readonly dag: DagRow;
  readonly run: RunRow;
  readonly graph: DagGraph;
}

async function runAndGraph(rt: Runtime, dagId: string, runId: string): Promise<RunContext> {
  const dag = await findDag(rt.db, dagId);
  const run = await findRun(rt.db, dagId, runId);
  return { dag, run, graph: (await rt.versions.get(run.dag_version_id)).graph };
}

/** What clearing would reset (Airflow's dry run): the tasks and the state each has now. */
export async function planClear(rt: Runtime, req: ClearRequest): Promise<ClearPlan> {
  return planIn(rt, req, await runAndGraph(rt, req.dagId, req.runId));
}

async function planIn(rt: Runtime, req: ClearRequest, { run, graph }: RunContext): Promise<ClearPlan> {
  if (!req.taskIds.length) throw new SluiceError('USAGE', 'name at least one task to clear');
  for (const id of req.taskIds)
    if (!graph.tasks.has(id))
      throw new SluiceError(
        'TASK_NOT_FOUND',
        `run ${run.run_id} of DAG "${req.dagId}" has no task "${id}"${didYouMean(id, graph.tasks.keys())}`,
      );
  const wanted = closure(graph, req.taskIds, req.downstream ?? true, req.upstream ?? false);
  const tasks = (await taskInstancesOfRun(rt.db, run.id))
    .filter((t) => wanted.has(t.task_id) && t.state !== 'none' && (!req.onlyFailed || FAILED.has(t.state)))
    .map((t) => ({ taskId: t.task_id, state: t.state }));
  const busy = tasks.filter((t) => BUSY.has(t.state));
  if (busy.length)
    throw new SluiceError(
      'STATE_CONFLICT',
      `${busy.map((t) => `${t.taskId} is ${t.state}`).join(', ')}: a task can be cleared once it has ended`,
    );
  return { dagId: req.dagId, runId: run.run_id, tasks };
}

/** Clears what `planClear` lists; the scheduler runs the tasks again as their upstreams allow. */
export async function clearTasks(rt: Runtime, req: ClearRequest): Promise<ClearPlan> {
  const ctx = await runAndGraph(rt, req.dagId, req.runId);
  const plan = await planIn(rt, req, ctx);
  if (!plan.tasks.length) return plan;
  const { dag, run, graph } = ctx;
  const runState = await rt.db.transaction(async (c) => {
    await lockRun(c, run.id);
    const out = await resetTaskInstances(
      c,
      run.id,
      plan.tasks.map((t) => ({ taskId: t.taskId, tries: (graph.tasks.get(t.taskId)?.retries ?? 0) + 1 })),
    );
    if (out.busy.length)
      throw new SluiceError(
        'STATE_CONFLICT',
        `${out.busy.join(', ')} started meanwhile: clear again once it has ended`,
      );
    await recordEvent(c, {
      kind: 'tasks_cleared',
      dagId: req.dagId,
      runId: run.id,
      message: `${req.by ?? 'someone'} cleared ${out.reset.join(', ')} in run ${run.run_id} of ${req.dagId}`,
      payload: { tasks: out.reset, by: req.by ?? null },
    });
    // A running run is evaluated now; a finished one was queued again and starts within max_active_runs.
    if (out.runState === 'running') await advanceRun(c, { id: run.id, dagId: req.dagId }, graph);
    return out.runState;
  });
  if (runState === 'queued' && !dag.is_paused)
    await startRuns(rt.db, rt.versions, req.dagId, dag.structure.maxActiveRuns);
  rt.db.notify('runs');
  rt.db.notify('tasks');
  return plan;
}

/** Sets a task instance's state (success or failed); its downstream tasks follow as after a real end. */
export async function markTask(
  rt: Runtime,
  req: { dagId: string; runId: string; taskId: string; state: 'success' | 'failed'; by?: string },
): Promise<{ was: string }> {
  const { run, graph } = await runAndGraph(rt, req.dagId, req.runId);
  const ti = await findTaskInstance(rt.db, req.dagId, run, req.taskId);
  if (BUSY.has(ti.state) || run.state === 'queued')
    throw new SluiceError(
      'STATE_CONFLICT',
      run.state === 'queued'
        ? `run ${run.run_id} has not started: its tasks cannot be marked yet`
        : `${req.taskId} is ${ti.state}: a task can be marked once it has ended`,
    );
  const was = await rt.db.transaction(async (c) => {
    await lockRun(c, run.id);
    const before = await markTaskInstance(c, run.id, req.taskId, req.state);
    if (before === undefined)
      throw new SluiceError('STATE_CONFLICT', `${req.taskId} started meanwhile: mark it once it has ended`);
    await recordEvent(c, {
      kind: 'task_marked',
      dagId: req.dagId,
      runId: run.id,
      taskId: req.taskId,
      message: `${req.by ?? 'someone'} marked ${req.taskId} ${req.state} (was ${before}) in run ${run.run_id} of ${req.dagId}`,
      payload: { from: before, to: req.state, by: req.by ?? null },
    });
    await advanceRun(c, { id: run.id, dagId: req.dagId }, graph, { changed: [req.taskId] });
    return before;
  });
  rt.db.notify('runs');
  rt.db.notify('tasks');
  return { was };
}
