import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dagFile, tempProject } from '../support/sandbox';
import { waitFor } from '../support/processes';
import { callApi, openApiChecker } from '../support/api-check';
import { addUser, apiToken, STACK_KINDS, startWebStack, WebClient, type WebStack } from '../support/web-stack';
import { ROUTES } from '../../src/web/api/routes';

const HOSTILE = `<script>alert("x")</script> & 'q'`;

const p = tempProject();
const FLAG = path.join(p.dir, 'flip.flag');
p.write(
  'pipelines.ts',
  dagFile(`
export const ok = defineDag({
  id: 'ok', schedule: null, startDate: '2026-01-01', tags: ['web'], params: { n: 1, loud: false, who: 'me' },
  tasks: [task('a', (ctx) => { console.log('n is', ctx.params.n); return { n: ctx.params.n }; }), task({ id: 'b', upstream: ['a'], run: () => 2 })],
});
export const hostile = defineDag({
  id: 'hostile', schedule: null, startDate: '2026-01-01', description: ${JSON.stringify(HOSTILE)}, tags: [${JSON.stringify(HOSTILE)}],
  owner: ${JSON.stringify(HOSTILE)},
  tasks: [task('say', () => { console.log(${JSON.stringify(HOSTILE)}); return ${JSON.stringify(HOSTILE)}; })],
});
export const flip = defineDag({
  id: 'flip', schedule: null, startDate: '2026-01-01',
  tasks: [
    task('a', () => { if (require('node:fs').existsSync(${JSON.stringify(FLAG)})) throw new Error('flag is up'); return 'a'; }),
    task({ id: 'b', upstream: ['a'], run: () => 'b' }),
  ],
});
export const fails = defineDag({
  id: 'fails', schedule: null, startDate: '2026-01-01',
  tasks: [task('boom', () => { throw new Error('it broke: ' + ${JSON.stringify(HOSTILE)}); })],
});
`),
);
p.write(
  'broken.ts',
  `import { defineDag } from 'sluice';\nexport default defineDag({ id: 'broken', startDate: 'never' });\n`,
);

afterAll(() => p.cleanup());

