import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { runToCompletion } from '../../src/actions/run-to-completion';
import { triggerDag } from '../../src/actions/trigger-dag';
import { dagFileProcessor, type Runtime } from '../../src/actions/runtime';
import { REPO, tempProject, testRuntime } from '../support/sandbox';
import { runSluice } from '../support/processes';
import { mixedPort } from '../support/mixed-port';

/**
 * Secrets stay with their origin and out of stored state, as a DAG meets it: httpToLake tasks whose API
 * redirects, links or retries to a second loopback server (another origin), and tasks that log, throw
 * and return a secret they read. Run on Postgres and on the embedded database.
 */

const execFileAsync = promisify(execFile);

// Different shapes on purpose: '/', '+' and '=' differ when URL-encoded.
const SECRETS = {
  SLUICE_T_KEY: 'key-7f3a/9c21+x=',
  SLUICE_T_TOKEN: 'tok-5b8e2d44',
  SLUICE_T_QKEY: 'qk-19c7e0aa',
  SLUICE_T_PG: 'postgresql://postgres:Pw-s3cret-42@127.0.0.1:9/srcdb',
};
const PG_PASSWORD = 'Pw-s3cret-42';
const VALUES = [
  SECRETS.SLUICE_T_KEY,
  encodeURIComponent(SECRETS.SLUICE_T_KEY),
  SECRETS.SLUICE_T_TOKEN,
  SECRETS.SLUICE_T_QKEY,
  PG_PASSWORD,
];
// Written into the DAG file's URL itself: sent (to that URL), but not kept in the stored DAG structure.
const LITERAL = 'lit-0a1b2c3d';

interface Seen {
  url: URL;
  headers: http.IncomingHttpHeaders;
}
const seen: { api: Seen[]; other: Seen[]; plain: Seen[] } = { api: [], other: [], plain: [] };
const calls = new Map<string, number>();
const count = (key: string) => {
  const n = (calls.get(key) ?? 0) + 1;
  calls.set(key, n);
  return n;
};
let apiUrl = '';
let otherUrl = '';
let securePort = 0;

