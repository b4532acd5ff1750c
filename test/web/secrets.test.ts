import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tempProject } from '../support/sandbox';
import { waitFor } from '../support/processes';
import { callApi } from '../support/api-check';
import { STACK_KINDS, startWebStack, WebClient, type WebStack } from '../support/web-stack';

/**
 * A secret a task resolves never reaches what the web server shows: a DAG whose tasks read a secret
 * (`{ env: … }`) and a connection password, log them, return them, fail with them and send them in
 * templated fields; every page and API answer about the run shows `***` where the value was.
 */

const SECRET = 'zq7-Sekret-Value-81x';
const PG_PASSWORD = 'Pg-Pass-53cr3t';
const MASK = '***';

// The API the httpToLake task calls: it echoes what it was sent in a body that is not JSON (so the
// task fails with an excerpt of it, secret included, in its error).
let echoUrl = '';
const echo = http.createServer((req, res) => {
  res
    .writeHead(200, { 'content-type': 'text/plain' })
    .end(`not json: you sent ${req.headers.authorization} to ${req.url}`);
});

const p = tempProject();
p.write(
  'secrets.ts',
  `import { defineDag, task } from 'sluice';
import { bashOperator, httpToLake, postgresToLake, readSecret } from 'sluice/operators';

const columns = [{ name: 'id', type: 'integer' }] as const;

export const secrets = defineDag({
  id: 'secrets', schedule: null, startDate: '2026-01-01',
  tasks: [
    task('leaks', (ctx) => {
      const v = readSecret({ env: 'SLUICE_T_SECRET' }, 'leaks token');
      console.log('console says', v);
      ctx.log.info('ctx.log says %s', v);
      console.error(JSON.stringify({ nested: { v } }));
      return { token: v, list: [v, 'x' + v + 'y'], [v]: 'as a key', url: 'https://h/?k=' + encodeURIComponent(v) };
    }),
    task({ id: 'fails', retries: 0, run: () => {
      const v = readSecret({ env: 'SLUICE_T_SECRET' }, 'fails token');
      throw new Error('the API rejected ' + v);
    } }),
    task({ id: 'downstream', upstream: ['leaks'], run: (ctx) => {
      console.log('upstream gave', JSON.stringify(ctx.upstream));
      return ctx.upstream;
    } }),
    bashOperator({
      id: 'bash', env: { TOKEN: { env: 'SLUICE_T_SECRET' } },
      command: 'echo "bash sees $TOKEN"; echo "stderr sees $TOKEN" >&2; echo "$TOKEN"',
    }),
    bashOperator({
      id: 'bash_fails', retries: 0, env: { TOKEN: { env: 'SLUICE_T_SECRET' } },
      command: 'echo "about to fail with $TOKEN"; exit 3',
    }),
    httpToLake({
      id: 'http', retries: 0, source: 'web', dataset: 'echo', columns,
      url: (ctx) => process.env.SLUICE_T_ECHO + '/v1/' + ctx.ds,
      params: { api_key: { env: 'SLUICE_T_SECRET' }, day: '{{ds}}' },
      auth: { header: 'Authorization', prefix: 'Bearer ', value: { env: 'SLUICE_T_SECRET' } },
      maxRetries: 0,
    }),
    // The server echoes the password back in its error (an invalid setting of that value).
    postgresToLake({
      id: 'pg', retries: 0, source: 'pg', dataset: 'nothing', columns,
      connection: { env: 'SLUICE_T_PG' }, query: 'select 1 as id',
    }),
  ],
});
`,
);

// Read when the file is imported (the docs say: inside run), so the value reaches the DAG's structure.
p.write(
  'parsed.ts',
  `import { defineDag } from 'sluice';
import { bashOperator, readSecret } from 'sluice/operators';

const early = readSecret({ env: 'SLUICE_T_SECRET' }, 'parse-time token');
export const parsed = defineDag({
  id: 'parsed', schedule: null, startDate: '2026-01-01', description: 'calls with ' + early,
  params: { key: early },
  tasks: [bashOperator({ id: 'call', command: 'echo calling with ' + early, doc: 'uses ' + early })],
});
`,
);

afterAll(() => {
  echo.close();
  p.cleanup();
});

