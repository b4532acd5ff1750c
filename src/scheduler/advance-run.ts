import type { DagGraph } from '../dag/structure';
import type { Queryable } from '../state/queryable';
import type { TaskState } from '../state/task-states';
import { recordEvent } from '../state/events';
import { queueScheduled } from '../state/task-queue';
import { decide } from './trigger-rules';

export interface RunRef {
  readonly id: number;
  readonly dagId: string;
}

export interface AdvanceResult {
  readonly queued: number;
  readonly finished: 'success' | 'failed' | null;
}

/**
 * Evaluates the tasks of one run after `changed` tasks finished (or every task when `changed` is
 * omitted): ready tasks become scheduled (then queued within max_active_tasks), tasks whose trigger
 * rule can no longer be met become upstream_failed or skipped, and a run with nothing left to do
 * ends. The caller holds the run's row lock (`lockRun`), so concurrent completions in one run are
 * evaluated one after another and no readiness is missed.
 */
export async function advanceRun(db: Queryable, run: RunRef, graph: DagGraph, changed?: readonly string[]): Promise<AdvanceResult> {
  const states = new Map<string, TaskState>();
  const load = async (ids: Iterable<string>) => {
    const missing = [...new Set(ids)].filter((id) => !states.has(id));
    if (!missing.length) return;
    const r = await db.query<{ task_id: string; state: TaskState }>(
      `SELECT task_id, state FROM sluice.task_instance WHERE run_id = $1 ${changed ? 'AND task_id = ANY($2)' : ''}`,
      changed ? [run.id, missing] : [run.id],
    );
    for (const row of r.rows) states.set(row.task_id, row.state);
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
      const d = decide(task.triggerRule, task.upstream.map((u) => states.get(u) ?? 'none'));
      if (d === 'wait') continue;
      const state: TaskState = d === 'ready' ? 'scheduled' : d;
      states.set(id, state);
      updates.set(state, [...(updates.get(state) ?? []), id]);
      if (state !== 'scheduled') next.push(...(graph.downstream.get(id) ?? []));
    }
    frontier = next;
  }

  for (const [state, ids] of updates) {
    await db.query(
      `UPDATE sluice.task_instance
          SET state = $2, end_date = CASE WHEN $2 IN ('upstream_failed', 'skipped') THEN now() END
        WHERE run_id = $1 AND task_id = ANY($3) AND state = 'none'`,
      [run.id, state, ids],
    );
  }
  // A finished task frees a max_active_tasks slot too, so completions always try to queue.
  const queued = updates.has('scheduled') || changed ? await queueScheduled(db, run.dagId, graph.structure.maxActiveTasks) : 0;
  const finished = await finishRunIfDone(db, run, graph);
  return { queued, finished };
}

/** Ends the run once every task has finished: failed if a leaf failed (Airflow's rule), else success. */
async function finishRunIfDone(db: Queryable, run: RunRef, graph: DagGraph): Promise<'success' | 'failed' | null> {
  const r = await db.query<{ open: number; failed_leaves: number }>(
    `SELECT count(*) FILTER (WHERE state NOT IN ('success', 'failed', 'upstream_failed', 'skipped'))::int AS open,
            count(*) FILTER (WHERE task_id = ANY($2) AND state IN ('failed', 'upstream_failed'))::int AS failed_leaves
       FROM sluice.task_instance WHERE run_id = $1`,
    [run.id, graph.leaves],
  );
  if (r.rows[0].open > 0) return null;
  const state = r.rows[0].failed_leaves > 0 ? 'failed' : 'success';
  const ended = await db.query<{ run_id: string; logical_date: Date }>(
    `UPDATE sluice.dag_run SET state = $2, end_date = now() WHERE id = $1 AND state = 'running' RETURNING run_id, logical_date`,
    [run.id, state],
  );
  if (!ended.rowCount) return null;
  const { run_id: runName } = ended.rows[0];
  if (state === 'failed') {
    await recordEvent(db, { kind: 'run_failed', dagId: run.dagId, runId: run.id, message: `run ${runName} of ${run.dagId} failed` });
  } else {
    await recordEvent(db, { kind: 'run_succeeded', dagId: run.dagId, runId: run.id, message: `run ${runName} of ${run.dagId} succeeded` });
    const prev = await db.query<{ state: string }>(
      `SELECT state FROM sluice.dag_run WHERE dag_id = $1 AND id <> $2 AND state IN ('success', 'failed')
        ORDER BY end_date DESC NULLS LAST, id DESC LIMIT 1`,
      [run.dagId, run.id],
    );
    if (prev.rows[0]?.state === 'failed') {
      await recordEvent(db, { kind: 'run_recovered', dagId: run.dagId, runId: run.id, message: `${run.dagId} recovered: run ${runName} succeeded after a failed run` });
    }
  }
  return state;
}

/** Takes the run's row lock for the rest of the transaction; returns its state. */
export async function lockRun(db: Queryable, runId: number): Promise<string | undefined> {
  const r = await db.query<{ state: string }>(`SELECT state FROM sluice.dag_run WHERE id = $1 FOR UPDATE`, [runId]);
  return r.rows[0]?.state;
}