describe.each(STACK_KINDS)('the web server on %s', (kind) => {
  let stack: WebStack;
  let admin: WebClient;
  const tokens: Record<string, string> = {};
  const passwords: Record<string, string> = { viewer: 'viewer-pass-1', op: 'op-pass-12' };
  let doc: Record<string, unknown>;
  let conforms: ReturnType<typeof openApiChecker>;
  const api = (token: string | undefined, method: string, url: string, json?: unknown) =>
    callApi(stack.url, token, method, url, json);

  beforeAll(async () => {
    stack = await startWebStack(kind, `web_${kind}`, p);
    tokens.viewer = await addUser(stack, 'viewer', 'Viewer', passwords.viewer);
    tokens.op = await addUser(stack, 'op', 'Op', passwords.op);
    tokens.admin = await apiToken(stack, 'admin');
    admin = new WebClient(stack.url);
    expect((await admin.login('admin', stack.adminPassword)).status).toBe(303);
    doc = (await api(tokens.viewer, 'GET', '/openapi.json')).body;
    conforms = openApiChecker(doc);
  }, 180_000);
  afterAll(async () => stack?.stop(), 60_000);

  test('anonymous: pages redirect to the login, the API answers 401 in JSON, health is public', async () => {
    const page = await fetch(`${stack.url}/dags/ok`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2Fdags%2Fok');
    for (const r of ROUTES.filter((x) => x.permission !== 'public')) {
      const url = r.path
        .replace('{dag_id}', 'ok')
        .replace('{run_id}', 'x')
        .replace('{task_id}', 'a')
        .replace('{try_number}', '1');
      const res = await api(undefined, r.method.toUpperCase(), url, r.method === 'get' ? undefined : {});
      expect([r.path, res.status, res.body.error?.code]).toEqual([r.path, 401, 'UNAUTHENTICATED']);
    }
    const health = await api(undefined, 'GET', '/health');
    expect(health.body).toEqual({ status: 'ok' });
    conforms('get', '/health', 200, health.body);
    expect((await api('sluice_not-a-token', 'GET', '/dags')).status).toBe(401);
  });

  test('the role matrix: a Viewer reads and is refused every action, an Op acts', async () => {
    const write = ROUTES.filter((r) => r.permission === 'operate');
    expect(write.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'patch /dags/{dag_id}',
        'patch /dags/{dag_id}/runs/{run_id}/tasks/{task_id}',
        'post /dags/{dag_id}/runs',
        'post /dags/{dag_id}/runs/{run_id}/clear',
      ]),
    );
    for (const r of write) {
      const url = r.path.replace('{dag_id}', 'ok').replace('{run_id}', 'x').replace('{task_id}', 'a');
      const res = await api(
        tokens.viewer,
        r.method.toUpperCase(),
        url,
        r.method === 'patch' ? { is_paused: true } : {},
      );
      expect([r.path, res.status, res.body.error.code]).toEqual([r.path, 403, 'FORBIDDEN']);
      expect(res.body.error.message).toMatch(/viewer is a Viewer: this needs the Op role/);
      conforms(r.method, r.path, 403, res.body);
    }
    const paused = await api(tokens.op, 'PATCH', '/dags/ok', { is_paused: true });
    expect(paused.status).toBe(200);
    conforms('patch', '/dags/{dag_id}', 200, paused.body);
    expect(paused.body.is_paused).toBe(true);
    expect((await api(tokens.op, 'PATCH', '/dags/ok', { is_paused: false })).body.is_paused).toBe(false);
    expect((await api(tokens.op, 'PATCH', '/dags/ok', { is_paused: 'yes' })).body.error).toEqual({
      code: 'USAGE',
      message: 'the body must be {"is_paused": true|false}',
    });
  });

  test('trigger through the API, then read the run, its task instances, a log; all as documented', async () => {
    const made = await api(tokens.op, 'POST', '/dags/ok/runs', { conf: { n: 7 }, dag_run_id: 'api_run_1' });
    expect(made.status).toBe(201);
    conforms('post', '/dags/{dag_id}/runs', 201, made.body);
    expect(made.body).toMatchObject({ dag_id: 'ok', run_id: 'api_run_1', run_type: 'manual' });
    const run = await waitFor(
      async () => {
        const r = await api(tokens.viewer, 'GET', '/dags/ok/runs/api_run_1');
        return r.body.state === 'success' ? r : undefined;
      },
      60_000,
      'the run to succeed',
    );
    conforms('get', '/dags/{dag_id}/runs/{run_id}', 200, run.body);
    expect(run.body.conf).toEqual({ n: 7 });
    expect(
      run.body.task_instances.map((t: { task_id: string; state: string }) => `${t.task_id}:${t.state}`).sort(),
    ).toEqual(['a:success', 'b:success']);
    const ti = await api(tokens.viewer, 'GET', '/dags/ok/runs/api_run_1/tasks/a');
    conforms('get', '/dags/{dag_id}/runs/{run_id}/tasks/{task_id}', 200, ti.body);
    expect(ti.body).toMatchObject({ instance: { state: 'success', try_number: 1 }, return_value: { n: 7 } });
    const log = await api(tokens.viewer, 'GET', '/dags/ok/runs/api_run_1/tasks/a/logs/1');
    expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(log.text).toContain('n is 7');
    const noTry = await api(tokens.viewer, 'GET', '/dags/ok/runs/api_run_1/tasks/a/logs/2');
    expect(noTry.status).toBe(400);
    expect(noTry.body.error.message).toMatch(/has no try 2/);
    const again = await api(tokens.op, 'POST', '/dags/ok/runs', { dag_run_id: 'api_run_1' });
    expect(again.status).toBe(409);
    conforms('post', '/dags/{dag_id}/runs', 409, again.body);
    for (const [body, msg] of [
      [{ conf: [1] }, /conf must be a JSON object/],
      [{ logical_date: 'soon' }, /logical_date must be an ISO date-time/],
    ] as const) {
      const bad = await api(tokens.op, 'POST', '/dags/ok/runs', body);
      expect([bad.status, bad.body.error.message]).toEqual([400, expect.stringMatching(msg)]);
    }
    expect((await api(tokens.viewer, 'GET', '/dags/nope')).body.error.code).toBe('DAG_NOT_FOUND');
    expect((await api(tokens.viewer, 'GET', '/dags/ok/runs/nope')).body.error.code).toBe('RUN_NOT_FOUND');
    expect((await api(tokens.viewer, 'GET', '/no/such/route')).status).toBe(404);
  }, 90_000);

  test('the graph draws every task, its edges and the tables it reads and writes, in the state of a run', async () => {
    const res = await admin.get('/dags/ok/graph');
    expect(res.status).toBe(200);
    const svg = /<svg class="dag-graph"[\s\S]*<\/svg>/.exec(res.text_)![0];
    expect(svg.match(/class="node node-task[^"]*"/g)).toHaveLength(2);
    expect(svg.match(/class="edge edge-dep"/g)).toHaveLength(1);
    expect(svg).toMatch(/<title>a: (success|none|queued|running)<\/title>/);
    expect((await admin.get('/dags/ok/graph?run=nope')).status).toBe(404);
  });

  test('lists are paginated and filtered', async () => {
    for (let i = 1; i <= 3; i++)
      expect((await api(tokens.op, 'POST', '/dags/ok/runs', { dag_run_id: `page_${i}` })).status).toBe(201);
    const all = await api(tokens.viewer, 'GET', '/dags/ok/runs');
    conforms('get', '/dags/{dag_id}/runs', 200, all.body);
    const names = all.body.items.map((r: { run_id: string }) => r.run_id);
    expect(names.slice(0, 3)).toEqual(['page_3', 'page_2', 'page_1']);
    const second = await api(tokens.viewer, 'GET', '/dags/ok/runs?limit=1&offset=1');
    expect(second.body).toMatchObject({ total: all.body.total, limit: 1, offset: 1, items: [{ run_id: 'page_2' }] });
    const failed = await api(tokens.viewer, 'GET', '/dags/ok/runs?state=failed');
    expect(failed.body).toMatchObject({ items: [], total: 0 });
    const dags = await api(tokens.viewer, 'GET', '/dags?tag=web');
    conforms('get', '/dags', 200, dags.body);
    expect(dags.body.items.map((d: { dag_id: string }) => d.dag_id)).toEqual(['ok']);
    expect(
      (await api(tokens.viewer, 'GET', '/dags?q=zzz')).body.items.map((d: { dag_id: string }) => d.dag_id),
    ).toEqual([]);
    expect(
      (await api(tokens.viewer, 'GET', '/dags?q=HOST')).body.items.map((d: { dag_id: string }) => d.dag_id),
    ).toEqual(['hostile']);
    expect((await api(tokens.viewer, 'GET', '/dags?limit=2&offset=0')).body).toMatchObject({ total: 4, limit: 2 });
    for (const q of ['limit=0', 'limit=1001', 'offset=-1', 'limit=abc', 'paused=maybe']) {
      const bad = await api(tokens.viewer, 'GET', `/dags?${q}`);
      expect([q, bad.status, bad.body.error.code]).toEqual([q, 400, 'USAGE']);
    }
    // Text from the query string goes nowhere near SQL unquoted.
    const sql = await api(tokens.viewer, 'GET', `/dags/ok/runs?state=${encodeURIComponent("failed' OR '1'='1")}`);
    expect(sql.status).toBe(400);
    expect(
      (await api(tokens.viewer, 'GET', `/dags?q=${encodeURIComponent("'; DROP TABLE sluice.dag; --")}`)).status,
    ).toBe(200);
    expect((await api(tokens.viewer, 'GET', '/dags')).body.total).toBe(4);
    const errors = await api(tokens.viewer, 'GET', '/import-errors');
    conforms('get', '/import-errors', 200, errors.body);
    expect(errors.body.items.length).toBeGreaterThan(0);
    for (const e of errors.body.items) expect(e).toMatchObject({ file: expect.stringMatching(/broken\.ts$/), line: 2 });
    expect(errors.body.items.map((e: { message: string }) => e.message)).toContain(
      'startDate "never" is not a date (use YYYY-MM-DD or an ISO date-time)',
    );
  }, 60_000);

  test('clear a failed task with its downstream (dry run first) and watch it run again; mark a task', async () => {
    writeFileSync(FLAG, 'up');
    const made = await api(tokens.op, 'POST', '/dags/flip/runs', { dag_run_id: 'flip_1' });
    expect(made.status).toBe(201);
    let last: unknown;
    const ended = async (state: string) =>
      waitFor(
        async () => {
          const r = await api(tokens.viewer, 'GET', '/dags/flip/runs/flip_1');
          last = r.body;
          return r.body.state === state ? r.body : undefined;
        },
        60_000,
        `flip_1 ${state}`,
      ).catch((e) => {
        throw new Error(`${(e as Error).message}: ${JSON.stringify(last)}\n${stack.output().slice(-3000)}`);
      });
    const states = (run: { task_instances: Array<{ task_id: string; state: string }> }) =>
      Object.fromEntries(run.task_instances.map((t) => [t.task_id, t.state]));
    expect(states(await ended('failed'))).toEqual({ a: 'failed', b: 'upstream_failed' });
    rmSync(FLAG);
    // The dry run (the default) lists and changes nothing; a Viewer may not even ask.
    const dry = await api(tokens.op, 'POST', '/dags/flip/runs/flip_1/clear', { task_ids: ['a'] });
    conforms('post', '/dags/{dag_id}/runs/{run_id}/clear', 200, dry.body);
    expect(dry.body).toEqual({
      dry_run: true,
      task_instances: [
        { task_id: 'a', state: 'failed' },
        { task_id: 'b', state: 'upstream_failed' },
      ],
    });
    expect((await api(tokens.viewer, 'GET', '/dags/flip/runs/flip_1')).body.state).toBe('failed');
    expect((await api(tokens.viewer, 'POST', '/dags/flip/runs/flip_1/clear', { task_ids: ['a'] })).status).toBe(403);
    const page = await admin.get('/dags/flip/runs/flip_1/tasks/a/clear');
    expect(page.text_).toContain('These 2 task instance(s) will be reset and run again');
    const onlyA = await admin.get('/dags/flip/runs/flip_1/tasks/a/clear?set=1');
    expect(onlyA.text_).toContain('These 1 task instance(s)');
    const cleared = await admin.request('POST', '/dags/flip/runs/flip_1/tasks/a/clear', {
      form: { _csrf: admin.csrf, downstream: '1' },
    });
    expect([cleared.status, cleared.headers.get('location')]).toEqual([303, '/dags/flip']);
    const done = await ended('success');
    expect(states(done)).toEqual({ a: 'success', b: 'success' });
    const a = await api(tokens.viewer, 'GET', '/dags/flip/runs/flip_1/tasks/a');
    expect(a.body.tries.map((t: { try_number: number; state: string }) => `${t.try_number}:${t.state}`)).toEqual([
      '1:failed',
      '2:success',
    ]);
    expect(a.body.return_value).toBe('a');
    // Marking b failed fails the run again (b is a leaf); marking it success recovers it.
    const marked = await api(tokens.op, 'PATCH', '/dags/flip/runs/flip_1/tasks/b', { state: 'failed' });
    conforms('patch', '/dags/{dag_id}/runs/{run_id}/tasks/{task_id}', 200, marked.body);
    expect(marked.body.instance.state).toBe('failed');
    expect((await ended('failed')).state).toBe('failed');
    await api(tokens.op, 'PATCH', '/dags/flip/runs/flip_1/tasks/b', { state: 'success' });
    expect((await ended('success')).state).toBe('success');
    expect((await api(tokens.op, 'PATCH', '/dags/flip/runs/flip_1/tasks/b', { state: 'done' })).status).toBe(400);
    const nope = await api(tokens.op, 'POST', '/dags/flip/runs/flip_1/clear', { task_ids: ['c'], dry_run: false });
    expect([nope.status, nope.body.error.code]).toEqual([404, 'TASK_NOT_FOUND']);
    // The CLI calls the same actions: a dry run unless --yes.
    const cli = await stack.sluice(['tasks', 'clear', 'flip', 'flip_1', 'a']);
    expect(cli.stdout).toMatch(/^a\s+success\nb\s+success\n\n2 task\(s\) would be cleared; add --yes to clear them\n$/);
    expect((await stack.sluice(['tasks', 'mark', 'flip', 'flip_1', 'b', 'done'])).stderr).toContain(
      'state must be success or failed, got "done"',
    );
    // The audit trail names who did it.
    const events = await stack.sluice([
      'sql',
      "select kind, payload->>'by' as by from sluice.event where kind in ('tasks_cleared', 'task_marked') order by id",
      '--csv',
    ]);
    expect(events.stdout).toBe('kind,by\ntasks_cleared,admin\ntask_marked,op\ntask_marked,op\n');
  }, 120_000);

  test('pages: login, the DAG list with the import error, roles, CSRF', async () => {
    const wrong = await new WebClient(stack.url).login('admin', 'not-the-password');
    expect(wrong.status).toBe(401);
    expect(wrong.text_).toContain('wrong user name or password');
    const list = await admin.get('/dags');
    expect(list.status).toBe(200);
    expect(list.text_).toContain('broken.ts');
    expect(list.text_).toContain('action="/dags/ok/pause"');
    const viewer = new WebClient(stack.url);
    expect((await viewer.login('viewer', passwords.viewer)).status).toBe(303);
    const seen = await viewer.get('/dags/ok');
    expect(seen.status).toBe(200);
    expect(seen.text_).not.toMatch(/Trigger<\/a>|action="\/dags\/ok\/pause"/);
    // A forged POST from a Viewer, even with its own valid CSRF token, is refused.
    const forged = await viewer.request('POST', '/dags/ok/pause', { form: { _csrf: viewer.csrf, paused: 'true' } });
    expect(forged.status).toBe(403);
    expect((await viewer.get('/dags/ok/trigger')).status).toBe(403);
    const op = new WebClient(stack.url);
    await op.login('op', passwords.op);
    const noToken = await op.request('POST', '/dags/ok/pause', { form: { paused: 'true' } });
    expect(noToken.status).toBe(403);
    expect(noToken.text_).toContain('CSRF token');
    const otherSite = await op.request('POST', '/dags/ok/pause', {
      form: { _csrf: op.csrf, paused: 'true' },
      headers: { origin: 'http://evil.example' },
    });
    expect(otherSite.status).toBe(403);
    const paused = await op.request('POST', '/dags/ok/pause', {
      form: { _csrf: op.csrf, paused: 'true', back: '/dags/ok' },
    });
    expect([paused.status, paused.headers.get('location')]).toEqual([303, '/dags/ok']);
    expect((await op.get('/dags/ok')).text_).toContain('Unpause');
    await op.request('POST', '/dags/ok/pause', { form: { _csrf: op.csrf, paused: 'false' } });
    // Trigger from the form built from the params.
    const form = await op.get('/dags/ok/trigger');
    expect(form.text_).toContain('name="param.n" value="1"');
    expect(form.text_).toContain('name="param.loud"');
    const triggered = await op.request('POST', '/dags/ok/trigger', {
      form: { _csrf: op.csrf, 'param.n': '5', 'param.who': 'you', conf: '{"extra": true}' },
    });
    expect(triggered.status).toBe(303);
    const runs = await api(tokens.viewer, 'GET', '/dags/ok/runs?limit=1');
    const detail = await api(tokens.viewer, 'GET', `/dags/ok/runs/${encodeURIComponent(runs.body.items[0].run_id)}`);
    expect(detail.body.conf).toEqual({ n: 5, loud: false, who: 'you', extra: true });
    const badForm = await op.request('POST', '/dags/ok/trigger', { form: { _csrf: op.csrf, 'param.n': 'many' } });
    expect(badForm.status).toBe(400);
    expect(badForm.text_).toContain('param n must be a number');
    // Logging out ends the session everywhere.
    await op.request('POST', '/logout', { form: { _csrf: op.csrf } });
    expect((await op.get('/dags')).status).toBe(302);
  }, 90_000);

  test('security headers and cookie flags; the login is rate limited across attempts', async () => {
    const res = await fetch(`${stack.url}/login`);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(res.headers.get('x-powered-by')).toBeNull();
    const session = await sessionSetCookie('viewer', passwords.viewer);
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);
    expect(session).toMatch(/Path=\//);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await new WebClient(stack.url).login('op', `wrong-${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    // The right password is refused too while the limit holds: guessing cannot go on.
    const locked = await new WebClient(stack.url).login('op', passwords.op);
    expect(locked.status).toBe(429);
    expect(locked.text_).toContain('too many failed logins');
  }, 60_000);

  test('hostile text is shown escaped on every page; paths cannot leave their folders', async () => {
    const made = await api(tokens.op, 'POST', '/dags/hostile/runs', { dag_run_id: `"><script>alert(1)</script>` });
    expect(made.status).toBe(201);
    const fail = await api(tokens.op, 'POST', '/dags/fails/runs', {});
    const runId = fail.body.run_id as string;
    await waitFor(
      async () =>
        (await api(tokens.viewer, 'GET', `/dags/fails/runs/${encodeURIComponent(runId)}`)).body.state === 'failed',
      60_000,
      'fails to fail',
    );
    await waitFor(
      async () =>
        (await api(tokens.viewer, 'GET', `/dags/hostile/runs/${encodeURIComponent(made.body.run_id)}`)).body.state ===
        'success',
      60_000,
      'hostile to end',
    );
    const enc = encodeURIComponent;
    const pages = [
      '/dags',
      '/dags/hostile',
      `/dags/hostile/runs/${enc(made.body.run_id)}`,
      `/dags/hostile/runs/${enc(made.body.run_id)}/tasks/say`,
      `/dags/fails/runs/${enc(runId)}`,
      `/dags/fails/runs/${enc(runId)}/tasks/boom`,
      '/dags/hostile/code',
      '/dags/hostile/graph',
      `/dags/hostile/graph?run=${enc(made.body.run_id)}`,
    ];
    for (const url of pages) {
      const res = await admin.get(url);
      expect([url, res.status]).toEqual([url, 200]);
      expect([url, res.text_.includes('<script>alert')]).toEqual([url, false]);
      expect([url, res.text_.includes("'q'")]).toEqual([url, false]);
    }
    const say = (await admin.get(`/dags/hostile/runs/${enc(made.body.run_id)}/tasks/say`)).text_;
    if (!say.includes('&lt;script&gt;alert(&quot;x&quot;)')) console.log(say);
    expect(say).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;');
    expect((await admin.get(`/dags/fails/runs/${enc(runId)}/tasks/boom`)).text_).toContain('it broke: &lt;script&gt;');
    for (const url of [
      '/dags/..%2F..%2F..%2Fetc%2Fpasswd/code',
      '/dags/%2E%2E/code',
      '/static/..%2F..%2Fserver.ts',
      '/static/../app.ts',
    ]) {
      const res = await admin.get(url);
      expect([url, res.status === 404 || res.status === 400 || res.status === 403]).toEqual([url, true]);
      expect(res.text_).not.toContain('startWebServer');
    }
    const log = await api(tokens.viewer, 'GET', `/dags/fails/runs/${enc(runId)}/tasks/boom/logs/..%2F..%2F1`);
    expect(log.status).toBe(400);
  }, 120_000);

  test('a page is told of a change within a second, without reloading', async () => {
    const res = await fetch(`${stack.url}/live`, { headers: { cookie: await sessionCookie() } });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    let seen = '';
    const change = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return false;
        seen += Buffer.from(value).toString();
        if (seen.includes('event: change')) return true;
      }
    })();
    await new Promise((r) => setTimeout(r, 700)); // the stream has its first marker
    await api(tokens.op, 'POST', '/dags/ok/runs', {});
    expect(await change).toBe(true);
    await reader.cancel();
  }, 30_000);

  /** The Set-Cookie of a fresh login's session. */
  async function sessionSetCookie(username: string, password: string): Promise<string> {
    const page = await new WebClient(stack.url).get('/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text_)![1];
    const res = await fetch(`${stack.url}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: page.headers.getSetCookie()[0].split(';')[0],
      },
      body: new URLSearchParams({ _csrf: token, username, password }).toString(),
    });
    return res.headers.getSetCookie().find((x) => x.startsWith('sluice_session='))!;
  }

  async function sessionCookie(): Promise<string> {
    return (await sessionSetCookie('admin', stack.adminPassword)).split(';')[0];
  }
});