beforeAll(async () => {
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});

describe.each(STACK_KINDS)('secrets on the web server on %s', (kind) => {
  let stack: WebStack;
  let admin: WebClient;
  let token = '';
  let runId = '';
  const api = (method: string, url: string, json?: unknown) => callApi(stack.url, token, method, url, json);
  const EARLY = ['early1', 'early2', 'early3'];
  const TASKS = ['leaks', 'fails', 'downstream', 'bash', 'bash_fails', 'http', 'pg'];

  const ended = (dagId: string, run: string) =>
    waitFor(
      async () => {
        const r = await api('GET', `/dags/${dagId}/runs/${encodeURIComponent(run)}`);
        return r.body.state === 'failed' || r.body.state === 'success' ? r : undefined;
      },
      90_000,
      `${dagId} ${run} to end`,
    );

  beforeAll(async () => {
    stack = await startWebStack(kind, `secrets_${kind}`, p, {
      SLUICE_T_SECRET: SECRET,
      SLUICE_T_ECHO: echoUrl,
      SLUICE_T_PG: `postgresql://postgres:${PG_PASSWORD}@127.0.0.1:5432/postgres?options=${encodeURIComponent(`-c statement_timeout=${PG_PASSWORD}`)}`,
    });
    token = (await stack.sluice(['users', 'tokens', 'create', 'admin', 'tests'])).stdout.trim().split('\n').at(-1)!;
    admin = new WebClient(stack.url);
    expect((await admin.login('admin', stack.adminPassword)).status).toBe(303);
    for (const dagId of ['secrets', 'parsed'])
      await waitFor(async () => (await api('GET', `/dags/${dagId}`)).status === 200, 60_000, `${dagId} to be parsed`);
    const made = await api('POST', '/dags/secrets/runs', { dag_run_id: 'leaky' });
    expect(made.status).toBe(201);
    runId = made.body.run_id;
    await ended('secrets', runId);
    // Three runs on two worker children: one child runs the task twice, with the file imported once.
    for (const r of EARLY) {
      expect((await api('POST', '/dags/parsed/runs', { dag_run_id: r })).status).toBe(201);
      await ended('parsed', r);
    }
  }, 240_000);
  afterAll(async () => stack?.stop(), 60_000);

  const noSecret = (where: string, text: string) => {
    for (const v of [SECRET, PG_PASSWORD, encodeURIComponent(SECRET)])
      expect([where, text.includes(v)]).toEqual([where, false]);
  };

  test('each task ended as the DAG means it to, with the secret masked where it was written', async () => {
    const run = await api('GET', `/dags/secrets/runs/${runId}`);
    expect(
      Object.fromEntries(run.body.task_instances.map((t: { task_id: string; state: string }) => [t.task_id, t.state])),
    ).toEqual({
      leaks: 'success',
      fails: 'failed',
      downstream: 'success',
      bash: 'success',
      bash_fails: 'failed',
      http: 'failed',
      pg: 'failed',
    });
    const log = async (task: string) => (await api('GET', `/dags/secrets/runs/${runId}/tasks/${task}/logs/1`)).text;
    expect(await log('leaks')).toContain(`console says ${MASK}`);
    expect(await log('leaks')).toContain(`ctx.log says ${MASK}`);
    expect(await log('leaks')).toContain(`{"nested":{"v":"${MASK}"}}`);
    expect(await log('bash')).toContain(`bash sees ${MASK}`);
    expect(await log('bash')).toContain(`stderr sees ${MASK}`);
    expect(await log('bash_fails')).toContain(`about to fail with ${MASK}`);
    const leaks = await api('GET', `/dags/secrets/runs/${runId}/tasks/leaks`);
    expect(leaks.body.return_value).toEqual({
      token: MASK,
      list: [MASK, `x${MASK}y`],
      [MASK]: 'as a key',
      url: `https://h/?k=${MASK}`,
    });
    expect((await api('GET', `/dags/secrets/runs/${runId}/tasks/downstream`)).body.return_value).toEqual({
      leaks: leaks.body.return_value,
    });
    expect((await api('GET', `/dags/secrets/runs/${runId}/tasks/bash`)).body.return_value).toBe(MASK);
    const failure = async (task: string) =>
      (await api('GET', `/dags/secrets/runs/${runId}/tasks/${task}`)).body.tries.at(-1).error as string;
    expect(await failure('fails')).toContain(`the API rejected ${MASK}`);
    expect(await failure('http')).toContain(`you sent Bearer ${MASK}`);
    expect(await failure('http')).toContain(`api_key=${MASK}`);
    expect(await failure('pg')).toContain(`invalid value for parameter "statement_timeout": "${MASK}"`);
  });

  test('the secret appears on no page and in no API answer about the run', async () => {
    const enc = encodeURIComponent;
    const pages = [
      '/dags',
      '/dags/secrets',
      '/dags/secrets/code',
      '/dags/secrets/graph',
      `/dags/secrets/graph?run=${enc(runId)}`,
      `/dags/secrets/runs/${enc(runId)}`,
      ...TASKS.flatMap((t) => [
        `/dags/secrets/runs/${enc(runId)}/tasks/${t}`,
        `/dags/secrets/runs/${enc(runId)}/tasks/${t}?try=1`,
      ]),
      '/dags/parsed',
      '/dags/parsed/code',
      '/dags/parsed/trigger',
      ...EARLY.flatMap((r) => [`/dags/parsed/runs/${r}`, `/dags/parsed/runs/${r}/tasks/call`]),
    ];
    for (const url of pages) {
      const res = await admin.get(url);
      expect([url, res.status]).toEqual([url, 200]);
      noSecret(url, res.text_);
    }
    const code = (await admin.get('/dags/secrets/code')).text_;
    expect(code).toContain('{ env: &#x27;SLUICE_T_SECRET&#x27; }');
    const ti = (await admin.get(`/dags/secrets/runs/${enc(runId)}/tasks/leaks`)).text_;
    expect(ti).toContain(`console says ${MASK}`);
    expect(ti).toContain(`&quot;token&quot;: &quot;${MASK}&quot;`);
    expect((await admin.get(`/dags/secrets/runs/${enc(runId)}/tasks/fails`)).text_).toContain(
      `the API rejected ${MASK}`,
    );
    expect((await admin.get(`/dags/secrets/runs/${enc(runId)}`)).text_).toContain(`the API rejected ${MASK}`);

    const answers = [
      '/dags',
      '/dags/secrets',
      '/dags/secrets/runs',
      `/dags/secrets/runs/${enc(runId)}`,
      ...TASKS.flatMap((t) => [
        `/dags/secrets/runs/${enc(runId)}/tasks/${t}`,
        `/dags/secrets/runs/${enc(runId)}/tasks/${t}/logs/1`,
      ]),
      '/dags/parsed',
      '/import-errors',
      ...EARLY.flatMap((r) => [
        `/dags/parsed/runs/${r}`,
        `/dags/parsed/runs/${r}/tasks/call`,
        `/dags/parsed/runs/${r}/tasks/call/logs/1`,
      ]),
    ];
    for (const url of answers) {
      const res = await api('GET', url);
      expect([url, res.status]).toEqual([url, 200]);
      noSecret(`/api/v1${url}`, res.text);
    }
    // A secret the DAG file read while imported: masked in its stored structure and in every try's log.
    const parsed = await api('GET', '/dags/parsed');
    expect(parsed.body.description).toBe(`calls with ${MASK}`);
    for (const r of EARLY) {
      expect((await api('GET', `/dags/parsed/runs/${r}`)).body.state).toBe('success');
      expect((await api('GET', `/dags/parsed/runs/${r}/tasks/call/logs/1`)).text).toContain(`calling with ${MASK}`);
    }
    expect((await admin.get('/dags/parsed/runs/early1/tasks/call')).text_).toContain(`echo calling with ${MASK}`);
    expect((await admin.get('/dags/parsed/trigger')).text_).toContain(`value="${MASK}"`);
    // Nor the events, nor what the processes printed.
    const events = await stack.sluice(['sql', 'select kind, payload::text from sluice.event order by id', '--csv']);
    expect(events.stdout).toContain('task_failed');
    noSecret('sluice.event', events.stdout);
    noSecret('the standalone output', stack.output());
  }, 60_000);
});
