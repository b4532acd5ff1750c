import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync, mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { runToCompletion } from '../../src/actions/run-to-completion';
import { triggerDag } from '../../src/actions/trigger-dag';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { dagFileProcessor, type Runtime } from '../../src/actions/runtime';
import { readLog } from '../../src/state/task-instances';
import { REPO, tempProject, testRuntime } from '../support/sandbox';
import { runSluice } from '../support/processes';

const execFileAsync = promisify(execFile);

// A paginated API that fails once with 503 before serving its pages, as real APIs do.
let calls = 0;
const api = http.createServer((req, res) => {
  const u = new URL(req.url!, 'http://x');
  calls++;
  if (req.headers['x-api-key'] !== 'k-123') {
    res.writeHead(401).end('{}');
    return;
  }
  if (calls === 1) {
    res.writeHead(503).end('busy');
    return;
  }
  const page = Number(u.searchParams.get('page'));
  const day = u.searchParams.get('day');
  const items =
    page <= 3
      ? Array.from({ length: page < 3 ? 2 : 1 }, (_, i) => ({ id: page * 10 + i, day, amount: `${page}.5${i}` }))
      : [];
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: { items } }));
});

const dagSource = (apiUrl: string, incoming: string) => `
import { defineDag, task } from 'sluice';
import { filesToLake, httpToLake, loadToRaw, postgresToLake, waitForObjects } from 'sluice/operators';

const people = [{ name: 'id', type: 'integer', nullable: false }, { name: 'name', type: 'text' }, { name: 'born', type: 'date' }] as const;

export const lake = defineDag({
  id: 'lake', schedule: '@daily', startDate: '2026-01-01', maxActiveRuns: 1,
  tasks: [
    filesToLake({ id: 'land_people', path: 'people-{{ds}}.csv', cwd: ${JSON.stringify(incoming)}, source: 'crm', dataset: 'people', columns: people }),
    waitForObjects({ id: 'people_landed', bucket: 'raw', key: 'crm/people/dt={{ds}}/', pokeInterval: '100ms', timeout: '5s', upstream: ['land_people'] }),
    loadToRaw({ id: 'load_people', upstream: ['people_landed'], source: 'crm', dataset: 'people' }),
    httpToLake({
      id: 'land_api', url: ${JSON.stringify(apiUrl)}, params: { day: '{{ds}}' }, recordPath: 'result.items',
      pagination: { mode: 'page', pageParam: 'page', firstPage: 1 }, retry: { baseDelayMs: 10 },
      auth: { header: 'X-Api-Key', value: 'k-123' },
      source: 'api', dataset: 'amounts', columns: [{ name: 'id', type: 'integer' }, { name: 'day', type: 'date' }, { name: 'amount', type: 'numeric' }],
    }),
    loadToRaw({ id: 'load_api', upstream: ['land_api'], source: 'api', dataset: 'amounts' }),
    task('seed_app', async (ctx) => {
      await ctx.warehouse.query('CREATE SCHEMA IF NOT EXISTS app');
      await ctx.warehouse.query('CREATE TABLE IF NOT EXISTS app.orders (id int PRIMARY KEY, total numeric, updated_at timestamptz NOT NULL)');
      const day = Number(ctx.ds.slice(-2));
      await ctx.warehouse.query(
        "INSERT INTO app.orders SELECT g, g * 1.5, $1::timestamptz + g * interval '1 minute' + interval '0.000123 second' FROM generate_series($2::int, $3::int) g ON CONFLICT DO NOTHING",
        [ctx.ds, day * 100, day * 100 + 4]);
    }),
    postgresToLake({
      id: 'land_orders', upstream: ['seed_app'], connection: 'warehouse', table: 'app.orders', watermarkColumn: 'updated_at',
      source: 'app', dataset: 'orders', columns: [{ name: 'id', type: 'integer' }, { name: 'total', type: 'numeric' }, { name: 'updated_at', type: 'timestamptz' }],
    }),
    loadToRaw({ id: 'load_orders', upstream: ['land_orders'], source: 'app', dataset: 'orders' }),
  ],
});

export const strict = defineDag({
  id: 'strict', schedule: null, startDate: '2026-01-01',
  tasks: [
    filesToLake({ id: 'land', path: 'bad-{{ds}}.csv', cwd: ${JSON.stringify(incoming)}, source: 'crm', dataset: 'bad', columns: people }),
    loadToRaw({ id: 'load', upstream: ['land'], source: 'crm', dataset: 'bad' }),
  ],
});

export const lenient = defineDag({
  id: 'lenient', schedule: null, startDate: '2026-01-01',
  tasks: [
    filesToLake({ id: 'land', path: 'bad-{{ds}}.csv', cwd: ${JSON.stringify(incoming)}, source: 'crm', dataset: 'lenient', columns: people, onMalformed: 'reject' }),
    loadToRaw({ id: 'load', upstream: ['land'], source: 'crm', dataset: 'lenient' }),
  ],
});
`;

