import pg from 'pg';
import type { DagStructure } from '../../src/dag/serialized-dag';
import type { Queryable } from '../../src/db/queryable';
import { runStatements } from '../../src/db/statement-batch';
import { upsertDags } from '../../src/state/dag-store';
import { createRun, finishRun, lockRun, lockRunSql, startQueuedRuns } from '../../src/state/runs';
import { createTestDatabase } from '../support/pg';

let db: { url: string; drop(): Promise<void> };
let client: pg.Client;
let sent: string[];
/** The client, counting what it sends: one query is one round trip. */
let q: Queryable;

beforeAll(async () => {
  db = await createTestDatabase('state_runs');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  q = {
    query: (sql: string, params?: readonly unknown[]) => {
      sent.push(sql);
      return client.query(sql, params as unknown[]) as never;
    },
  };
});
beforeEach(() => {
  sent = [];
});
afterAll(async () => {
  await client.end();
  await db.drop();
});

const structure: DagStructure = {
  dagId: 'state_runs',
  description: null,
  schedule: '@daily',
  timezone: 'UTC',
  startDate: '2026-01-01T00:00:00.000Z',
  endDate: null,
  catchup: true,
  owner: 'test',
  tags: [],
  params: {},
  maxActiveRuns: 1,
  maxActiveTasks: 16,
  line: null,
  tasks: [],
};

test('a statement batch is one round trip and gives each result under its name; undefined statements are left out', async () => {
  const r = await runStatements(q, { first: 'SELECT 1 AS a', skipped: undefined, second: 'SELECT 2 AS b' });
  expect(sent).toHaveLength(1);
  expect(r.first.rows).toEqual([{ a: 1 }]);
  expect(r.second.rows).toEqual([{ b: 2 }]);
  expect('skipped' in r).toBe(false);
  expect((await runStatements(q, { only: 'SELECT 3 AS c' })).only.rows).toEqual([{ c: 3 }]);
  expect(await runStatements(q, { none: undefined })).toEqual({});
  expect(sent).toHaveLength(2);
});

test('queued runs start within max_active_runs; a run ends once, under its lock', async () => {
  await upsertDags(q, [{ structure, filePath: '/dags/state_runs.ts' }]);
  const { rows } = await q.query<{ latest_version_id: number }>(
    `SELECT latest_version_id FROM sluice.dag WHERE dag_id = 'state_runs'`,
  );
  const versionId = rows[0].latest_version_id;
  const day = (d: number) => new Date(Date.UTC(2026, 0, d));
  const runs = [];
  for (const d of [1, 2])
    runs.push(
      await createRun(q, {
        dagId: 'state_runs',
        versionId,
        structure,
        runType: 'scheduled',
        interval: { start: day(d), end: day(d + 1) },
      }),
    );
  sent = [];
  const started = await startQueuedRuns(q, 'state_runs', 1);
  expect(sent).toHaveLength(1);
  expect(started.map((r) => Number(r.id))).toEqual([Number(runs[0]!.id)]);
  expect(await startQueuedRuns(q, 'state_runs', 1)).toEqual([]);

  const run = { id: Number(runs[0]!.id), dagId: 'state_runs' };
  await client.query(`BEGIN; ${lockRunSql(run.id)}`);
  expect(await lockRun(q, run.id)).toBe('running');
  expect(await finishRun(q, run, 'success')).toBe('success');
  expect(await finishRun(q, run, 'success')).toBeNull();
  await client.query('COMMIT');
  const events = await q.query<{ kind: string }>(`SELECT kind FROM sluice.event WHERE run_id = $1`, [run.id]);
  expect(events.rows.map((e) => e.kind)).toEqual(['run_succeeded']);
});
