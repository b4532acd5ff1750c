import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { REPO } from '../support/sandbox';
import { waitFor } from '../support/processes';
import { callApi, openApiChecker } from '../support/api-check';
import { apiToken, STACK_KINDS, startWebStack, WebClient, type WebStack } from '../support/web-stack';
import { startSlackApi, type SlackApiStandIn } from '../support/loopback-alert-servers';

/*
 * What a task instance did, on its page and in the API, for the demo's three kinds of work: a model
 * task's compiled SQL, a load's object, rows, bytes, sha256 and partition, a checkpoint's whole
 * validation with the SQL that fetches every failing row, and the alert its closed gate sends; the
 * state history, the task instance list and the validations API. Everything is compared with what
 * the run really did.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-ti-'));
const env = {
  SLUICE_PROJECT_DIR: REPO,
  SLUICE_EXPECTATIONS_DIR: path.join(REPO, 'expectations'),
  SLUICE_TARGET_DIR: path.join(dir, 'target'),
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const unescape = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&#x60;/g, '`')
    .replace(/&amp;/g, '&');

describe.each(STACK_KINDS)('task instance details on %s', (kind) => {
  let stack: WebStack;
  let admin: WebClient;
  let token: string;
  let conforms: ReturnType<typeof openApiChecker>;
  const api = (token: string | undefined, method: string, url: string, json?: unknown) =>
    callApi(stack.url, token, method, url, json);
  const get = async (url: string) => {
    const r = await api(token, 'GET', url);
    if (r.status !== 200) throw new Error(`GET ${url}: ${r.status} ${r.text}`);
    return r.body;
  };
  const ended = (dagRun: string) =>
    waitFor(
      async () => {
        const r = await get(`/dags/demo_shop/runs/${encodeURIComponent(dagRun)}`);
        return r.state === 'success' || r.state === 'failed' ? r : undefined;
      },
      240_000,
      `run ${dagRun} to end`,
    );
  let goodRun: string;
  let badRun: string;
  let slack: SlackApiStandIn;

  beforeAll(async () => {
    slack = await startSlackApi();
    stack = await startWebStack(
      kind,
      `ti_${kind}`,
      { dir, dags: path.join(REPO, 'dags') },
      {
        ...env,
        SLACK_BOT_TOKEN: 'xoxb-demo-test',
        SLACK_API_URL: slack.url,
        SLUICE_ALERTS_PACE: '0',
      },
    );
    token = await apiToken(stack, 'admin');
    admin = new WebClient(stack.url);
    expect((await admin.login('admin', stack.adminPassword)).status).toBe(303);
    conforms = openApiChecker(await get('/openapi.json'));
    // The run standalone scheduled at start, then a day with bad data, whose raw gate closes.
    const first = await waitFor(async () => (await get('/dags/demo_shop/runs')).items.at(-1), 60_000, 'a first run');
    goodRun = (await ended(first.run_id)).run_id;
    const made = await api(token, 'POST', '/dags/demo_shop/runs', {
      logical_date: '2026-11-20T00:00:00Z',
      conf: { bad_data: true },
    });
    expect(made.status).toBe(201);
    badRun = made.body.run_id;
    expect((await ended(badRun)).state).toBe('failed');
  }, 600_000);
  afterAll(async () => {
    await stack?.stop();
    await slack?.close();
  }, 60_000);

  const tiPath = (run: string, task: string) =>
    `/dags/demo_shop/runs/${encodeURIComponent(run)}/tasks/${encodeURIComponent(task)}`;

  test('a model task shows the SQL it compiled to, on its page and in the API', async () => {
    const ti = await get(tiPath(goodRun, 'stg_orders'));
    conforms('get', '/dags/{dag_id}/runs/{run_id}/tasks/{task_id}', 200, ti);
    const details = ti.tries.at(-1).details;
    expect(details).toMatchObject({ model: 'stg_orders', relation: '"staging"."stg_orders"' });
    // The compiled SELECT of sql/staging/stg_orders.sql: its template resolved to the raw table.
    expect(details.compiled_sql).toMatch(/\bfrom\b/i);
    expect(details.compiled_sql).toContain('"raw"');
    expect(details.compiled_sql).not.toMatch(/\{\{|\}\}/);
    const page = await admin.get(tiPath(goodRun, 'stg_orders'));
    expect(page.status).toBe(200);
    const shown = /<pre class="sql compiled">([\s\S]*?)<\/pre>/.exec(page.text_)?.[1];
    expect(unescape(shown ?? '')).toBe(details.compiled_sql);
    // The state history of a task that ran once: started, ended success.
    expect(ti.history.map((h: { text: string }) => h.text)).toEqual([
      expect.stringMatching(/^try 1 started/),
      'try 1 ended success',
    ]);
    expect(page.text_).toContain('State history');
  });

  test('land and load tasks show the object, rows, bytes, sha256 and partition they wrote', async () => {
    const land = await get(tiPath(goodRun, 'land_orders'));
    const landed = land.ingestion.filter((x: { kind: string }) => x.kind === 'land');
    expect(landed.length).toBeGreaterThan(0);
    for (const x of landed) {
      expect(x).toMatchObject({ status: 'success', bucket: 'raw', source: expect.any(String) });
      expect(x.object_key).toMatch(/^shop\/orders\/dt=\d{4}-\d{2}-\d{2}\//);
      expect(x.object_key).toContain(`dt=${x.ds}/`);
      // The object in the local lake is what the log says: its size and its sha256.
      const file = path.join(dir, `.sluice-${kind}`, 'lake', x.bucket, x.object_key);
      const bytes = readFileSync(file);
      expect(statSync(file).size).toBe(x.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(x.checksum);
      const text = x.object_key.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      expect(text.trimEnd().split('\n').length - 1).toBe(x.rows); // a header line, then one line per row
    }
    const load = await get(tiPath(goodRun, 'load_orders'));
    const loaded = load.ingestion.filter((x: { kind: string }) => x.kind === 'load');
    expect(loaded.map((x: { target: string }) => x.target)).toEqual(loaded.map(() => 'raw.shop_orders'));
    const rows = loaded.reduce((n: number, x: { rows: number }) => n + x.rows, 0);
    const counted = await stack.sluice([
      'sql',
      '--json',
      `SELECT count(*)::int AS n FROM raw.shop_orders WHERE _ds = '${loaded[0].ds}'`,
    ]);
    expect(JSON.parse(counted.stdout)[0].n).toBe(rows);
    const page = await admin.get(tiPath(goodRun, 'load_orders'));
    expect(page.text_).toContain('Objects and loads');
    expect(page.text_).toContain(loaded[0].checksum ?? loaded[0].object_key);
    // The object opens its partition in the lake browser; the table its page.
    const hrefs = new Set(
      [...page.text_.matchAll(/href="(\/data\/(?:tables|lake)\/[^"]+)"/g)].map((m) => unescape(m[1])),
    );
    expect([...hrefs].some((h) => h.startsWith('/data/tables/raw.shop_orders'))).toBe(true);
    expect([...hrefs].some((h) => decodeURIComponent(h).includes(`/dt=${loaded[0].ds}/`))).toBe(true);
    for (const h of hrefs) expect([h, (await admin.get(h)).status]).toEqual([h, 200]);
  });

  test('a failed checkpoint shows its whole validation and the SQL that fetches every failing row; it runs', async () => {
    const ti = await get(tiPath(badRun, 'check_raw'));
    expect(ti.instance.state).toBe('failed');
    const orders = ti.validations.find((v: { suite: string }) => v.suite === 'raw_orders');
    expect(orders).toMatchObject({ success: false, table: 'raw.shop_orders', dag_id: 'demo_shop', run_id: badRun });
    expect(orders.results).toHaveLength(orders.expectations);
    const failing = orders.results.filter((r: { success: boolean }) => !r.success);
    expect(failing.length).toBe(orders.errors + orders.warnings);
    const withRows = failing.filter((r: { failing_rows_sql: string | null }) => r.failing_rows_sql);
    expect(withRows.length).toBeGreaterThan(0);
    for (const r of withRows) {
      const all = await stack.sluice(['sql', '--json', r.failing_rows_sql]);
      expect([r.type, all.code]).toEqual([r.type, 0]);
      expect([r.type, JSON.parse(all.stdout).length]).toEqual([r.type, r.unexpected_count]);
    }
    const page = await admin.get(tiPath(badRun, 'check_raw'));
    expect(page.text_).toContain('Validation of raw_orders');
    expect(page.text_).toContain('SQL that fetches every failing row');
    expect(unescape(page.text_)).toContain(withRows[0].failing_rows_sql);
    // The same validations through the validations API, filtered to this run's failures.
    const list = await get(`/validations?dag_id=demo_shop&run_id=${encodeURIComponent(badRun)}&success=false`);
    conforms('get', '/validations', 200, list);
    expect(list.items.map((v: { id: number }) => v.id)).toContain(orders.id);
    expect(list.items.every((v: { success: boolean; run_id: string }) => !v.success && v.run_id === badRun)).toBe(true);
    const one = await get(`/validations/${orders.id}`);
    conforms('get', '/validations/{validation_id}', 200, one);
    expect(one).toEqual(orders);
    expect((await api(token, 'GET', '/validations/999999999')).body.error.code).toBe('NOT_FOUND');
    expect((await api(token, 'GET', '/validations/x')).status).toBe(400);
    expect((await api(token, 'GET', '/validations?run_id=r')).body.error.message).toMatch(/give dag_id too/);
  });

  test('the closed gate sends one readable alert to each channel, with the failing expectations', async () => {
    // The good day's check_staging warns (a warning alert of its own); the bad day's run fails.
    const posts = (channel: string) =>
      slack.requests.filter(
        (r) => r.apiMethod === 'chat.postMessage' && r.form.channel === channel && !/warned/.test(r.form.text),
      );
    // check_raw's own route (#data-quality) and the DAG's (#data-eng, for the run's failure).
    await waitFor(async () => posts('#data-quality').length && posts('#data-eng').length, 60_000, 'the gate alerts');
    await new Promise((r) => setTimeout(r, 1000));
    for (const channel of ['#data-quality', '#data-eng']) {
      const [post, ...more] = posts(channel);
      expect([channel, [post, ...more].map((p) => p.form.text)]).toEqual([channel, [post.form.text]]);
      expect(post.form.text).toContain('demo_shop failed: check_raw');
      const blocks = JSON.stringify(post.blocks);
      expect(blocks).toContain('Failing expectations');
      const orders = (await get(tiPath(badRun, 'check_raw'))).validations.find(
        (v: { suite: string }) => v.suite === 'raw_orders',
      );
      const first = orders.results.find(
        (r: { success: boolean; severity: string }) => !r.success && r.severity === 'error',
      );
      // The expectation, its column and how many rows failed, as the validation recorded them.
      expect(blocks).toContain(first.type);
      expect(blocks).toContain(`${first.unexpected_count.toLocaleString('en-US')} of`);
      expect(blocks).toContain(encodeURIComponent(badRun));
      expect(blocks).toMatch(/upstream_failed/);
    }
  });

  test('clearing and marking appear in the state history', async () => {
    const cleared = await api(token, 'POST', `/dags/demo_shop/runs/${encodeURIComponent(badRun)}/clear`, {
      task_ids: ['check_raw'],
      include_downstream: false,
      dry_run: false,
    });
    expect(cleared.status).toBe(200);
    const again = await waitFor(
      async () => {
        const t = await get(tiPath(badRun, 'check_raw'));
        return t.instance.try_number === 2 && t.instance.state === 'failed' ? t : undefined;
      },
      120_000,
      'check_raw to fail again on try 2',
    );
    const marked = await api(token, 'PATCH', tiPath(badRun, 'check_raw'), { state: 'success' });
    expect(marked.status).toBe(200);
    const texts = marked.body.history.map((h: { text: string }) => h.text);
    expect(texts).toEqual([
      expect.stringMatching(/^try 1 started/),
      'try 1 ended failed',
      'cleared by admin: it runs again',
      expect.stringMatching(/^try 2 started/),
      'try 2 ended failed',
      'marked success by admin (was failed)',
    ]);
    expect(again.history.length).toBe(5);
    expect(marked.body.history.at(-1).state).toBe('success');
  });

  test('task instances are listed across runs and filtered', async () => {
    const all = await get('/task-instances?dag_id=demo_shop&limit=1000');
    conforms('get', '/task-instances', 200, all);
    const runs = new Set(all.items.map((t: { run_id: string }) => t.run_id));
    expect(runs).toEqual(new Set([goodRun, badRun]));
    expect(all.total).toBe(all.items.length);
    const models = await get('/task-instances?operator=sql_model&state=success');
    expect(models.items.length).toBeGreaterThan(0);
    expect(models.items.every((t: { operator: string; state: string }) => t.operator === 'sql_model')).toBe(true);
    const stopped = await get(
      `/dags/demo_shop/runs/${encodeURIComponent(badRun)}/tasks?state=upstream_failed,failed&limit=2&offset=1`,
    );
    conforms('get', '/dags/{dag_id}/runs/{run_id}/tasks', 200, stopped);
    expect(stopped.items.length).toBeLessThanOrEqual(2);
    expect(stopped.items.every((t: { state: string }) => ['upstream_failed', 'failed'].includes(t.state))).toBe(true);
    const dated = await get('/task-instances?logical_date_gte=2026-11-20&logical_date_lte=2026-11-20T23:59:59Z');
    expect(new Set(dated.items.map((t: { run_id: string }) => t.run_id))).toEqual(new Set([badRun]));
    const bad = await api(token, 'GET', '/task-instances?state=faild');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/unknown task state "faild".*failed/);
    expect((await api(token, 'GET', '/task-instances?dag_id=nope')).status).toBe(404);
    expect((await api(token, 'GET', '/task-instances?logical_date_gte=soon')).status).toBe(400);
  });
});
