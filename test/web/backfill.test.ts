import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { dagFile, tempProject } from '../support/sandbox';
import { waitFor } from '../support/processes';
import { addUser, STACK_KINDS, startWebStack, WebClient, type WebStack } from '../support/web-stack';

/*
 * Backfills from the web UI and the API, on both databases: the form's dry run then create, live
 * progress, skipping intervals that have runs, cancelling (queued runs never start, the running
 * one finishes), roles, and errors that name the field. The DAGs start in 2099 so no scheduled
 * run competes with the backfills.
 */
const p = tempProject();
const GO = path.join(p.dir, 'go.flag');
const RAN = path.join(p.dir, 'slow-ran.txt');
p.write(
  'backfilled.ts',
  dagFile(`
export const daily = defineDag({
  id: 'daily', schedule: '0 0 * * *', timezone: 'Europe/Amsterdam', startDate: '2099-01-01', params: { n: 1 },
  tasks: [task('a', (ctx) => ({ ds: ctx.ds, n: ctx.params.n })), task({ id: 'b', upstream: ['a'], run: () => 'b' })],
});
export const slow = defineDag({
  id: 'slow', schedule: '0 0 * * *', startDate: '2099-01-01', maxActiveRuns: 1,
  tasks: [task('wait', async (ctx) => {
    const fs = require('node:fs');
    fs.appendFileSync(${JSON.stringify(RAN)}, ctx.ds + '\\n');
    while (!fs.existsSync(${JSON.stringify(GO)})) await new Promise((r) => setTimeout(r, 50));
    return ctx.ds;
  })],
});
export const manual = defineDag({ id: 'manual', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => 1)] });
`),
);

afterAll(() => p.cleanup());

interface Backfill {
  id: number;
  state: string;
  runs: { total: number; queued: number; running: number; success: number; failed: number };
  [k: string]: unknown;
}

