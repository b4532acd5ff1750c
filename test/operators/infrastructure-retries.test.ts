import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { runToCompletion } from '../../src/actions/run-to-completion';
import { triggerDag } from '../../src/actions/trigger-dag';
import { syncDagFiles, type Runtime } from '../../src/actions/runtime';
import { waitFor } from '../support/processes';
import { tempProject, testRuntime } from '../support/sandbox';

// A crashed gate or a lost log write is an accident: retried. A closed gate is a verdict: not retried.
const p = tempProject();
const suites = path.join(p.dir, 'expectations');
mkdirSync(suites, { recursive: true });
writeFileSync(
  path.join(suites, 'gate_ok.json'),
  JSON.stringify({
    name: 'gate_ok',
    table: 'public.gate_data',
    expectations: [{ type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id' } }],
  }),
);
writeFileSync(
  path.join(suites, 'gate_bad.json'),
  JSON.stringify({
    name: 'gate_bad',
    table: 'public.gate_data',
    expectations: [{ type: 'expect_column_values_to_be_between', kwargs: { column: 'id', max_value: 1 } }],
  }),
);
mkdirSync(path.join(p.dir, 'incoming'));
writeFileSync(path.join(p.dir, 'incoming', 'items.csv'), 'id,name\n1,a\n2,b\n');
p.write(
  'gates.ts',
  `
import { defineDag } from 'sluice';
import { checkpoint, filesToLake } from 'sluice/operators';
const opts = { suitesDir: ${JSON.stringify(suites)}, retryDelay: 0 };
export const crashed = defineDag({ id: 'crashed', schedule: null, startDate: '2026-01-01', tasks: [checkpoint({ id: 'gate', suites: ['gate_ok'], ...opts })] });
export const closed = defineDag({ id: 'closed', schedule: null, startDate: '2026-01-01', tasks: [checkpoint({ id: 'gate', suites: ['gate_bad'], ...opts })] });
export const landing = defineDag({
  id: 'landing', schedule: null, startDate: '2026-01-01',
  tasks: [filesToLake({ id: 'land', path: 'items.csv', cwd: ${JSON.stringify(path.join(p.dir, 'incoming'))}, source: 'shop', dataset: 'items',
    retries: 1, retryDelay: 0, columns: [{ name: 'id', type: 'integer' }, { name: 'name', type: 'text' }] })],
});
`,
);

let rt: Runtime & { url: string };
beforeAll(async () => {
  rt = await testRuntime('infra_retries', p);
  await rt.db.query('CREATE TABLE public.gate_data AS SELECT g AS id FROM generate_series(1, 5) g');
  await syncDagFiles(rt);
});
afterAll(async () => {
  await rt.close();
  p.cleanup();
});

const triesOf = async (runId: number) =>
  (
    await rt.db.query<{ try_number: number; state: string; error: string | null }>(
      `SELECT y.try_number, y.state, y.error FROM sluice.task_try y JOIN sluice.task_instance t ON t.id = y.ti_id WHERE t.run_id = $1 ORDER BY 1`,
      [runId],
    )
  ).rows;

test('a checkpoint whose connection is killed mid-check is retried, and passes', async () => {
  const blocker = new pg.Client({ connectionString: rt.url });
  await blocker.connect();
  try {
    await blocker.query('BEGIN; LOCK TABLE public.gate_data IN ACCESS EXCLUSIVE MODE');
    const run = await triggerDag(rt, 'crashed');
    const done = runToCompletion(rt, [run.id]);
    // The gate waits on the lock; its connection is then terminated, as a Postgres restart or a network cut would.
    const pid = await waitFor(
      async () =>
        (
          await rt.db.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%gate_data%' AND pid <> pg_backend_pid()`,
          )
        ).rows[0]?.pid,
      30_000,
      'the gate to wait',
    );
    await rt.db.query('SELECT pg_terminate_backend($1)', [pid]);
    await blocker.query('COMMIT');
    const [outcome] = await done;
    expect(outcome.state).toBe('success');
    const tries = await triesOf(run.id);
    expect(tries.map((t) => [t.try_number, t.state])).toEqual([
      [1, 'up_for_retry'],
      [2, 'success'],
    ]);
    expect(tries[0].error).toMatch(/terminat/i);
  } finally {
    await blocker.end();
  }
});

test('a closed gate fails at once, whatever retries are left', async () => {
  const run = await triggerDag(rt, 'closed');
  const [outcome] = await runToCompletion(rt, [run.id]);
  expect(outcome.state).toBe('failed');
  const tries = await triesOf(run.id);
  expect(tries.map((t) => [t.try_number, t.state])).toEqual([[1, 'failed']]);
  expect(tries[0].error).toMatch(/quality gate gate_bad failed on public\.gate_data: 1 expectation\(s\) failed/);
});

test('a landing whose ingestion-log write was lost gets its log row when the retry finds the object landed', async () => {
  // The first write to the ingestion log fails, as if the connection had dropped right after the upload.
  // (A sequence, because it is not rolled back with the failed insert.)
  await rt.db.query(`CREATE SEQUENCE public.ingestion_writes;
    CREATE FUNCTION public.lose_first() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF nextval('public.ingestion_writes') = 1 THEN
        RAISE EXCEPTION 'connection lost (simulated)';
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER lose_first BEFORE INSERT ON sluice.ingestion_log FOR EACH ROW EXECUTE FUNCTION public.lose_first();`);
  try {
    const run = await triggerDag(rt, 'landing');
    const [outcome] = await runToCompletion(rt, [run.id]);
    expect(outcome.state).toBe('success');
    expect((await triesOf(run.id)).map((t) => t.state)).toEqual(['up_for_retry', 'success']);
    const log = await rt.db
      .query(`SELECT status, object_key, rows::int, checksum IS NOT NULL AS has_checksum FROM sluice.ingestion_log
      WHERE source = 'shop.items' AND kind = 'land' ORDER BY id`);
    expect(log.rows).toEqual([
      { status: 'failed', object_key: null, rows: null, has_checksum: false },
      {
        status: 'success',
        object_key: expect.stringMatching(/^shop\/items\/dt=\d{4}-\d\d-\d\d\/part-0000\.csv$/),
        rows: 2,
        has_checksum: true,
      },
    ]);
  } finally {
    await rt.db.query('DROP TRIGGER lose_first ON sluice.ingestion_log');
  }
});
