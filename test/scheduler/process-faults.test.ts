import { pauseDag } from '../../src/actions/pause-dag';
import { triggerDag } from '../../src/actions/trigger-dag';
import { isAlive } from '../../src/db/embedded';
import { dagFileProcessor, type Runtime } from '../../src/actions/runtime';
import { startSluice, stopped, waitFor } from '../support/processes';
import { dagFile, tempProject, testRuntime } from '../support/sandbox';

// Processes stopped and resumed, several schedulers at once, a scheduler ticking as fast as it can.
const p = tempProject();
p.write(
  'faults.ts',
  dagFile(`
const mark = (ctx: import('sluice').TaskContext, what: string) =>
  ctx.warehouse.query('INSERT INTO public.marks (dag_id, run_id, task_id, try_number, what, pid) VALUES ($1, $2, $3, $4, $5, $6)',
    [ctx.dagId, ctx.runId, ctx.taskId, ctx.tryNumber, what, process.pid]);
const span = async (ctx: import('sluice').TaskContext, ms: number) => {
  await mark(ctx, 'start');
  await new Promise((r) => setTimeout(r, ms));
  await mark(ctx, 'end');
};
export const pausable = defineDag({
  id: 'pausable', schedule: null, startDate: '2026-01-01',
  tasks: [task({ id: 'long', retries: 1, retryDelay: 0, run: async (ctx) => {
    await mark(ctx, 'start');
    for (let i = 0; i < 30; i++) { await mark(ctx, 'tick'); await new Promise((r) => setTimeout(r, 100)); }
    await mark(ctx, 'end');
  } })],
});
export const limited = defineDag({
  id: 'limited', schedule: null, startDate: '2026-01-01', maxActiveRuns: 2,
  tasks: [task('one', (ctx) => span(ctx, 400))],
});
export const narrow = defineDag({
  id: 'narrow', schedule: null, startDate: '2026-01-01', maxActiveTasks: 2,
  tasks: Array.from({ length: 8 }, (_, i) => task('t' + i, (ctx) => span(ctx, 300))),
});
export const quick = defineDag({
  id: 'quick', schedule: null, startDate: '2026-01-01',
  tasks: [task('a', (ctx) => mark(ctx, 'ran')), task({ id: 'b', upstream: ['a'], run: (ctx) => mark(ctx, 'ran') })],
});
`),
);

let rt: Runtime & { url: string };
let env: Record<string, string>;
beforeAll(async () => {
  rt = await testRuntime('process_faults', p);
  await rt.db.query(
    `CREATE TABLE public.marks (dag_id text, run_id text, task_id text, try_number int, what text, pid int, at timestamptz DEFAULT clock_timestamp())`,
  );
  const files = dagFileProcessor(rt);
  try {
    expect(await files.sync()).toMatchObject({ errors: 0 });
  } finally {
    await files.close();
  }
  env = {
    DATABASE_URL: rt.url,
    SLUICE_DAGS_FOLDER: p.dags,
    SLUICE_HOME: `${p.dir}/.sluice`,
    SLUICE_WORKERS: '4',
    SLUICE_HEARTBEAT_INTERVAL: '200ms',
    SLUICE_ZOMBIE_THRESHOLD: '2s',
    SLUICE_SCHEDULER_TICK: '50ms',
    SLUICE_POLL_INTERVAL: '50ms',
  };
});
afterAll(async () => {
  await rt.close();
  p.cleanup();
});

const states = async (ids: number[]) =>
  (await rt.db.query<{ state: string }>(`SELECT state FROM sluice.dag_run WHERE id = ANY($1)`, [ids])).rows.map(
    (r) => r.state,
  );
const allEnded = (ids: number[], what: string) =>
  waitFor(async () => (await states(ids)).every((s) => s === 'success' || s === 'failed'), 90_000, what);

async function withProcesses(procs: Array<ReturnType<typeof startSluice>>, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } finally {
    for (const x of procs) {
      x.kill('SIGCONT');
      x.kill('SIGTERM');
    }
    await Promise.all(procs.map(stopped));
  }
}

/** The most spans of `dag` (start to end marks of one try) that overlapped at any moment. */
async function mostAtOnce(dag: string): Promise<number> {
  const r = await rt.db.query<{ n: number }>(
    `WITH spans AS (
       SELECT s.at AS started, e.at AS ended FROM public.marks s
         JOIN public.marks e ON e.run_id = s.run_id AND e.task_id = s.task_id AND e.try_number = s.try_number AND e.what = 'end'
        WHERE s.dag_id = $1 AND s.what = 'start'
     )
     SELECT max((SELECT count(*) FROM spans b WHERE b.started <= a.started AND b.ended > a.started))::int AS n FROM spans a`,
    [dag],
  );
  return r.rows[0].n;
}