describe.each(STACK_KINDS)('backfills on %s', (kind) => {
  let stack: WebStack;
  let op: WebClient;
  let viewer: WebClient;
  const tokens: Record<string, string> = {};
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);

  /** The response of route `path` (OpenAPI form) and `method` must match its schema in the document. */
  const conforms = (method: string, path: string, status: number, body: unknown) => {
    const pointer = `api#/paths/${path.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/responses/${status}/content/application~1json/schema`;
    const validate = ajv.getSchema(pointer);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    if (!validate(body))
      throw new Error(`${method} ${path}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`);
  };
  const api = async (token: string, method: string, url: string, json?: unknown) => {
    const res = await fetch(`${stack.url}/api/v1${url}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const backfill = async (dag: string, id: number): Promise<Backfill> =>
    (await api(tokens.viewer, 'GET', `/dags/${dag}/backfills/${id}`)).body;
  const until = (dag: string, id: number, what: string, ok: (b: Backfill) => boolean) => {
    let last: Backfill | undefined;
    return waitFor(
      async () => {
        last = await backfill(dag, id);
        return ok(last) ? last : undefined;
      },
      90_000,
      what,
    ).catch((e) => {
      throw new Error(`${(e as Error).message}: ${JSON.stringify(last)}\n${stack.output().slice(-3000)}`);
    });
  };

  beforeAll(async () => {
    stack = await startWebStack(kind, `backfill_${kind}`, p);
    const passwords: Record<string, string> = { viewer: 'viewer-pass-1', op: 'op-pass-12' };
    tokens.viewer = await addUser(stack, 'viewer', 'Viewer', passwords.viewer);
    tokens.op = await addUser(stack, 'op', 'Op', passwords.op);
    op = new WebClient(stack.url);
    expect((await op.login('op', passwords.op)).status).toBe(303);
    viewer = new WebClient(stack.url);
    expect((await viewer.login('viewer', passwords.viewer)).status).toBe(303);
    const doc = (await api(tokens.viewer, 'GET', '/openapi.json')).body;
    ajv.addSchema({ ...doc, $id: 'api' });
  }, 180_000);
  afterAll(async () => stack?.stop(), 60_000);

  test('the form: a dry run lists the intervals, then a 3-day backfill is created and its page follows it to the end', async () => {
    const dagPage = await op.get('/dags/daily');
    expect(dagPage.text_).toContain('href="/dags/daily/backfill">Backfill…</a>');
    const form = await op.get('/dags/daily/backfill');
    expect(form.status).toBe(200);
    expect(form.text_).toContain('name="param.n" value="1"');
    expect(form.text_).toContain('Europe/Amsterdam');
    const fields = { _csrf: op.csrf, start: '2026-01-01', end: '2026-01-03', 'param.n': '2', conf: '{"extra": "x"}' };
    const preview = await op.request('POST', '/dags/daily/backfill', { form: { ...fields, intent: 'preview' } });
    expect(preview.status).toBe(200);
    expect(preview.text_).toContain('<strong>3</strong> run(s) to create of 3 interval(s)');
    expect(preview.text_.match(/new backfill run/g)).toHaveLength(3);
    // What was typed is kept for the confirming submit.
    expect(preview.text_).toContain('name="param.n" value="2"');
    expect(preview.text_).toContain('value="create"');
    // The dry run created nothing.
    expect((await api(tokens.viewer, 'GET', '/dags/daily/backfills')).body.total).toBe(0);
    const made = await op.request('POST', '/dags/daily/backfill', { form: { ...fields, intent: 'create' } });
    expect(made.status).toBe(303);
    const url = made.headers.get('location')!;
    const id = Number(/^\/dags\/daily\/backfills\/(\d+)$/.exec(url)![1]);
    // The page's live part, as the page's script fetches it: its progress reaches 100% without a reload.
    const seen = new Set<string>();
    const last = await waitFor(
      async () => {
        const f = await op.get(`${url}?fragment=1`);
        expect(f.text_.startsWith('<div data-fragment="backfill">')).toBe(true);
        seen.add(/data-progress="(\d+)"/.exec(f.text_)![1]);
        return f.text_.includes('data-progress="100"') && f.text_.includes('state-completed') ? f.text_ : undefined;
      },
      90_000,
      'the backfill page to show it completed',
    );
    expect(seen.has('100')).toBe(true);
    expect(last).toContain('success 3');
    expect(last).toMatch(/<progress class="backfill-progress" max="3" value="3">/);
    expect(last.match(/state state-success">success<\/span>/g)).toHaveLength(3);
    const b = await backfill('daily', id);
    conforms('get', '/dags/{dag_id}/backfills/{backfill_id}', 200, b);
    expect(b).toMatchObject({
      dag_id: 'daily',
      state: 'completed',
      done: 1,
      created_by: 'op',
      conf: { n: 2, extra: 'x' },
      from_date: '2025-12-31T23:00:00.000Z',
      to_date: '2026-01-02T23:00:00.000Z',
      runs: { total: 3, queued: 0, running: 0, success: 3, failed: 0 },
      cancelled_at: null,
    });
    const runs = await api(tokens.viewer, 'GET', `/dags/daily/backfills/${id}/runs`);
    conforms('get', '/dags/{dag_id}/backfills/{backfill_id}/runs', 200, runs.body);
    expect(
      runs.body.items.map((r: { run_type: string; logical_date: string }) => [r.run_type, r.logical_date]),
    ).toEqual([
      ['backfill', '2025-12-31T23:00:00.000Z'],
      ['backfill', '2026-01-01T23:00:00.000Z'],
      ['backfill', '2026-01-02T23:00:00.000Z'],
    ]);
    const run = await api(tokens.viewer, 'GET', `/dags/daily/runs/${encodeURIComponent(runs.body.items[0].run_id)}`);
    expect(run.body.conf).toEqual({ n: 2, extra: 'x' });
    const a = await api(
      tokens.viewer,
      'GET',
      `/dags/daily/runs/${encodeURIComponent(runs.body.items[0].run_id)}/tasks/a`,
    );
    expect(a.body.return_value).toEqual({ ds: '2026-01-01', n: 2 });
    // The list shows it with who made it; the DAG page links to the list.
    const list = await viewer.get('/dags/daily/backfills');
    expect(list.text_).toContain(`href="/dags/daily/backfills/${id}">#${id}</a>`);
    expect(list.text_).toContain('by op');
    expect((await viewer.get('/dags/daily')).text_).toContain('href="/dags/daily/backfills">Backfills</a>');
  }, 120_000);

  test('the API: a dry run, a create that skips intervals with runs, the list filtered by state, the max-runs confirmation', async () => {
    const body = { from_date: '2026-01-02', to_date: '2026-01-05' };
    const dry = await api(tokens.op, 'POST', '/dags/daily/backfills/dry_run', body);
    expect(dry.status).toBe(200);
    conforms('post', '/dags/{dag_id}/backfills/dry_run', 200, dry.body);
    expect(dry.body).toMatchObject({ interval_count: 4, runs_to_create: 2, skipped: 2, needs_confirmation: false });
    expect(
      dry.body.intervals.map((i: { logical_date: string; existing_run: { run_type: string } | null }) => [
        i.logical_date,
        i.existing_run?.run_type ?? null,
      ]),
    ).toEqual([
      ['2026-01-01T23:00:00.000Z', 'backfill'],
      ['2026-01-02T23:00:00.000Z', 'backfill'],
      ['2026-01-03T23:00:00.000Z', null],
      ['2026-01-04T23:00:00.000Z', null],
    ]);
    const made = await api(tokens.op, 'POST', '/dags/daily/backfills', { ...body, conf: { n: 5 } });
    expect(made.status).toBe(201);
    conforms('post', '/dags/{dag_id}/backfills', 201, made.body);
    expect(made.body).toMatchObject({ skipped: 2, runs: { total: 2 }, conf: { n: 5 }, created_by: 'op' });
    await until('daily', made.body.id, 'the API backfill to complete', (b) => b.state === 'completed');
    const runs = await api(tokens.viewer, 'GET', `/dags/daily/backfills/${made.body.id}/runs?state=success`);
    expect(runs.body.items.map((r: { logical_date: string }) => r.logical_date)).toEqual([
      '2026-01-03T23:00:00.000Z',
      '2026-01-04T23:00:00.000Z',
    ]);
    // Every interval of the range has a run now: the form says there is nothing to create.
    const again = await op.request('POST', '/dags/daily/backfill', {
      form: { _csrf: op.csrf, start: '2026-01-01', end: '2026-01-05', intent: 'preview' },
    });
    expect(again.text_).toContain(
      '<strong>0</strong> run(s) to create of 5 interval(s); <strong>5</strong> already have a run',
    );
    expect(again.text_).toContain('Nothing to create: every interval already has a run.');
    expect(again.text_).not.toContain('value="create"');
    const all = await api(tokens.viewer, 'GET', '/dags/daily/backfills');
    conforms('get', '/dags/{dag_id}/backfills', 200, all.body);
    expect(all.body).toMatchObject({ total: 2, items: [{ id: made.body.id }, {}] });
    expect((await api(tokens.viewer, 'GET', '/dags/daily/backfills?state=running')).body.total).toBe(0);
    expect((await api(tokens.viewer, 'GET', '/dags/daily/backfills?state=completed&limit=1')).body).toMatchObject({
      total: 2,
      limit: 1,
      items: [{ id: made.body.id }],
    });
    const badState = await api(tokens.viewer, 'GET', '/dags/daily/backfills?state=done');
    expect([badState.status, badState.body.error.message]).toEqual([
      400,
      'state must be one of running, completed, cancelled, got "done"',
    ]);
    // Over max_runs it needs "confirm": true; nothing is created without it.
    const over = await api(tokens.op, 'POST', '/dags/daily/backfills', {
      from_date: '2026-02-01',
      to_date: '2026-02-03',
      max_runs: 2,
    });
    expect(over.status).toBe(400);
    conforms('post', '/dags/{dag_id}/backfills', 400, over.body);
    expect(over.body.error.message).toContain(
      'would create 3 runs, more than the limit of 2 (max_runs): send "confirm": true to create all 3, or narrow from_date/to_date',
    );
    expect((await api(tokens.viewer, 'GET', '/dags/daily/backfills')).body.total).toBe(2);
    const overDry = await api(tokens.op, 'POST', '/dags/daily/backfills/dry_run', {
      from_date: '2026-02-01',
      to_date: '2026-02-03',
      max_runs: 2,
    });
    expect(overDry.body).toMatchObject({ needs_confirmation: true, runs_to_create: 3 });
    const confirmed = await api(tokens.op, 'POST', '/dags/daily/backfills', {
      from_date: '2026-02-01',
      to_date: '2026-02-03',
      max_runs: 2,
      confirm: true,
    });
    expect([confirmed.status, confirmed.body.runs.total]).toEqual([201, 3]);
    await until('daily', confirmed.body.id, 'the confirmed backfill to complete', (b) => b.state === 'completed');
  }, 180_000);

  test('cancel: the queued runs never start, the running one finishes, nothing runs twice; a Viewer may not', async () => {
    // The slow task waits for GO (the other database's stack ran this test too).
    rmSync(GO, { force: true });
    rmSync(RAN, { force: true });
    const made = await api(tokens.op, 'POST', '/dags/slow/backfills', {
      from_date: '2026-01-01',
      to_date: '2026-01-10',
    });
    expect([made.status, made.body.runs.total]).toEqual([201, 10]);
    const id = made.body.id as number;
    const one = await until('slow', id, 'one slow run to be running', (b) => b.runs.running === 1);
    expect(one.runs).toEqual({ total: 10, queued: 9, running: 1, success: 0, failed: 0 });
    await waitFor(async () => existsSync(RAN), 60_000, 'the first slow task to start');
    // A Viewer sees the progress but no Cancel button, and may not cancel.
    const seen = await viewer.get(`/dags/slow/backfills/${id}`);
    expect(seen.status).toBe(200);
    expect(seen.text_).not.toContain('Cancel backfill');
    expect((await viewer.get(`/dags/slow/backfills/${id}/cancel`)).status).toBe(403);
    expect(
      (await viewer.request('POST', `/dags/slow/backfills/${id}/cancel`, { form: { _csrf: viewer.csrf } })).status,
    ).toBe(403);
    const refused = await api(tokens.viewer, 'POST', `/dags/slow/backfills/${id}/cancel`);
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    conforms('post', '/dags/{dag_id}/backfills/{backfill_id}/cancel', 403, refused.body);
    // An Op confirms on a page of its own, with the CSRF token.
    const page = await op.get(`/dags/slow/backfills/${id}`);
    expect(page.text_).toContain(`href="/dags/slow/backfills/${id}/cancel">Cancel backfill…</a>`);
    const confirm = await op.get(`/dags/slow/backfills/${id}/cancel`);
    expect(confirm.text_).toContain('<strong>9</strong> queued run(s) will not start');
    expect(confirm.text_).toContain('<strong>1</strong> running run(s) finish');
    const noToken = await op.request('POST', `/dags/slow/backfills/${id}/cancel`, { form: {} });
    expect(noToken.status).toBe(403);
    const cancelled = await op.request('POST', `/dags/slow/backfills/${id}/cancel`, { form: { _csrf: op.csrf } });
    expect([cancelled.status, cancelled.headers.get('location')]).toEqual([303, `/dags/slow/backfills/${id}`]);
    const after = await backfill('slow', id);
    expect(after).toMatchObject({
      state: 'cancelled',
      cancelled_by: 'op',
      runs: { total: 10, queued: 0, running: 1, success: 0, failed: 9 },
      completed_at: null,
    });
    const again = await api(tokens.op, 'POST', `/dags/slow/backfills/${id}/cancel`);
    expect([again.status, again.body.error.code]).toEqual([409, 'STATE_CONFLICT']);
    expect(again.body.error.message).toMatch(new RegExp(`backfill ${id} of slow was cancelled already by op at `));
    conforms('post', '/dags/{dag_id}/backfills/{backfill_id}/cancel', 409, again.body);
    // The running run finishes.
    writeFileSync(GO, 'go');
    const ended = await until('slow', id, 'the running slow run to finish', (b) => b.runs.running === 0);
    expect(ended).toMatchObject({ state: 'cancelled', runs: { success: 1, failed: 9, queued: 0 } });
    expect(ended.completed_at).not.toBeNull();
    // Let the scheduler go round: a manual run of another DAG starts and ends after the cancel.
    const manual = await api(tokens.op, 'POST', '/dags/manual/runs', { dag_run_id: 'after_cancel' });
    expect(manual.status).toBe(201);
    await waitFor(
      async () => (await api(tokens.viewer, 'GET', '/dags/manual/runs/after_cancel')).body.state === 'success',
      60_000,
      'the manual run',
    );
    expect(readFileSync(RAN, 'utf8')).toBe('2026-01-01\n');
    const runs = await api(tokens.viewer, 'GET', `/dags/slow/backfills/${id}/runs`);
    expect(
      runs.body.items.map((r: { state: string; start_date: string | null }) => [r.state, r.start_date !== null]),
    ).toEqual([['success', true], ...Array.from({ length: 9 }, () => ['failed', false])]);
    for (const r of runs.body.items.slice(1)) {
      const detail = await api(tokens.viewer, 'GET', `/dags/slow/runs/${encodeURIComponent(r.run_id)}`);
      expect(
        detail.body.task_instances.map((t: { state: string; try_number: number }) => [t.state, t.try_number]),
      ).toEqual([['none', 0]]);
    }
    const shown = await viewer.get(`/dags/slow/backfills/${id}`);
    expect(shown.text_.match(/not started: backfill cancelled/g)).toHaveLength(9);
    expect(shown.text_).toContain('cancelled</dt>');
    // The CLI sees the same backfills.
    const cli = await stack.sluice(['backfill', 'list', 'slow']);
    expect(cli.stdout).toMatch(
      new RegExp(`^id\\s+state.*\\n${id}\\s+cancelled\\s+.*10/10 \\(100%\\)\\s+0\\s+0\\s+1\\s+9\\s+.*op\\n$`),
    );
    const cliAgain = await stack.sluice(['backfill', 'cancel', 'slow', String(id)]);
    expect(cliAgain.code).toBe(1);
    expect(cliAgain.stderr).toContain(`backfill ${id} of slow was cancelled already by op`);
  }, 180_000);

  test('bad input names the field; no cron schedule, no such backfill; a Viewer may not create', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ from_date: '2026-01-05', to_date: '2026-01-01' }, 'to_date is before from_date'],
      [{ to_date: '2026-01-01' }, 'from_date is required'],
      [{ from_date: 'soon', to_date: '2026-01-01' }, 'from_date "soon" is not a date'],
      [{ from_date: '2026-01-01', to_date: '2026-01-02', conf: [1] }, 'conf must be a JSON object'],
      [{ from_date: '2026-01-01', to_date: '2026-01-02', max_runs: 'many' }, 'max_runs must be a whole number'],
    ];
    for (const [body, message] of cases)
      for (const route of ['/dags/daily/backfills', '/dags/daily/backfills/dry_run']) {
        const r = await api(tokens.op, 'POST', route, body);
        expect([route, r.status, r.body.error?.code, r.body.error?.message]).toEqual([
          route,
          400,
          'USAGE',
          expect.stringContaining(message),
        ]);
      }
    const manual = await api(tokens.op, 'POST', '/dags/manual/backfills', {
      from_date: '2026-01-01',
      to_date: '2026-01-02',
    });
    expect([manual.status, manual.body.error.message]).toEqual([
      400,
      'manual has no cron schedule (manual only); trigger it instead',
    ]);
    const nope = await api(tokens.op, 'POST', '/dags/nope/backfills', {
      from_date: '2026-01-01',
      to_date: '2026-01-02',
    });
    expect([nope.status, nope.body.error.code]).toEqual([404, 'DAG_NOT_FOUND']);
    for (const missing of ['999999', 'abc']) {
      const r = await api(tokens.viewer, 'GET', `/dags/daily/backfills/${missing}`);
      expect([r.status, r.body.error.code]).toEqual([404, 'NOT_FOUND']);
      conforms('get', '/dags/{dag_id}/backfills/{backfill_id}', 404, r.body);
      expect(r.body.error.message).toContain(`DAG "daily" has no backfill`);
    }
    // The form shows its errors on the form, naming the field, with what was typed kept.
    const form = async (fields: Record<string, string>, dag = 'daily') =>
      op.request('POST', `/dags/${dag}/backfill`, { form: { _csrf: op.csrf, intent: 'preview', ...fields } });
    const backwards = await form({ start: '2026-01-05', end: '2026-01-01' });
    expect(backwards.status).toBe(400);
    expect(backwards.text_).toContain('end is before start');
    expect(backwards.text_).toContain('value="2026-01-05"');
    const badConf = await form({ start: '2026-01-01', end: '2026-01-02', conf: '{nope' });
    expect([badConf.status, badConf.text_]).toEqual([400, expect.stringContaining('conf is not JSON')]);
    const badParam = await form({ start: '2026-01-01', end: '2026-01-02', 'param.n': 'many' });
    expect(badParam.text_).toContain('param n must be a number');
    const noStart = await form({ end: '2026-01-02' });
    expect(noStart.text_).toContain('start is required');
    const noCron = await form({ start: '2026-01-01', end: '2026-01-02' }, 'manual');
    expect([noCron.status, noCron.text_]).toEqual([
      400,
      expect.stringContaining('manual has no cron schedule (manual only); trigger it instead'),
    ]);
    const over = await op.request('POST', '/dags/daily/backfill', {
      form: { _csrf: op.csrf, intent: 'preview', start: '2026-03-01', end: '2026-03-01T00:00' },
    });
    expect(over.text_).toContain('<strong>1</strong> run(s) to create');
    // A paused DAG's backfill runs wait: the form offers to unpause it.
    expect((await api(tokens.op, 'PATCH', '/dags/daily', { is_paused: true })).body.is_paused).toBe(true);
    const pausedForm = await op.get('/dags/daily/backfill');
    expect(pausedForm.text_).toMatch(/<input type="checkbox" name="unpause" checked> Unpause daily/);
    const unpaused = await op.request('POST', '/dags/daily/backfill', {
      form: { _csrf: op.csrf, intent: 'create', start: '2026-05-01', end: '2026-05-02', unpause: 'on' },
    });
    expect(unpaused.status).toBe(303);
    expect((await api(tokens.viewer, 'GET', '/dags/daily')).body.is_paused).toBe(false);
    const id = Number(unpaused.headers.get('location')!.split('/').at(-1));
    await until('daily', id, 'the backfill of the unpaused DAG to complete', (b) => b.state === 'completed');
    // A Viewer gets no button and a 403 for the form, its submit and the API.
    expect((await viewer.get('/dags/daily')).text_).not.toContain('Backfill…');
    expect((await viewer.get('/dags/daily/backfills')).text_).not.toContain('Backfill…');
    expect((await viewer.get('/dags/daily/backfill')).status).toBe(403);
    const posted = await viewer.request('POST', '/dags/daily/backfill', {
      form: { _csrf: viewer.csrf, intent: 'create', start: '2026-04-01', end: '2026-04-02' },
    });
    expect(posted.status).toBe(403);
    const refused = await api(tokens.viewer, 'POST', '/dags/daily/backfills', {
      from_date: '2026-04-01',
      to_date: '2026-04-02',
    });
    expect([refused.status, refused.body.error.message]).toEqual([403, 'viewer is a Viewer: this needs the Op role']);
    conforms('post', '/dags/{dag_id}/backfills', 403, refused.body);
    expect(
      (await api(tokens.viewer, 'GET', '/dags/daily/backfills')).body.items.every((b: Backfill) => b.runs.total > 0),
    ).toBe(true);
  }, 120_000);
});
