import { runToCompletion } from '../../src/actions/run-to-completion';
import { triggerDag } from '../../src/actions/trigger-dag';
import { dagFileProcessor, type Runtime } from '../../src/actions/runtime';
import { readLog } from '../../src/state/task-instances';
import { dagFile, tempProject, testRuntime } from '../support/sandbox';

const p = tempProject();
p.write(
  'pipeline.ts',
  dagFile(`
export const chain = defineDag({
  id: 'chain', schedule: '@daily', startDate: '2026-01-01', params: { step: 1 },
  tasks: [
    task('a', (ctx) => { console.log('hello from a'); ctx.log.info('ds=%s', ctx.ds); return { n: Number(ctx.params.step) }; }),
    task({ id: 'b', upstream: ['a'], run: (ctx) => ({ n: (ctx.upstream.a as { n: number }).n + 1 }) }),
    task({ id: 'c', upstream: ['b'], run: (ctx) => (ctx.upstream.b as { n: number }).n * 10 }),
  ],
});

export const flaky = defineDag({
  id: 'flaky', schedule: null, startDate: '2026-01-01',
  tasks: [task({ id: 'f', retries: 3, retryDelay: 0.2, retryExponentialBackoff: true, run: (ctx) => {
    if (ctx.tryNumber < 3) throw new Error('transient failure on try ' + ctx.tryNumber);
    return ctx.tryNumber;
  } })],
});

export const slow = defineDag({
  id: 'slow', schedule: null, startDate: '2026-01-01',
  tasks: [
    task({ id: 'sleep', executionTimeout: '500ms', run: () => new Promise((r) => setTimeout(r, 30_000)) }),
    task({ id: 'after', upstream: ['sleep'], run: () => 1 }),
  ],
});

export const crash = defineDag({
  id: 'crash', schedule: null, startDate: '2026-01-01',
  tasks: [task({ id: 'dies', retries: 1, retryDelay: 0, run: (ctx) => {
    if (ctx.tryNumber === 1) process.kill(process.pid, 'SIGKILL');
    return 'survived';
  } })],
});

export const toggle = defineDag({
  id: 'toggle', schedule: null, startDate: '2026-01-01', params: { fail: 0 },
  tasks: [task('t', (ctx) => { if (ctx.params.fail) throw new Error('asked to fail'); return 'ok'; })],
});

export const rules = defineDag({
  id: 'rules', schedule: null, startDate: '2026-01-01',
  tasks: [
    task('ok', () => 1),
    task('bad', () => { throw new Error('bad data'); }),
    task({ id: 'needs_all', upstream: ['ok', 'bad'], run: () => 1 }),
    task({ id: 'cleanup', upstream: ['ok', 'bad'], triggerRule: 'all_done', run: () => 'cleaned' }),
    task({ id: 'on_failure', upstream: ['bad'], triggerRule: 'one_failed', run: () => 'alerted' }),
    task({ id: 'after_all', upstream: ['needs_all'], run: () => 1 }),
    task({ id: 'if_none_failed', upstream: ['ok'], triggerRule: 'none_failed', run: () => 1 }),
  ],
});
`),
);

let rt: Runtime;
beforeAll(async () => {
  rt = await testRuntime('run_dag', p);
  const files = dagFileProcessor(rt);
  try {
    expect(await files.sync()).toMatchObject({ dags: 6, errors: 0 });
  } finally {
    await files.close();
  }
});
afterAll(async () => {
  await rt.close();
  p.cleanup();
});

async function run(dagId: string, conf?: Record<string, number>) {
  const r = await triggerDag(rt, dagId, { conf, date: new Date('2026-02-03T00:00:00Z') });
  const [outcome] = await runToCompletion(rt, [r.id]);
  const tis = await rt.db.query<{ task_id: string; state: string; try_number: number; id: number }>(
    `SELECT id, task_id, state, try_number FROM sluice.task_instance WHERE run_id = $1 ORDER BY task_id`,
    [r.id],
  );
  return { runPk: r.id, state: outcome.state, tasks: Object.fromEntries(tis.rows.map((t) => [t.task_id, t])) };
}

