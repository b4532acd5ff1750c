/** Triggering runs and waiting for them, event-driven (no busy polling that would load the database). */
import type { Runtime } from '../../src/actions/runtime';

let seq = 0;
/** A run name no other run of the benchmark has. */
export const runId = () => `bench__${process.pid}_${++seq}`;

/** Leaves per second of a finished fan-out run: from the root's end to the last leaf's (loading the file excluded). */
export async function fanOutRate(rt: Runtime, runPk: number): Promise<number> {
  const r = await rt.db.query<{ ms: number; n: number }>(
    `SELECT extract(epoch FROM max(l.end_date) - (SELECT end_date FROM sluice.task_instance WHERE run_id = $1 AND task_id = 'root'))::float8 * 1000 AS ms,
            count(*)::int AS n
       FROM sluice.task_instance l WHERE l.run_id = $1 AND l.task_id <> 'root'`,
    [runPk],
  );
  // A span of zero or none would print as an infinite rate: fail loudly with what was read instead.
  if (!(r.rows[0].ms > 0))
    throw new Error(
      `fan-out run ${runPk}: leaves ended ${r.rows[0].ms} ms after the root (n=${r.rows[0].n}); cannot compute a rate`,
    );
  return (r.rows[0].n * 1000) / r.rows[0].ms;
}

/**
 * Resolves when every run in `ids` has ended; throws if one failed or the timeout passes. Checks on
 * every 'runs' event (a run ending notifies it) and at least every `fallbackMs`.
 */
export async function waitForRuns(
  rt: Runtime,
  ids: readonly number[],
  timeoutMs = 120_000,
  fallbackMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dirty = false;
  let wake: (() => void) | undefined;
  const off = rt.db.on('runs', () => {
    dirty = true;
    wake?.();
  });
  try {
    for (;;) {
      dirty = false;
      const r = await rt.db.query<{ id: number; state: string }>(
        `SELECT id, state FROM sluice.dag_run WHERE id = ANY($1)`,
        [ids],
      );
      const failed = r.rows.filter((x) => x.state === 'failed');
      if (failed.length)
        throw new Error(`${failed.length} benchmark run(s) failed: ${await firstError(rt, failed[0].id)}`);
      if (r.rows.filter((x) => x.state === 'success').length === ids.length) return;
      if (Date.now() > deadline) {
        const states = r.rows.reduce<Record<string, number>>(
          (a, x) => ({ ...a, [x.state]: (a[x.state] ?? 0) + 1 }),
          {},
        );
        throw new Error(`runs did not finish within ${timeoutMs / 1000}s (run states: ${JSON.stringify(states)})`);
      }
      if (!dirty) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, fallbackMs);
          wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        wake = undefined;
      }
    }
  } finally {
    off();
  }
}

async function firstError(rt: Runtime, runId: number): Promise<string> {
  const r = await rt.db.query<{ task_id: string; error: string | null }>(
    `SELECT t.task_id, y.error FROM sluice.task_instance t LEFT JOIN sluice.task_try y ON y.ti_id = t.id
      WHERE t.run_id = $1 AND t.state IN ('failed', 'upstream_failed') ORDER BY y.error IS NULL, t.id LIMIT 1`,
    [runId],
  );
  return r.rows[0] ? `${r.rows[0].task_id}: ${(r.rows[0].error ?? 'upstream failed').split('\n')[0]}` : 'unknown';
}

/** Every upstream → downstream hop of the given runs, in ms (downstream start − upstream end). */
export async function hopLatencies(rt: Runtime, runIds: readonly number[]): Promise<number[]> {
  const r = await rt.db.query<{ ms: number }>(
    `SELECT extract(epoch FROM d.start_date - u.end_date)::float8 * 1000 AS ms
       FROM sluice.task_instance d JOIN sluice.task_instance u ON u.run_id = d.run_id AND u.task_id = ANY(d.upstream)
      WHERE d.run_id = ANY($1)`,
    [runIds],
  );
  return r.rows.map((x) => x.ms);
}

/**
 * Per task: start − the latest end of its upstream tasks, or − the run's start for a root task.
 * The sum over all tasks is the "total task lag".
 */
export async function taskLags(rt: Runtime, runIds: readonly number[]): Promise<Array<{ ms: number; root: boolean }>> {
  const r = await rt.db.query<{ ms: number; root: boolean }>(
    `SELECT cardinality(t.upstream) = 0 AS root, extract(epoch FROM t.start_date - coalesce(
              (SELECT max(u.end_date) FROM sluice.task_instance u WHERE u.run_id = t.run_id AND u.task_id = ANY(t.upstream)),
              r.start_date))::float8 * 1000 AS ms
       FROM sluice.task_instance t JOIN sluice.dag_run r ON r.id = t.run_id
      WHERE t.run_id = ANY($1)`,
    [runIds],
  );
  return r.rows;
}

/** Run span measured inside the database: last task end − the run row's insertion (trigger). */
export async function dbSpanMs(rt: Runtime, runId: number): Promise<number> {
  const r = await rt.db.query<{ ms: number }>(
    `SELECT extract(epoch FROM max(t.end_date) - r.queued_at)::float8 * 1000 AS ms
       FROM sluice.dag_run r JOIN sluice.task_instance t ON t.run_id = r.id WHERE r.id = $1 GROUP BY r.queued_at`,
    [runId],
  );
  return r.rows[0].ms;
}