function project() {
  const p = tempProject();
  const incoming = path.join(p.dir, 'incoming');
  mkdirSync(incoming);
  for (const ds of ['2026-01-01', '2026-01-02']) {
    writeFileSync(
      path.join(incoming, `people-${ds}.csv`),
      `id,name,born\n1,"Lovelace, Ada",1815-12-10\n2,,\n3,"",1906-12-09\n`,
    );
  }
  writeFileSync(
    path.join(incoming, 'bad-2026-01-01.csv'),
    'id,name,born\n1,ok,2000-01-01\n2,bad date,2000-02-30\n3,fine,2001-01-01\n',
  );
  return { ...p, incoming };
}

let apiUrl: string;
const pg = project();
const emb = project();
let rt: Runtime;

beforeAll(async () => {
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}/amounts`;
  for (const p of [pg, emb]) p.write('lake.ts', dagSource(apiUrl, p.incoming));
  rt = await testRuntime('lake_ops', pg);
  await sync(rt);
});
afterAll(async () => {
  await rt.close();
  api.close();
  pg.cleanup();
  emb.cleanup();
});

async function sync(r: Runtime) {
  const files = dagFileProcessor(r);
  try {
    expect(await files.sync()).toMatchObject({ errors: 0 });
  } finally {
    await files.close();
  }
}

async function run(r: Runtime, dagId: string, ds: string, conf?: Record<string, boolean>) {
  const t = await triggerDag(r, dagId, { date: new Date(`${ds}T00:00:00Z`), conf });
  const [outcome] = await runToCompletion(r, [t.id]);
  const tis = await r.db.query<{ task_id: string; state: string; id: number; error: string | null }>(
    `SELECT t.id, t.task_id, t.state, (SELECT y.error FROM sluice.task_try y WHERE y.ti_id = t.id ORDER BY y.try_number DESC LIMIT 1) AS error
       FROM sluice.task_instance t WHERE t.run_id = $1`,
    [t.id],
  );
  // A failed task's error in the test output, so an unexpected failure says why.
  for (const x of tis.rows)
    if (x.state === 'failed' && dagId === 'lake') console.error(`${dagId}.${x.task_id} failed: ${x.error}`);
  return { state: outcome.state, tasks: Object.fromEntries(tis.rows.map((x) => [x.task_id, x])) };
}

type Query = (sql: string) => Promise<{ rows: Array<Record<string, any>> }>;
const dump = (query: Query) =>
  query(`
  SELECT 'people' AS t, json_agg(x ORDER BY x._ds, x.id) AS rows FROM (SELECT id, name, born::text, _ds::text, _source_object FROM raw.crm_people) x
  UNION ALL SELECT 'amounts', json_agg(x ORDER BY x._ds, x.id) FROM (SELECT id, day::text, amount::text, _ds::text FROM raw.api_amounts) x
  UNION ALL SELECT 'orders', json_agg(x ORDER BY x._ds, x.id) FROM (SELECT id, total::text, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS updated_at, _ds::text FROM raw.app_orders) x
  ORDER BY t`).then((x) => x.rows);
const dumpOf = (r: Runtime) => dump(r.db.query.bind(r.db) as Query);

test('files, an HTTP API and a Postgres table land in the lake and load into raw; re-running a day changes nothing', async () => {
  const first = await run(rt, 'lake', '2026-01-01');
  expect(first.state).toBe('success');
  const day1 = await dumpOf(rt);
  const people = day1.find((x) => x.t === 'people')!.rows;
  expect(people).toEqual([
    {
      id: 1,
      name: 'Lovelace, Ada',
      born: '1815-12-10',
      _ds: '2026-01-01',
      _source_object: 'raw/crm/people/dt=2026-01-01/part-0000.csv',
    },
    { id: 2, name: null, born: null, _ds: '2026-01-01', _source_object: 'raw/crm/people/dt=2026-01-01/part-0000.csv' },
    {
      id: 3,
      name: '',
      born: '1906-12-09',
      _ds: '2026-01-01',
      _source_object: 'raw/crm/people/dt=2026-01-01/part-0000.csv',
    },
  ]);
  expect(day1.find((x) => x.t === 'amounts')!.rows.map((r: { id: number }) => r.id)).toEqual([10, 11, 20, 21, 30]);
  expect(await readLog(rt.db, first.tasks.land_api.id)).toMatch(/retrying.*503[\s\S]*landed 5 rows/);
  const orders1 = day1.find((x) => x.t === 'orders')!.rows;
  expect(orders1.map((r: { id: number }) => r.id)).toEqual([100, 101, 102, 103, 104]);
  expect(orders1[0].updated_at).toBe('2026-01-01 01:40:00.000123');
  const wm = await rt.db.query(`SELECT value FROM sluice.watermark WHERE source = 'app.orders'`);
  expect(wm.rows[0].value).toBe('2026-01-01 01:44:00.000123+00');

  // Day 2 reads only the rows past day 1's watermark.
  expect((await run(rt, 'lake', '2026-01-02')).state).toBe('success');
  const day2 = await dumpOf(rt);
  const orders2 = day2.find((x) => x.t === 'orders')!.rows.filter((r: { _ds: string }) => r._ds === '2026-01-02');
  expect(orders2.map((r: { id: number }) => r.id)).toEqual([200, 201, 202, 203, 204]);

  // Re-running day 1, and then day 2, leaves everything as it was.
  expect((await run(rt, 'lake', '2026-01-01')).state).toBe('success');
  expect((await run(rt, 'lake', '2026-01-02')).state).toBe('success');
  expect(await dumpOf(rt)).toEqual(day2);
  const log = await rt.db.query(
    `SELECT kind, count(*)::int AS n FROM sluice.ingestion_log WHERE status = 'success' GROUP BY kind ORDER BY kind`,
  );
  expect(log.rows).toEqual([
    { kind: 'land', n: 6 },
    { kind: 'load', n: 12 },
  ]);
});

test('a malformed row fails the landing with file and line, leaving no object and no table; reject mode sets it aside', async () => {
  const strict = await run(rt, 'strict', '2026-01-01');
  expect(strict.state).toBe('failed');
  expect(strict.tasks.land.state).toBe('failed');
  expect(strict.tasks.load.state).toBe('upstream_failed');
  const err = await rt.db.query(`SELECT error FROM sluice.task_try WHERE ti_id = $1 ORDER BY try_number DESC LIMIT 1`, [
    strict.tasks.land.id,
  ]);
  expect(err.rows[0].error).toMatch(
    /bad-2026-01-01\.csv line 3: column "born" \(date\): "2000-02-30" is not a valid date/,
  );
  expect(existsSync(path.join(pg.dir, '.sluice/lake/raw/crm/bad'))).toBe(false);
  expect((await rt.db.query(`SELECT to_regclass('raw.crm_bad') AS t`)).rows[0].t).toBeNull();

  const lenient = await run(rt, 'lenient', '2026-01-01');
  expect(lenient.state).toBe('success');
  expect((await rt.db.query(`SELECT id FROM raw.crm_lenient ORDER BY id`)).rows).toEqual([{ id: 1 }, { id: 3 }]);
  const rejects = await rt.db.query(
    `SELECT rows::int, rejected_rows::int FROM sluice.ingestion_log WHERE source = 'crm.lenient' AND kind = 'land'`,
  );
  expect(rejects.rows).toEqual([{ rows: 2, rejected_rows: 1 }]);
});

test('the embedded database (PGlite, batched INSERT instead of COPY) builds the same raw tables', async () => {
  const expected = await dumpOf(rt);
  const home = path.join(emb.dir, '.sluice');
  const sluice = (...args: string[]) =>
    runSluice(args, {
      cwd: emb.dir,
      timeoutMs: 90_000,
      env: { DATABASE_URL: '', SLUICE_HOME: home, SLUICE_DAGS_FOLDER: emb.dags, SLUICE_WORKERS: '2' },
    });
  calls = 0;
  expect((await sluice('dags', 'test', 'lake', '--date', '2026-01-01')).stdout).toMatch(/: success$/m);
  calls = 0;
  const day2 = await sluice('dags', 'test', 'lake', '--date', '2026-01-02');
  expect(day2.stdout).toMatch(/: success$/m);
  const query = async (sql: string) => {
    const r = await execFileAsync(
      process.execPath,
      [path.join(REPO, 'bin/run-ts.js'), path.join(REPO, 'test/support/embedded-query.ts'), home, sql],
      { timeout: 60_000 },
    );
    return { rows: JSON.parse(r.stdout) as Array<Record<string, any>> };
  };
  expect(await dump(query)).toEqual(expected);
  const methods =
    await query(`SELECT DISTINCT substring(l.content from 'with (COPY|batched INSERT)') AS how FROM sluice.task_log l
    JOIN sluice.task_instance t ON t.id = l.ti_id WHERE t.operator = 'load_to_raw'`);
  expect(methods.rows).toEqual([{ how: 'batched INSERT' }]);
}, 120_000);
