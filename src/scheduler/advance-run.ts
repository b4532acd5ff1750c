import type { DagGraph } from '../dag/serialized-dag';
import type { Queryable } from '../db/queryable';
import type { TaskState } from '../state/task-states';
import { recordEvent } from '../state/events';
import { queueScheduledSql } from '../state/task-queue';
import { quoteLiteral } from '../db/quote';
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
 * run's row lock (`lockRun`), so concurrent completions in one run are evaluated one after another
 * and no readiness is missed.
 */
export async function advanceRun(
  db: Queryable,
  run: RunRef,
  graph: DagGraph,
  opts: AdvanceOptions = {},
): Promise<AdvanceResult> {
  const updates = await planUpdates(db, run, graph, opts);
  const statements: string[] = [];
  if (updates.size) statements.push(updateStatesSql(run.id, updates));
  // A finished task frees a max_active_tasks slot too, so completions always try to queue.
  const queues = updates.has('scheduled') || !!opts.changed;
  const queueAt = queues ? statements.push(...queueScheduledSql(run.dagId, graph.structure.maxActiveTasks)) - 1 : -1;
  // A run with a task just made ready is not done: no need to look for open tasks.
  const mayFinish = !updates.has('scheduled');
  const doneAt = mayFinish ? statements.push(runDoneSql(run.id, graph.leaves)) - 1 : -1;
  if (!mayFinish && opts.commit) statements.push('COMMIT');
  const results = await runStatements(db, statements);
  const queued = queues ? results[queueAt].rowCount : 0;
  let finished: AdvanceResult['finished'] = null;
  if (mayFinish) {
    const { done, failed } = results[doneAt].rows[0] as { done: boolean; failed: boolean };
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

function updateStatesSql(runId: number, updates: ReadonlyMap<TaskState, readonly string[]>): string {
  const values = [...updates].flatMap(([state, ids]) =>
    ids.map((id) => `(${quoteLiteral(id)}, ${quoteLiteral(state)})`),
  );
  return `UPDATE sluice.task_instance t
             SET state = u.state, end_date = CASE WHEN u.state IN ('upstream_failed', 'skipped') THEN now() END
            FROM (VALUES ${values.join(', ')}) AS u(task_id, state)
           WHERE t.run_id = ${quoteLiteral(runId)} AND t.task_id = u.task_id AND t.state = 'none'`;
}

/** Whether every task of the run has finished, and whether a leaf failed (then the run failed, Airflow's rule). */
function runDoneSql(runId: number, leaves: readonly string[]): string {
  const run = quoteLiteral(runId);
  // A run without task instances is never done: it is being created or its DAG lost its tasks.
  return `SELECT NOT EXISTS (SELECT 1 FROM sluice.task_instance
                              WHERE run_id = ${run} AND state NOT IN ('success', 'failed', 'upstream_failed', 'skipped'))
                 AND EXISTS (SELECT 1 FROM sluice.task_instance WHERE run_id = ${run}) AS done,
                 EXISTS (SELECT 1 FROM sluice.task_instance
                          WHERE run_id = ${run} AND state IN ('failed', 'upstream_failed')
                            AND task_id IN (${leaves.length ? leaves.map(quoteLiteral).join(', ') : 'NULL'})) AS failed`;
}

/** Ends the run (guarded: only a running run ends, once) and records its events. */
async function finishRun(
  db: Queryable,
  run: RunRef,
  state: 'success' | 'failed',
): Promise<'success' | 'failed' | null> {
  const ended = await db.query<{ run_id: string }>(
    `UPDATE sluice.dag_run SET state = $2, end_date = now() WHERE id = $1 AND state = 'running' RETURNING run_id`,
    [run.id, state],
  );
  if (!ended.rowCount) return null;
  const { run_id: runName } = ended.rows[0];
  if (state === 'failed') {
    await recordEvent(db, {
      kind: 'run_failed',
      dagId: run.dagId,
      runId: run.id,
      message: `run ${runName} of ${run.dagId} failed`,
    });
  } else {
    await recordEvent(db, {
      kind: 'run_succeeded',
      dagId: run.dagId,
      runId: run.id,
      message: `run ${runName} of ${run.dagId} succeeded`,
    });
    const prev = await db.query<{ state: string }>(
      `SELECT state FROM sluice.dag_run WHERE dag_id = $1 AND id <> $2 AND state IN ('success', 'failed')
        ORDER BY end_date DESC NULLS LAST, id DESC LIMIT 1`,
      [run.dagId, run.id],
    );
    if (prev.rows[0]?.state === 'failed') {
      await recordEvent(db, {
        kind: 'run_recovered',
        dagId: run.dagId,
        runId: run.id,
        message: `${run.dagId} recovered: run ${runName} succeeded after a failed run`,
      });
    }
  }
  return state;
}

/** Takes the run's row lock for the rest of the transaction; returns its state. */
export async function lockRun(db: Queryable, runId: number): Promise<string | undefined> {
  const r = await db.query<{ state: string }>(`SELECT state FROM sluice.dag_run WHERE id = $1 FOR UPDATE`, [runId]);
  return r.rows[0]?.state;
}
