import { triggerDag } from '../../src/actions/trigger-dag';
import { dagFileProcessor, type Runtime } from '../../src/actions/runtime';
import { dagFile, tempProject, testRuntime } from '../support/sandbox';
import { startSluice, stopped, waitFor } from '../support/processes';

const p = tempProject();
p.write(
  'work.ts',
  dagFile(`
const record = async (ctx: import('sluice').TaskContext) => {
  await ctx.warehouse.query('INSERT INTO public.side_effect (dag_id, task_id, pid) VALUES ($1, $2, $3)', [ctx.dagId, ctx.taskId, process.pid]);
};
export const wide = defineDag({
  id: 'wide', schedule: null, startDate: '2026-01-01', maxActiveTasks: 64,
  tasks: Array.from({ length: 40 }, (_, i) => task('t' + i, async (ctx) => { await record(ctx); await new Promise((r) => setTimeout(r, 40)); })),
});
export const restartable = defineDag({
  id: 'restartable', schedule: null, startDate: '2026-01-01',
  tasks: [
    task('first', record),
    task({ id: 'long', upstream: ['first'], retries: 1, retryDelay: 0, run: async (ctx) => { await record(ctx); await new Promise((r) => setTimeout(r, 4000)); } }),
    task({ id: 'last', upstream: ['long'], run: record }),
  ],
});
`),
);

let rt: Runtime & { url: string };
let env: Record<string, string>;
beforeAll(async () => {
  rt = await testRuntime('multi', p);
  await rt.db.query(
    `CREATE TABLE public.side_effect (dag_id text, task_id text, pid int, at timestamptz DEFAULT clock_timestamp())`,
  );
  const files = dagFileProcessor(rt);
  try {
    expect(await files.sync()).toMatchObject({ dags: 2, errors: 0 });
  } finally {
    await files.close();
  }
  env = {
    DATABASE_URL: rt.url,
    SLUICE_DAGS_FOLDER: p.dags,
    SLUICE_HOME: `${p.dir}/.sluice`,
    SLUICE_WORKERS: '2',
    SLUICE_HEARTBEAT_INTERVAL: '200ms',
    SLUICE_ZOMBIE_THRESHOLD: '2s',
    SLUICE_SCHEDULER_TICK: '200ms',
    SLUICE_POLL_INTERVAL: '100ms',
  };
});
afterAll(async () => {
  await rt.close();
  p.cleanup();
});

const runState = async (id: number) =>
  (await rt.db.query<{ state: string }>(`SELECT state FROM sluice.dag_run WHERE id = $1`, [id])).rows[0].state;

test('two worker processes share the queue and every task runs exactly once', async () => {
  const workers = [startSluice(['worker'], env, p.dir), startSluice(['worker'], env, p.dir)];
  try {
    const run = await triggerDag(rt, 'wide');
    await waitFor(async () => ['success', 'failed'].includes(await runState(run.id)), 60_000, 'the wide run');
    expect(await runState(run.id)).toBe('success');
    const effects = await rt.db.query<{ task_id: string; n: number }>(
      `SELECT task_id, count(*)::int AS n FROM public.side_effect WHERE dag_id = 'wide' GROUP BY task_id`,
    );
    expect(effects.rows).toHaveLength(40);
    expect(effects.rows.every((r) => r.n === 1)).toBe(true);
    const byWorker = await rt.db.query(
      `SELECT DISTINCT split_part(worker_id, ':', 2) AS pid FROM sluice.task_instance WHERE run_id = $1`,
      [run.id],
    );
    expect(byWorker.rows.map((r) => Number(r.pid)).sort()).toEqual(workers.map((w) => w.pid).sort());
  } finally {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map(stopped));
  }
});

test('a scheduler killed mid-run is restarted; the run completes and no successful task runs again', async () => {
  const first = startSluice(['scheduler'], env, p.dir);
  const run = await triggerDag(rt, 'restartable');
  await waitFor(
    async () =>
      (
        await rt.db.query(
          `SELECT 1 FROM sluice.task_instance WHERE run_id = $1 AND task_id = 'long' AND state = 'running'`,
          [run.id],
        )
      ).rowCount,
    30_000,
    'long to start',
  );
  first.kill('SIGKILL');
  await stopped(first);
  const second = startSluice(['scheduler'], env, p.dir);
  try {
    await waitFor(async () => ['success', 'failed'].includes(await runState(run.id)), 60_000, 'the run to finish');
    expect(await runState(run.id)).toBe('success');
    const effects = await rt.db.query<{ task_id: string; n: number }>(
      `SELECT task_id, count(*)::int AS n FROM public.side_effect WHERE dag_id = 'restartable' GROUP BY task_id ORDER BY task_id`,
    );
    expect(effects.rows).toEqual([
      { task_id: 'first', n: 1 },
      { task_id: 'last', n: 1 },
      { task_id: 'long', n: 2 },
    ]);
    const tries = await rt.db.query(
      `SELECT t.task_id, y.try_number, y.state, y.error FROM sluice.task_try y JOIN sluice.task_instance t ON t.id = y.ti_id
      WHERE t.run_id = $1 ORDER BY t.task_id, y.try_number`,
      [run.id],
    );
    expect(tries.rows.map((r) => [r.task_id, r.try_number, r.state])).toEqual([
      ['first', 1, 'success'],
      ['last', 1, 'success'],
      ['long', 1, 'up_for_retry'],
      ['long', 2, 'success'],
    ]);
    expect(tries.rows[2].error).toMatch(/task was lost/);
  } finally {
    second.kill('SIGTERM');
    await stopped(second);
  }
});
