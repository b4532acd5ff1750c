import type { DagGraph } from '../dag/serialized-dag';
import type { Queryable } from '../db/queryable';
import type { TaskState } from '../state/task-states';
import { finishRun } from '../state/runs';
import { runDoneSql, setUndecidedStatesSql, taskStatesOfRun } from '../state/run-evaluation';
import { queueScheduledSql } from '../state/task-queue';
import { runStatements } from '../db/statement-batch';
import { decide } from './trigger-rules';

export interface RunRef {
  readonly id: number;
  readonly dagId: string;
}

export interface AdvanceResult {
  readonly queued: number;
  readonly finished: 'success' | 'failed' | null;
}

export interface AdvanceOptions {
  /** Tasks that just finished; omitted means every task is evaluated (a run's start, the stuck-run sweep). */
  readonly changed?: readonly string[];
  /** States already read in this transaction under the run's lock, so they need no second read. */
  readonly known?: ReadonlyMap<string, TaskState>;
  /** Commit the caller's transaction with the last statement batch: one round trip fewer per completion. */
  readonly commit?: boolean;
}

/**
 * Evaluates the tasks of one run after `changed` tasks finished (or every task): ready tasks become
 * scheduled (then queued within max_active_tasks), tasks whose trigger rule can no longer be met
 * become upstream_failed or skipped, and a run with nothing left to do ends. The caller holds the
 * run's row lock (`lockRun`, state/runs.ts), so concurrent completions in one run are evaluated one
 * after another and no readiness is missed.
 */
export async function advanceRun(
  db: Queryable,
  run: RunRef,
  graph: DagGraph,
  opts: AdvanceOptions = {},
): Promise<AdvanceResult> {
  const updates = await planUpdates(db, run, graph, opts);
  // A finished task frees a max_active_tasks slot too, so completions always try to queue.
  const queues = updates.has('scheduled') || !!opts.changed;
  // A run with a task just made ready is not done: no need to look for open tasks.
  const mayFinish = !updates.has('scheduled');
  const results = await runStatements(db, {
    decided: updates.size ? setUndecidedStatesSql(run.id, updates) : undefined,
    ...(queues ? queueScheduledSql(run.dagId, graph.structure.maxActiveTasks) : {}),
    done: mayFinish ? runDoneSql(run.id, graph.leaves) : undefined,
    commit: !mayFinish && opts.commit ? 'COMMIT' : undefined,
  });
  const queued = results.queue?.rowCount ?? 0;
  let finished: AdvanceResult['finished'] = null;
  if (results.done) {
    const { done, failed } = results.done.rows[0] as { done: boolean; failed: boolean };
    if (done) finished = await finishRun(db, run, failed ? 'failed' : 'success');
    if (opts.commit) await db.query('COMMIT');
  }
  return { queued, finished };
}

async function planUpdates(
  db: Queryable,
  run: RunRef,
  graph: DagGraph,
  opts: AdvanceOptions,
): Promise<Map<TaskState, string[]>> {
  const { changed } = opts;
  const states = new Map<string, TaskState>(opts.known);
  const load = async (ids: Iterable<string>) => {
    const missing = [...new Set(ids)].filter((id) => !states.has(id));
    if (!missing.length) return;
    for (const row of await taskStatesOfRun(db, run.id, changed ? missing : undefined))
      states.set(row.task_id, row.state);
  };

  let frontier = changed ? changed.flatMap((id) => graph.downstream.get(id) ?? []) : [...graph.tasks.keys()];
  const updates = new Map<TaskState, string[]>();
  while (frontier.length) {
    const candidates = [...new Set(frontier)];
    await load(candidates.flatMap((id) => [id, ...(graph.tasks.get(id)?.upstream ?? [])]));
    const next: string[] = [];
    for (const id of candidates) {
      if (states.get(id) !== 'none') continue;
      const task = graph.tasks.get(id)!;
      const d = decide(
        task.triggerRule,
        task.upstream.map((u) => states.get(u) ?? 'none'),
      );
      if (d === 'wait') continue;
      const state: TaskState = d === 'ready' ? 'scheduled' : d;
      states.set(id, state);
      updates.set(state, [...(updates.get(state) ?? []), id]);
      if (state !== 'scheduled') next.push(...(graph.downstream.get(id) ?? []));
    }
    frontier = next;
  }
  return updates;
}

/** The task ids whose states `advanceRun` reads after `taskId` finished: its downstream tasks and their upstreams. */
export function neighboursOf(graph: DagGraph, taskId: string): string[] {
  const down = graph.downstream.get(taskId) ?? [];
  return [...new Set(down.flatMap((id) => [id, ...(graph.tasks.get(id)?.upstream ?? [])]))].filter(
    (id) => id !== taskId,
  );
}
