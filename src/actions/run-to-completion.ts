import type { Runtime } from './runtime';
import { executor, scheduler } from './runtime';
import { startRuns } from '../scheduler/start-runs';

export interface RunOutcome {
  readonly id: number;
  readonly state: string;
}

/**
 * Runs the given runs to the end inside this process (an executor plus a scheduler that creates no
 * scheduled runs), as `dags test` and `backfill` do. Reports progress as runs finish.
 */
export async function runToCompletion(
  rt: Runtime,
  runIds: readonly number[],
  onProgress?: (done: number, total: number) => void,
): Promise<RunOutcome[]> {
  const exec = executor(rt);
  const sched = scheduler(rt, undefined, false);
  await exec.start();
  sched.start();
  try {
    let last = -1;
    const dags = await rt.db.query<{ dag_id: string; max_active_runs: number }>(
      `SELECT DISTINCT d.dag_id, d.max_active_runs FROM sluice.dag d JOIN sluice.dag_run r ON r.dag_id = d.dag_id WHERE r.id = ANY($1)`,
      [runIds],
    );
    for (;;) {
      // Started here rather than by the scheduler tick so that paused DAGs can be tested and backfilled.
      for (const d of dags.rows) await startRuns(rt.db, rt.versions, d.dag_id, d.max_active_runs);
      const r = await rt.db.query<RunOutcome>(
        `SELECT id, state FROM sluice.dag_run WHERE id = ANY($1) ORDER BY logical_date, id`,
        [runIds],
      );
      const done = r.rows.filter((x) => x.state === 'success' || x.state === 'failed').length;
      if (done !== last) {
        onProgress?.(done, runIds.length);
        last = done;
      }
      if (done === runIds.length) return r.rows;
      await new Promise<void>((resolve) => {
        const off = rt.db.on('runs', () => {
          clearTimeout(t);
          off();
          resolve();
        });
        const t = setTimeout(() => {
          off();
          resolve();
        }, 250);
      });
    }
  } finally {
    await sched.stop();
    await exec.stop();
  }
}