const send = (res: http.ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

// The configured API (origin A): it checks the key, and sends some requests on to origin B.
const api = http.createServer((req, res) => {
  const u = new URL(req.url!, apiUrl);
  seen.api.push({ url: u, headers: req.headers });
  if (req.headers['x-api-key'] !== SECRETS.SLUICE_T_KEY) return send(res, { error: 'no key' }, 401);
  switch (u.pathname) {
    case '/paged': // page 2 lives on a CDN; the redirect carries the query as it came, key included
      return u.searchParams.get('page') === '2'
        ? res.writeHead(302, { location: `${otherUrl}/mirror${u.search}` }).end()
        : send(res, [{ id: 1 }, { id: 2 }]);
    case '/linked':
      return send(res, { items: [{ id: 1 }], next: `${otherUrl}/linked?page=2` });
    case '/busy': // an overloaded API that echoes the key, then hands over to the CDN
      return count('busy') === 1
        ? send(res, { error: `over quota for key ${SECRETS.SLUICE_T_KEY}` }, 503)
        : res.writeHead(307, { location: `${otherUrl}/busy` }).end();
    case '/denied':
      return send(res, { error: `key ${SECRETS.SLUICE_T_KEY} is revoked` }, 403);
    default:
      return send(res, { error: 'no such path' }, 404);
  }
});

// Another origin (B): serves data to anyone, and records what it was sent.
const other = http.createServer((req, res) => {
  const u = new URL(req.url!, otherUrl);
  seen.other.push({ url: u, headers: req.headers });
  if (u.pathname === '/mirror') return send(res, [{ id: 3 }]);
  if (u.pathname === '/linked') return send(res, { items: [{ id: 2 }], next: null });
  if (u.pathname === '/busy')
    return count('cdn') === 1 ? send(res, { error: 'slow down' }, 429, { 'retry-after': '0' }) : send(res, [{ id: 5 }]);
  return send(res, {}, 404);
});

// An https API whose redirect downgrades to plain http on the same host and port.
const downgrading: http.RequestListener = (req, res) => {
  const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
  const u = new URL(req.url!, `${encrypted ? 'https' : 'http'}://127.0.0.1:${securePort}`);
  if (!encrypted) {
    seen.plain.push({ url: u, headers: req.headers });
    return send(res, [{ id: 8 }]);
  }
  if (req.headers['x-api-key'] !== SECRETS.SLUICE_T_KEY) return send(res, { error: 'no key' }, 401);
  res.writeHead(302, { location: `http://127.0.0.1:${securePort}/plain` }).end();
};

const dagSource = () => `
import { execFileSync } from 'node:child_process';
import { defineDag, task } from 'sluice';
import { bashOperator, httpToLake, postgresToLake, readSecret } from 'sluice/operators';

const columns = [{ name: 'id', type: 'integer' }] as const;
const auth = { header: 'X-Api-Key', value: { env: 'SLUICE_T_KEY' } };
const api = ${JSON.stringify(apiUrl)};
const other = ${JSON.stringify(otherUrl)};

export const secrets = defineDag({
  id: 'secrets', schedule: null, startDate: '2026-01-01',
  tasks: [
    httpToLake({
      id: 'redirected', url: api + '/paged', auth, pagination: { mode: 'page', pageSize: 2 },
      headers: { 'X-Session-Token': { env: 'SLUICE_T_TOKEN' }, 'X-Tenant': 'acme' }, params: { api_key: { env: 'SLUICE_T_QKEY' } },
      source: 't', dataset: 'redirected', columns,
    }),
    httpToLake({ id: 'next_link', url: api + '/linked', auth, recordPath: 'items', pagination: { mode: 'next-link', nextPath: 'next' }, source: 't', dataset: 'linked', columns }),
    httpToLake({ id: 'retried', url: api + '/busy', auth, retry: { baseDelayMs: 1, maxDelayMs: 5 }, source: 't', dataset: 'busy', columns }),
    httpToLake({ id: 'downgraded', url: 'https://127.0.0.1:${securePort}/secure', auth, source: 't', dataset: 'downgraded', columns }),
    httpToLake({ id: 'literal_url', url: other + '/linked?token=${LITERAL}', recordPath: 'items', source: 't', dataset: 'literal', columns }),
    httpToLake({ id: 'rejected', url: api + '/denied', auth, source: 't', dataset: 'denied', columns }),
    postgresToLake({ id: 'pg_source', connection: { env: 'SLUICE_T_PG' }, table: 'public.x', source: 't', dataset: 'pg', columns }),
    task('leaky', (ctx) => {
      const key = readSecret({ env: 'SLUICE_T_KEY' }, 'leaky');
      console.log('console key=' + key);
      ctx.log.info('logged key=%s in %o', key, { key });
      return { key, nested: ['url?key=' + encodeURIComponent(key)], fine: 'no secret here' };
    }),
    task({ id: 'downstream', upstream: ['leaky'], run: (ctx) => ctx.upstream.leaky }),
    bashOperator({ id: 'shell', command: 'echo "token=$TOKEN"', env: { TOKEN: { env: 'SLUICE_T_TOKEN' } } }),
    task('inherited', () => {
      const token = readSecret({ env: 'SLUICE_T_TOKEN' }, 'inherited');
      // A subprocess writing to the worker's own stdout: not through the worker's JavaScript.
      execFileSync('sh', ['-c', 'echo "inherited token=$T"'], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, T: token } });
    }),
    task('throws', () => { throw new Error('the API refused key ' + readSecret({ env: 'SLUICE_T_KEY' }, 'throws')); }),
  ],
});
`;

const pg = tempProject();
const emb = tempProject();
let rt: Runtime;
let tls: Awaited<ReturnType<typeof mixedPort>>;

beforeAll(async () => {
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  tls = await mixedPort(pg.dir, downgrading);
  securePort = tls.port;
  // The worker children inherit these, as from a deployment's environment (and trust the loopback certificate).
  Object.assign(process.env, SECRETS, { NODE_EXTRA_CA_CERTS: tls.certFile });
  for (const p of [pg, emb]) p.write('secrets.ts', dagSource());
  rt = await testRuntime('task_secrets', pg);
  const files = dagFileProcessor(rt);
  try {
    expect(await files.sync()).toMatchObject({ errors: 0 });
  } finally {
    await files.close();
  }
});
beforeEach(() => {
  seen.api = [];
  seen.other = [];
  seen.plain = [];
  calls.clear();
});
afterAll(async () => {
  await rt.close();
  for (const s of [api, other]) {
    s.closeAllConnections();
    s.close();
  }
  await tls.close();
  for (const k of [...Object.keys(SECRETS), 'NODE_EXTRA_CA_CERTS']) delete process.env[k];
  pg.cleanup();
  emb.cleanup();
});

type Query = (sql: string) => Promise<Array<Record<string, any>>>;

/** The platform schema's rows a user can read back, as text per table. */
const STORED = [
  'task_log',
  'task_try',
  'task_return',
  'task_instance',
  'event',
  'ingestion_log',
  'dag_run',
  'dag_version',
];
async function stored(query: Query): Promise<Record<string, string>> {
  const rows = await query(
    STORED.map((t) => `SELECT '${t}' AS t, coalesce((SELECT json_agg(x)::text FROM sluice.${t} x), '') AS text`).join(
      ' UNION ALL ',
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.t as string, r.text as string]));
}