test('a worker stopped past the zombie threshold: its try is ended before the retry starts, and the worker lives on after SIGCONT', async () => {
  const sched = startSluice(['scheduler', '--no-executor'], env, p.dir);
  const first = startSluice(['worker'], env, p.dir);
  const procs = [sched, first];
  await withProcesses(procs, async () => {
    const run = await triggerDag(rt, 'pausable');
    await waitFor(
      async () =>
        (await rt.db.query(`SELECT 1 FROM public.marks WHERE dag_id = 'pausable' AND try_number = 1 AND what = 'tick'`))
          .rowCount,
      60_000,
      'try 1 to run',
    );
    const second = startSluice(['worker'], env, p.dir);
    procs.push(second);
    first.kill('SIGSTOP');
    await waitFor(
      async () =>
        (
          await rt.db.query(
            `SELECT 1 FROM public.marks WHERE dag_id = 'pausable' AND try_number = 2 AND what = 'start'`,
          )
        ).rowCount,
      60_000,
      'the retry to start',
    );
    first.kill('SIGCONT');
    await allEnded([run.id], 'the pausable run');
    expect(await states([run.id])).toEqual(['success']);
    const marks = await rt.db.query<{ try_number: number; what: string; pid: number; last: Date; first: Date }>(
      `SELECT try_number, what, min(pid) AS pid, max(at) AS last, min(at) AS first FROM public.marks WHERE dag_id = 'pausable' GROUP BY 1, 2`,
    );
    const of = (t: number, what: string) => marks.rows.find((m) => m.try_number === t && m.what === what);
    expect(of(1, 'end')).toBeUndefined(); // the stopped worker's try never finished its work
    expect(of(2, 'end')).toBeDefined();
    expect(of(1, 'tick')!.last.getTime()).toBeLessThan(of(2, 'start')!.first.getTime()); // no overlap with its retry
    expect(isAlive(of(1, 'start')!.pid)).toBe(false);
    const tries = await rt.db.query(
      `SELECT y.try_number, y.state, y.error FROM sluice.task_try y JOIN sluice.task_instance t ON t.id = y.ti_id WHERE t.run_id = $1 ORDER BY 1`,
      [run.id],
    );
    expect(tries.rows.map((r) => [r.try_number, r.state])).toEqual([
      [1, 'up_for_retry'],
      [2, 'success'],
    ]);
    expect(tries.rows[0].error).toMatch(/task was lost: no heartbeat/);
    await new Promise((r) => setTimeout(r, 1000)); // the resumed worker learns at its next heartbeat
    expect(first.exitCode).toBeNull();
    expect(first.output()).toMatch(/pausable\.long try 1 (is|was) no longer held by this executor/);
  });
}, 120_000);

test('max_active_runs and max_active_tasks hold with two schedulers', async () => {
  await pauseDag(rt, 'limited', true);
  const runs: Array<{ id: number }> = [];
  for (let i = 0; i < 8; i++) runs.push(await triggerDag(rt, 'limited', { date: new Date(Date.UTC(2026, 0, 1 + i)) }));
  const narrow = await triggerDag(rt, 'narrow');
  const procs = [startSluice(['scheduler'], env, p.dir), startSluice(['scheduler'], env, p.dir)];
  await withProcesses(procs, async () => {
    await new Promise((r) => setTimeout(r, 1000)); // both running before the runs may start
    await pauseDag(rt, 'limited', false);
    let most = 0;
    await waitFor(
      async () => {
        const n = (
          await rt.db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM sluice.dag_run WHERE dag_id = 'limited' AND state = 'running'`,
          )
        ).rows[0].n;
        most = Math.max(most, n);
        return (await states([...runs.map((r) => r.id), narrow.id])).every((s) => s === 'success' || s === 'failed');
      },
      90_000,
      'the limited runs',
    );
    expect(await states([...runs.map((r) => r.id), narrow.id])).toEqual(Array(9).fill('success'));
    expect(most).toBeLessThanOrEqual(2);
    expect(await mostAtOnce('limited')).toBeLessThanOrEqual(2);
    expect(await mostAtOnce('narrow')).toBeLessThanOrEqual(2);
    expect(await mostAtOnce('narrow')).toBeGreaterThanOrEqual(1);
  });
}, 120_000);

test('runs triggered under a scheduler ticking every 10 ms (the fastest allowed) all run every task (a run is never done before its tasks exist)', async () => {
  const sched = startSluice(['scheduler'], { ...env, SLUICE_SCHEDULER_TICK: '10ms' }, p.dir);
  await withProcesses([sched], async () => {
    const runs = await Promise.all(
      Array.from({ length: 30 }, (_, i) => triggerDag(rt, 'quick', { runId: `quick_${i}` })),
    );
    await allEnded(
      runs.map((r) => r.id),
      'the quick runs',
    );
    expect(await states(runs.map((r) => r.id))).toEqual(Array(30).fill('success'));
    const ran = await rt.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM public.marks WHERE dag_id = 'quick' AND what = 'ran'`,
    );
    expect(ran.rows[0].n).toBe(60);
  });
}, 120_000);
