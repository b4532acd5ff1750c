import pg from 'pg';
import { triggerDag } from '../../src/actions/trigger-dag';
import { openDatabase, type Database } from '../../src/db/database';
import { createDatabase } from '../../src/db/databases';
import { openRuntime, syncDagFiles, type Runtime } from '../../src/actions/runtime';
import { silentLogger } from '../../src/util/logger';
import { createOwnCluster, type OwnCluster } from '../support/own-cluster';
import { startSluice, stopped, waitFor } from '../support/processes';
import { dagFile, tempProject, testConfig } from '../support/sandbox';

// Postgres restarts and outages under a running scheduler, on a cluster of the test's own.
const p = tempProject();
p.write(
  'steady.ts',
  dagFile(`
const effect = (ctx: import('sluice').TaskContext) =>
  ctx.warehouse.query('INSERT INTO public.effects (run_id, task_id, try_number) VALUES ($1, $2, $3)', [ctx.runId, ctx.taskId, ctx.tryNumber]);
export default defineDag({
  id: 'steady', schedule: null, startDate: '2026-01-01', defaults: { retries: 2, retryDelay: 0 },
  tasks: [
    task({ id: 'work', run: async (ctx) => {
      await effect(ctx);
      await new Promise((r) => setTimeout(r, Number(ctx.params.sleep)));
      return 'worked';
    } }),
    task({ id: 'after', upstream: ['work'], run: effect }),
  ],
});
`),
);

let cluster: OwnCluster;
let url: string;
let rt: Runtime;
let scheduler: ReturnType<typeof startSluice>;
beforeAll(async () => {
  cluster = await createOwnCluster('faults');
  url = await createDatabase(cluster.url(), 'sluice');
  rt = await openRuntime(testConfig(p, url), { log: silentLogger });
  await rt.db.query('CREATE TABLE public.effects (run_id text, task_id text, try_number int)');
  await syncDagFiles(rt);
  scheduler = startSluice(
    ['scheduler'],
    {
      DATABASE_URL: url,
      SLUICE_DAGS_FOLDER: p.dags,
      SLUICE_HOME: `${p.dir}/.sluice`,
      SLUICE_WORKERS: '2',
      SLUICE_HEARTBEAT_INTERVAL: '200ms',
      SLUICE_ZOMBIE_THRESHOLD: '20s',
      SLUICE_SCHEDULER_TICK: '200ms',
      SLUICE_POLL_INTERVAL: '100ms',
    },
    p.dir,
  );
}, 60_000);
afterAll(async () => {
  scheduler?.kill('SIGTERM');
  if (scheduler) await stopped(scheduler);
  await rt?.close().catch(() => undefined);
  cluster?.drop();
  p.cleanup();
});

// The test's own pool reconnects too: a query right after a restart may meet a dead connection.
async function query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  return waitFor(async () => (await rt.db.query<R>(sql, params).catch(() => undefined))?.rows, 30_000, sql);
}

async function outcome(run: { id: number; runId: string }) {
  await waitFor(
    async () => {
      const [r] = await query<{ state: string }>(`SELECT state FROM sluice.dag_run WHERE id = $1`, [run.id]);
      return ['success', 'failed'].includes(r.state);
    },
    90_000,
    'the run to end',
  );
  const [r] = await query<{ state: string }>(`SELECT state FROM sluice.dag_run WHERE id = $1`, [run.id]);
  const effects = await query<{ task_id: string; n: number }>(
    `SELECT task_id, count(*)::int AS n FROM public.effects WHERE run_id = $1 GROUP BY 1 ORDER BY 1`,
    [run.runId],
  );
  const tries = await query<{ task_id: string; try_number: number; state: string }>(
    `SELECT t.task_id, y.try_number, y.state FROM sluice.task_try y JOIN sluice.task_instance t ON t.id = y.ti_id
      WHERE t.run_id = $1 ORDER BY 1, 2`,
    [run.id],
  );
  return { state: r.state, effects, tries: tries.map((t) => [t.task_id, t.try_number, t.state]) };
}

const started = (run: { runId: string }) =>
  waitFor(
    async () =>
      (await query(`SELECT 1 FROM public.effects WHERE run_id = $1 AND task_id = 'work'`, [run.runId])).length > 0,
    60_000,
    'work to start',
  );

test('Postgres restarted while a task runs: the scheduler and its workers live on, the end is recorded, nothing runs twice', async () => {
  const run = await triggerDag(rt, 'steady', { conf: { sleep: 4000 } });
  await started(run);
  cluster.restart();
  const o = await outcome(run);
  expect(o.state).toBe('success');
  expect(o.effects).toEqual([
    { task_id: 'after', n: 1 },
    { task_id: 'work', n: 1 },
  ]);
  expect(o.tries).toEqual([
    ['after', 1, 'success'],
    ['work', 1, 'success'],
  ]);
  expect(scheduler.exitCode).toBeNull();
  expect(scheduler.output()).not.toMatch(/Unhandled|uncaught|ERR_UNHANDLED/i);
}, 120_000);

test('a try that ends while Postgres is down is recorded once it is back, not lost and not run again', async () => {
  const run = await triggerDag(rt, 'steady', { conf: { sleep: 1000 } });
  await started(run);
  cluster.stop();
  await new Promise((r) => setTimeout(r, 4000)); // the try ends meanwhile; its end cannot be written
  cluster.start();
  const o = await outcome(run);
  expect(o.state).toBe('success');
  expect(o.effects).toEqual([
    { task_id: 'after', n: 1 },
    { task_id: 'work', n: 1 },
  ]);
  expect(o.tries).toEqual([
    ['after', 1, 'success'],
    ['work', 1, 'success'],
  ]);
  expect(scheduler.exitCode).toBeNull();
  expect(scheduler.output()).toMatch(/recording the end of steady\.work try 1 failed: .*; trying again/);
}, 120_000);

test('a LISTEN connection comes back after a restart and hears notifications again', async () => {
  let db: Database | undefined;
  try {
    db = await openDatabase({ databaseUrl: url, home: `${p.dir}/.sluice` }, { listen: true, migrate: false });
    let heard = 0;
    db.on('tasks', () => heard++);
    cluster.restart();
    await waitFor(async () => heard > 0, 30_000, 'the listener to reconnect'); // it wakes its listeners on reconnect
    heard = 0;
    await waitFor(
      async () => {
        await new pg.Client({ connectionString: url })
          .connect()
          .then(async (c) => {
            try {
              await c.query(`SELECT pg_notify('sluice_tasks', '')`);
            } finally {
              await c.end();
            }
          })
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 100));
        return heard > 0;
      },
      30_000,
      'a notification after the restart',
    );
  } finally {
    await db?.close();
  }
}, 60_000);