test('a chain hands return values downstream and captures each task log', async () => {
  const r = await run('chain', { step: 4 });
  expect(r.state).toBe('success');
  const values = await rt.db.query(`SELECT task_id, value FROM sluice.task_return WHERE run_id = $1 ORDER BY task_id`, [
    r.runPk,
  ]);
  expect(values.rows).toEqual([
    { task_id: 'a', value: { n: 4 } },
    { task_id: 'b', value: { n: 5 } },
    { task_id: 'c', value: 50 },
  ]);
  const log = await readLog(rt.db, r.tasks.a.id);
  expect(log).toContain('hello from a\n');
  expect(log).toMatch(/INFO {2}ds=2026-02-03\n/);
  const order = await rt.db.query(`SELECT task_id FROM sluice.task_instance WHERE run_id = $1 ORDER BY start_date`, [
    r.runPk,
  ]);
  expect(order.rows.map((x) => x.task_id)).toEqual(['a', 'b', 'c']);
});

test('failed tries are retried with exponential backoff until one succeeds', async () => {
  const r = await run('flaky');
  expect(r.state).toBe('success');
  expect(r.tasks.f).toMatchObject({ state: 'success', try_number: 3 });
  const tries = await rt.db.query<{
    try_number: number;
    state: string;
    error: string | null;
    start_date: Date;
    end_date: Date;
  }>(
    `SELECT try_number, state, error, start_date, end_date FROM sluice.task_try WHERE ti_id = $1 ORDER BY try_number`,
    [r.tasks.f.id],
  );
  expect(tries.rows.map((t) => t.state)).toEqual(['up_for_retry', 'up_for_retry', 'success']);
  expect(tries.rows[0].error).toMatch(/transient failure on try 1/);
  // 200 ms after try 1, 400 ms after try 2
  expect(tries.rows[1].start_date.getTime() - tries.rows[0].end_date.getTime()).toBeGreaterThanOrEqual(195);
  expect(tries.rows[2].start_date.getTime() - tries.rows[1].end_date.getTime()).toBeGreaterThanOrEqual(395);
  const events = await rt.db.query(`SELECT kind FROM sluice.event WHERE run_id = $1 ORDER BY id`, [r.runPk]);
  expect(events.rows.map((e) => e.kind)).toEqual(['task_retry', 'task_retry', 'run_succeeded']);
});

test('a task over its execution timeout is killed and fails; downstream is upstream_failed', async () => {
  const started = Date.now();
  const r = await run('slow');
  expect(Date.now() - started).toBeLessThan(20_000);
  expect(r.state).toBe('failed');
  expect(r.tasks.sleep.state).toBe('failed');
  expect(r.tasks.after.state).toBe('upstream_failed');
  const t = await rt.db.query(`SELECT error FROM sluice.task_try WHERE ti_id = $1`, [r.tasks.sleep.id]);
  expect(t.rows[0].error).toMatch(/execution timeout of 0.5s/);
  const events = await rt.db.query(`SELECT kind FROM sluice.event WHERE run_id = $1 ORDER BY id`, [r.runPk]);
  expect(events.rows.map((e) => e.kind)).toEqual(['task_failed', 'run_failed']);
});

test('a worker process killed mid-task is replaced and the task retried', async () => {
  const r = await run('crash');
  expect(r.state).toBe('success');
  expect(r.tasks.dies).toMatchObject({ state: 'success', try_number: 2 });
  const t = await rt.db.query(`SELECT error FROM sluice.task_try WHERE ti_id = $1 AND try_number = 1`, [
    r.tasks.dies.id,
  ]);
  expect(t.rows[0].error).toMatch(/worker process running the task died \(signal SIGKILL\)/);
  // And the executor still runs other work afterwards.
  expect((await run('chain')).state).toBe('success');
});

test('trigger rules decide what runs after a failure', async () => {
  const r = await run('rules');
  const states = Object.fromEntries(Object.entries(r.tasks).map(([k, v]) => [k, v.state]));
  expect(states).toEqual({
    ok: 'success',
    bad: 'failed',
    needs_all: 'upstream_failed',
    after_all: 'upstream_failed',
    cleanup: 'success',
    on_failure: 'success',
    if_none_failed: 'success',
  });
  expect(r.state).toBe('failed');
  const recovered = await run('chain');
  expect(recovered.state).toBe('success');
});

test('a run that succeeds after a failed run records a recovery event', async () => {
  const failed = await run('toggle', { fail: 1 });
  expect(failed.state).toBe('failed');
  const ok = await run('toggle', { fail: 0 });
  expect(ok.state).toBe('success');
  const events = await rt.db.query(`SELECT kind FROM sluice.event WHERE run_id = $1 ORDER BY id`, [ok.runPk]);
  expect(events.rows.map((e) => e.kind)).toEqual(['run_succeeded', 'run_recovered']);
});
