import type { Runtime } from './runtime';
import { executor, scheduler } from './runtime';
import { startRuns } from '../scheduler/start-runs';
import { dagsOfRuns, runStates } from '../state/run-reports';

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
    const dags = await dagsOfRuns(rt.db, runIds);
    for (;;) {
      // Started here rather than by the scheduler tick so that paused DAGs can be tested and backfilled.
      for (const d of dags) await startRuns(rt.db, rt.versions, d.dag_id, d.max_active_runs);
      const runs: RunOutcome[] = await runStates(rt.db, runIds);
      const done = runs.filter((x) => x.state === 'success' || x.state === 'failed').length;
      if (done !== last) {
        onProgress?.(done, runIds.length);
        last = done;
      }
      if (done === runIds.length) return runs;
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
