/**
 * A storm of task failures written straight into the platform schema, in the shape the engine
 * leaves them (src/scheduler/complete-try.ts and finishRun in src/state/runs.ts): failed runs,
 * their task instances failed on their only try with the try's error, and per run one
 * `task_failed` event per task then one `run_failed`, through the engine's own recordEvents.
 * Running 1,000 failing tasks through worker processes would take minutes on two cores and
 * measure the executor, not the alerts.
 */
import { defineDag, task } from '../../src/index';
import { serializeDag } from '../../src/dag/serialized-dag';
import { upsertDags } from '../../src/state/dag-store';
import { recordEvents, type EventRecord } from '../../src/state/events';
import type { Runtime } from '../../src/actions/runtime';

export interface StormShape {
  /** DAG ids are `<prefix>_000`, `<prefix>_001`, … */
  readonly prefix: string;
  readonly dags: number;
  readonly runsPerDag: number;
  readonly tasks: number;
  /** Each run's tasks fail in an order of their own (else task_00 first, task_01 next, …). */
  readonly shuffle: boolean;
  /** Where the DAGs alert. */
  readonly slack: string;
  readonly email: string;
}

export interface Storm {
  readonly dagIds: readonly string[];
  readonly failures: number;
  readonly runs: number;
  readonly events: number;
  /**
   * Messages per channel the router's rules call for: one per run, less the runs whose first
   * failure repeats a (DAG, task) already alerted in the incident (those are suppressed).
   */
  readonly expected: number;
}

const pad = (i: number, w: number) => String(i).padStart(w, '0');
export const taskIds = (n: number) => Array.from({ length: n }, (_, i) => `task_${pad(i, 2)}`);

/** A small seeded generator (mulberry32): the shuffled storm is the same in every run of the benchmark. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(xs: readonly T[], next: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const errorOf = (dagId: string, taskId: string) =>
  [
    `Error: ${taskId} could not load into warehouse.staging: connection refused (${dagId})`,
    '    at loadRows (dags/storm.ts:12:11)',
    '    at Object.run (dags/storm.ts:20:5)',
    '    at runTry (src/executor/worker-child.ts:88:20)',
  ].join('\n');

/** Writes the storm; its events are left unrouted, for a dispatcher started afterwards. */
export async function writeStorm(rt: Runtime, s: StormShape): Promise<Storm> {
  const ids = taskIds(s.tasks);
  const dagIds = Array.from({ length: s.dags }, (_, i) => `${s.prefix}_${pad(i, 3)}`);
  await upsertDags(
    rt.db,
    dagIds.map((dagId) => ({
      filePath: `${s.prefix}.ts`,
      structure: serializeDag(
        defineDag({
          id: dagId,
          schedule: null,
          startDate: '2026-01-01',
          owner: 'bench',
          alerts: { slack: s.slack, email: s.email },
          tasks: ids.map((id) => task({ id, run: () => undefined })),
        }),
      ),
    })),
  );
  // Runs a second apart over the last minute; each task failed two seconds into its run.
  const runs = await rt.db.query<{ id: number; dag_id: string; run_id: string }>(
    `WITH r AS (
       INSERT INTO sluice.dag_run (dag_id, run_id, run_type, state, dag_version_id, logical_date, data_interval_start,
                                   data_interval_end, had_failure, queued_at, start_date, end_date)
       SELECT d.dag_id, 'manual__storm_' || lpad(g::text, 3, '0'), 'manual', 'failed', d.latest_version_id,
              ts, ts, ts, true, ts, ts, ts + interval '2 seconds'
         FROM sluice.dag d, generate_series(1, $2::int) g,
              LATERAL (SELECT now() - interval '62 seconds' + g * (interval '60 seconds' / $2::int) AS ts) t
        WHERE d.dag_id = ANY($1)
       RETURNING id, dag_id, run_id, dag_version_id, start_date
     ), ti AS (
       INSERT INTO sluice.task_instance (run_id, dag_id, task_id, operator, state, try_number, max_tries, worker_id,
                                         hostname, queued_at, start_date, end_date, duration_ms)
       SELECT r.id, r.dag_id, t->>'id', t->>'operator', 'failed', 1, 1, 'bench', 'bench', r.start_date, r.start_date,
              r.start_date + interval '2 seconds', 2000
         FROM r JOIN sluice.dag_version v ON v.id = r.dag_version_id, jsonb_array_elements(v.structure->'tasks') t
       RETURNING id, dag_id, task_id, start_date, end_date
     ), y AS (
       INSERT INTO sluice.task_try (ti_id, try_number, state, worker_id, hostname, start_date, end_date, duration_ms, error)
       SELECT ti.id, 1, 'failed', 'bench', 'bench', ti.start_date, ti.end_date, 2000,
              replace(replace($3, '{dag}', ti.dag_id), '{task}', ti.task_id)
         FROM ti
     )
     SELECT id, dag_id, run_id FROM r ORDER BY dag_id, id`,
    [dagIds, s.runsPerDag, errorOf('{dag}', '{task}')],
  );
  // Runs fail side by side: the k-th failure of every run, then the (k+1)-th; a run's run_failed after its last.
  const next = random(42);
  const orders = runs.rows.map((r) => ({ run: r, order: s.shuffle ? shuffled(ids, next) : ids }));
  const events: EventRecord[] = [];
  for (let k = 0; k < s.tasks; k++)
    for (const { run, order } of orders) {
      const error = errorOf(run.dag_id, order[k]);
      events.push({
        kind: 'task_failed',
        dagId: run.dag_id,
        runId: run.id,
        taskId: order[k],
        tryNumber: 1,
        payload: { error },
        message: `${run.dag_id}.${order[k]} failed on try 1 of 1: ${error.split('\n')[0]}`,
      });
    }
  for (const { run } of orders)
    events.push({
      kind: 'run_failed',
      dagId: run.dag_id,
      runId: run.id,
      message: `run ${run.run_id} of ${run.dag_id} failed`,
    });
  await recordEvents(rt.db, events);
  const firsts = new Set(orders.map(({ run, order }) => `${run.dag_id}:${order[0]}`));
  return {
    dagIds,
    failures: runs.rows.length * s.tasks,
    runs: runs.rows.length,
    events: events.length,
    expected: firsts.size,
  };
}
