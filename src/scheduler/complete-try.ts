import type { Database } from '../db/database';
import type { JsonValue } from '../dag/types';
import { retryDelayMs } from '../executor/backoff';
import type { VersionCache } from '../state/dag-versions';
import { recordEvent } from '../state/events';
import { appendLog, finishTry, storeReturnValue } from '../state/task-instances';
import { advanceRun, lockRun } from './advance-run';

export interface TryRef {
  readonly tiId: number;
  readonly runPk: number;
  readonly dagId: string;
  readonly taskId: string;
  readonly tryNumber: number;
  readonly maxTries: number;
  readonly workerId: string;
  readonly versionId: number;
}

export type TryResult = { readonly ok: true; readonly value?: JsonValue } | { readonly ok: false; readonly error: string };

/**
 * Everything that happens when a try ends, in one transaction under the run's lock: the guarded
 * state change, its log tail and return value, events, and evaluation of the downstream tasks
 * (Airflow's "mini scheduler"), so the next task is queued without waiting for a scheduler tick.
 */
export async function completeTry(db: Database, versions: VersionCache, t: TryRef, result: TryResult, log = ''): Promise<string | undefined> {
  const { graph } = await versions.get(t.versionId);
  const task = graph.tasks.get(t.taskId);
  const retryInMs = !result.ok && t.tryNumber < t.maxTries && task ? retryDelayMs(task, t.tryNumber) : null;
  const outcome = await db.transaction(async (c) => {
    await lockRun(c, t.runPk);
    await appendLog(c, t.tiId, t.tryNumber, log);
    const state = await finishTry(c, t, result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error, retryInMs });
    if (!state) return { state, queued: 0, finished: null };
    if (result.ok && result.value !== undefined) await storeReturnValue(c, t.runPk, t.taskId, result.value);
    if (!result.ok) {
      const base = { dagId: t.dagId, runId: t.runPk, taskId: t.taskId, tryNumber: t.tryNumber, payload: { error: result.error } };
      await recordEvent(c, state === 'failed'
        ? { ...base, kind: 'task_failed', message: `${t.dagId}.${t.taskId} failed on try ${t.tryNumber} of ${t.maxTries}: ${firstLine(result.error)}` }
        : { ...base, kind: 'task_retry', message: `${t.dagId}.${t.taskId} try ${t.tryNumber} failed, retrying in ${Math.round(retryInMs! / 1000)}s: ${firstLine(result.error)}` });
    }
    if (state === 'up_for_retry') return { state, queued: 0, finished: null };
    const r = await advanceRun(c, { id: t.runPk, dagId: t.dagId }, graph, [t.taskId]);
    return { state, ...r };
  });
  if (outcome.queued) db.notify('tasks');
  if (outcome.finished) db.notify('runs');
  return outcome.state;
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 500);
}
