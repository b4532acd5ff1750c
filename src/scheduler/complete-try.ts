import type { Database } from '../db/database';
import type { JsonObject, JsonValue } from '../dag/types';
import { retryDelayMs } from './retry-delay';
import type { VersionCache } from '../state/dag-versions';
import { recordEvent } from '../state/events';
import { lockRunSql } from '../state/runs';
import { endTry, type ClaimedTask } from '../state/task-instances';
import type { TaskState } from '../state/task-states';
import { committed, withTransaction, type Committed } from '../db/transaction';
import { storableText } from '../state/storable-text';
import { advanceRun, neighboursOf, type AdvanceResult } from './advance-run';

type Outcome = AdvanceResult & { readonly state: TaskState | undefined };

/** The try being ended: the claimed task's identity and the worker that held it. */
export type TryRef = Pick<
  ClaimedTask,
  'tiId' | 'runPk' | 'dagId' | 'taskId' | 'tryNumber' | 'maxTries' | 'versionId'
> & {
  readonly workerId: string;
};

/** `details`: what the try recorded it did (`ctx.recordDetails`), kept with its history row. */
export type TryResult =
  | { readonly ok: true; readonly value?: JsonValue; readonly details?: JsonObject }
  /** `final`: a verdict (a failed gate), failed at once whatever tries are left. */
  | { readonly ok: false; readonly error: string; readonly final?: boolean; readonly details?: JsonObject };

/**
 * Everything that happens when a try ends, in one transaction under the run's lock: the guarded
 * state change, its log tail and return value, events, and evaluation of the downstream tasks
 * (Airflow's "mini scheduler"), so the next task is queued without waiting for a scheduler tick.
 * A hop in a chain costs three round trips: BEGIN with the lock, the try's end with its
 * neighbours' states, and the downstream update with the queueing and the COMMIT.
 */
export async function completeTry(
  db: Database,
  versions: VersionCache,
  t: TryRef,
  given: TryResult,
  log = '',
): Promise<string | undefined> {
  const result: TryResult = given.ok ? given : { ...given, error: storableText(given.error) };
  const { graph } = await versions.get(t.versionId);
  const task = graph.tasks.get(t.taskId);
  const retryInMs =
    !result.ok && !result.final && t.tryNumber < t.maxTries && task ? retryDelayMs(task, t.tryNumber) : null;
  const outcome = await db.withClient((client) =>
    withTransaction(
      client,
      async (c): Promise<Outcome | Committed<Outcome>> => {
        const { state, states } = await endTry(
          c,
          { ...t, log, neighbours: neighboursOf(graph, t.taskId) },
          result.ok
            ? { ok: true, value: result.value, details: result.details }
            : { ok: false, error: result.error, retryInMs, details: result.details },
        );
        if (state && !result.ok) {
          const base = {
            dagId: t.dagId,
            runId: t.runPk,
            taskId: t.taskId,
            tryNumber: t.tryNumber,
            payload: { error: result.error },
          };
          await recordEvent(
            c,
            state === 'failed'
              ? {
                  ...base,
                  kind: 'task_failed',
                  message: `${t.dagId}.${t.taskId} failed on try ${t.tryNumber} of ${t.maxTries}: ${firstLine(result.error)}`,
                }
              : {
                  ...base,
                  kind: 'task_retry',
                  message: `${t.dagId}.${t.taskId} try ${t.tryNumber} failed, retrying in ${Math.round(retryInMs! / 1000)}s: ${firstLine(result.error)}`,
                },
          );
        }
        if (!state || state === 'up_for_retry') return { state, queued: 0, finished: null };
        const known = new Map<string, TaskState>(Object.entries(states));
        known.set(t.taskId, state);
        const r = await advanceRun(c, { id: t.runPk, dagId: t.dagId }, graph, {
          changed: [t.taskId],
          known,
          commit: true,
        });
        return committed({ state, ...r });
      },
      { beginWith: lockRunSql(t.runPk) },
    ),
  );
  if (outcome.queued) db.notify('tasks');
  if (outcome.finished) db.notify('runs');
  return outcome.state;
}

function firstLine(s: string): string {
  return s.split('\n')[0].slice(0, 500);
}