/** Per task of the run: state, the last try's error, the log and the return value. */
async function outcome(query: Query) {
  const rows = await query(`
    SELECT t.task_id, t.state,
           (SELECT y.error FROM sluice.task_try y WHERE y.ti_id = t.id ORDER BY y.try_number DESC LIMIT 1) AS error,
           (SELECT string_agg(l.content, '' ORDER BY l.id) FROM sluice.task_log l WHERE l.ti_id = t.id) AS log,
           (SELECT v.value FROM sluice.task_return v WHERE v.run_id = t.run_id AND v.task_id = t.task_id) AS value
      FROM sluice.task_instance t WHERE t.dag_id = 'secrets'`);
  return Object.fromEntries(rows.map((r) => [r.task_id as string, r]));
}

async function expectSafe(query: Query) {
  const tasks = await outcome(query);
  expect(Object.fromEntries(Object.entries(tasks).map(([k, v]) => [k, v.state]))).toEqual({
    redirected: 'success',
    next_link: 'success',
    retried: 'success',
    downgraded: 'success',
    literal_url: 'success',
    rejected: 'failed',
    pg_source: 'failed',
    leaky: 'success',
    downstream: 'success',
    throws: 'failed',
    shell: 'success',
    inherited: 'success',
  });

  // The configured origin got the credentials; the other origin got none, by redirect, next link or retry.
  expect(seen.api.length).toBeGreaterThan(0);
  for (const r of seen.api) expect(r.headers['x-api-key']).toBe(SECRETS.SLUICE_T_KEY);
  expect(seen.api.find((r) => r.url.pathname === '/paged')?.headers['x-session-token']).toBe(SECRETS.SLUICE_T_TOKEN);
  expect(seen.other.map((r) => r.url.pathname).sort()).toEqual(['/busy', '/busy', '/linked', '/linked', '/mirror']);
  expect(seen.other.filter((r) => r.url.searchParams.get('token') === LITERAL)).toHaveLength(1);
  for (const r of seen.other.filter((x) => !x.url.searchParams.has('token'))) {
    expect(r.headers['x-tenant']).toBeUndefined();
    const everything = r.url.toString() + JSON.stringify(r.headers);
    for (const v of VALUES) expect(everything).not.toContain(v);
  }

  // The logs say what was withheld, naming the task and both URLs.
  const from = `${apiUrl}/paged?api_key=***&page=2&per_page=2`;
  expect(tasks.redirected.log).toContain(
    `WARN  redirected: redirect from ${from} to ${otherUrl}/mirror?api_key=***&page=2&per_page=2, another origin: ` +
      `sent without x-session-token, x-tenant, x-api-key, query parameter api_key (credentials go to ${apiUrl} only)`,
  );
  expect(tasks.next_link.log).toContain(
    `next_link: next link from ${apiUrl}/linked to ${otherUrl}/linked?page=2, another origin: sent without x-api-key`,
  );
  expect(tasks.retried.log).toMatch(/retrying: .*over quota for key \*\*\*/);
  // https → http on the same host and port is another origin too.
  expect(seen.plain.map((r) => [r.url.pathname, r.headers['x-api-key']])).toEqual([['/plain', undefined]]);
  expect(tasks.downgraded.log).toContain(
    `downgraded: redirect from https://127.0.0.1:${securePort}/secure to http://127.0.0.1:${securePort}/plain, another origin: sent without x-api-key`,
  );
  expect(tasks.retried.log).toContain(
    `retried: redirect from ${apiUrl}/busy to ${otherUrl}/busy, another origin: sent without x-api-key`,
  );

  // A secret the task logs, throws or returns is stored as ***.
  expect(tasks.leaky.log).toContain('console key=***\n');
  expect(tasks.leaky.log).toContain("logged key=*** in { key: '***' }\n");
  expect(tasks.leaky.value).toEqual({ key: '***', nested: ['url?key=***'], fine: 'no secret here' });
  expect(tasks.downstream.value).toEqual(tasks.leaky.value);
  expect(tasks.shell.log).toBe('token=***\n');
  expect(tasks.inherited.log).toBe('inherited token=***\n');
  expect(tasks.shell.value).toBe('token=***');
  expect(tasks.throws.error).toMatch(/^Error: the API refused key \*\*\*\n/);
  expect(tasks.rejected.error).toBe(`GET ${apiUrl}/denied failed: HTTP 403: {"error":"key *** is revoked"}`);
  expect(tasks.pg_source.error).toMatch(/^cannot connect to the Postgres source at 127\.0\.0\.1:9\/srcdb: /);
  const failedLanding = await query(`SELECT error FROM sluice.ingestion_log WHERE source = 't.denied'`);
  expect(failedLanding).toEqual([{ error: `GET ${apiUrl}/denied failed: HTTP 403: {"error":"key *** is revoked"}` }]);

  // And nowhere in the platform schema.
  const all = await stored(query);
  expect(all.dag_version).toContain(`${otherUrl}/linked?token=***`);
  for (const [table, text] of Object.entries(all)) {
    for (const v of [...VALUES, LITERAL]) expect({ table, leaked: text.includes(v) }).toEqual({ table, leaked: false });
  }
}

test('Postgres: credentials reach the configured origin only, and no secret is stored', async () => {
  const t = await triggerDag(rt, 'secrets', { date: new Date('2026-01-01T00:00:00Z') });
  await runToCompletion(rt, [t.id]);
  await expectSafe(async (sql) => (await rt.db.query(sql)).rows);
});

test('embedded database (PGlite): the same', async () => {
  const home = path.join(emb.dir, '.sluice');
  const r = await runSluice(['dags', 'test', 'secrets', '--date', '2026-01-01'], {
    cwd: emb.dir,
    timeoutMs: 90_000,
    env: { DATABASE_URL: '', SLUICE_HOME: home, SLUICE_DAGS_FOLDER: emb.dags, SLUICE_WORKERS: '2' },
  });
  expect(r.stdout).toMatch(/: failed$/m);
  for (const v of VALUES) expect(r.stdout + r.stderr).not.toContain(v);
  await expectSafe(async (sql) => {
    const out = await execFileAsync(
      process.execPath,
      [path.join(REPO, 'bin/run-ts.js'), path.join(REPO, 'test/support/embedded-query.ts'), home, sql],
      { timeout: 60_000 },
    );
    return JSON.parse(out.stdout);
  });
}, 120_000);
