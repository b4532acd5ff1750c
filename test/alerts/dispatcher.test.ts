import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { defineDag, task } from '../../src/index';
import { serializeDag, type DagStructure } from '../../src/dag/serialized-dag';
import { upsertDags } from '../../src/state/dag-store';
import { createRun } from '../../src/state/runs';
import { recordEvent, type EventRecord } from '../../src/state/events';
import { AlertDispatcher, type AlertSender, type DispatcherOptions } from '../../src/alerts/dispatcher';
import { readProjectRouting } from '../../src/alerts/project-routing';
import type { AlertMessage, DeliveryAnswer } from '../../src/alerts/message';
import { createTestDatabase } from '../support/pg';

/**
 * The router and the dispatcher on Postgres, with senders that record what they are given (the
 * channels themselves are tested against loopback servers in their own files, and end to end in
 * alerts-e2e): which events become which messages, to whom, how often.
 */

interface Sent {
  readonly channel: string;
  readonly to: string;
  readonly m: AlertMessage;
}

function recorder(sent: Sent[], channel: string, answer?: () => DeliveryAnswer): AlertSender {
  return {
    async send(to, m) {
      sent.push({ channel, to, m });
      return answer?.() ?? { ok: true, answer: 'ok', providerId: `${channel}:${sent.length}` };
    },
  };
}

let db: Database;
let drop: () => Promise<void>;
let structure: DagStructure;
let versionId: number;
const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-alerts-'));
const routingFile = path.join(dir, 'routing.json');
writeFileSync(routingFile, JSON.stringify({ defaults: { slack: '#platform' }, window: '30m' }));

function dispatcher(sent: Sent[], over: Partial<DispatcherOptions> = {}): AlertDispatcher {
  return new AlertDispatcher(
    db,
    {
      senders: { slack: recorder(sent, 'slack'), email: recorder(sent, 'email'), webhook: recorder(sent, 'webhook') },
      routing: () => readProjectRouting(routingFile),
      baseUrl: 'http://sluice.example:8080',
      mask: (s) => s.replaceAll('hunter2-secret', '***'),
      paceMs: { slack: 0, webhook: 0, email: 0 },
      leaseMs: 60_000,
      retry: { baseMs: 10, maxMs: 50, maxAttempts: 3 },
      pollMs: 60_000,
      ...over,
    },
    { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
  );
}

let day = 0;
async function newRun(): Promise<number> {
  day++;
  const start = new Date(Date.UTC(2026, 0, day));
  const run = await createRun(db, {
    dagId: 'orders',
    versionId,
    structure,
    runType: 'scheduled',
    interval: { start, end: new Date(start.getTime() + 86_400_000) },
  });
  return run!.id;
}

async function fail(runPk: number, taskId: string, error = `relation "raw.orders" does not exist`): Promise<void> {
  await db.query(
    `UPDATE sluice.task_instance SET state = 'failed', try_number = 1 WHERE run_id = $1 AND task_id = $2`,
    [runPk, taskId],
  );
  await db.query(
    `INSERT INTO sluice.task_try (ti_id, try_number, state, error, duration_ms)
     SELECT id, 1, 'failed', $3, 1200 FROM sluice.task_instance WHERE run_id = $1 AND task_id = $2`,
    [runPk, taskId, error],
  );
  await event({
    kind: 'task_failed',
    dagId: 'orders',
    runId: runPk,
    taskId,
    tryNumber: 1,
    message: error,
    payload: { error },
  });
}

const event = (e: EventRecord) => recordEvent(db, e);
const alerts = async () =>
  (
    await db.query<{ kind: string; channel: string; target: string; state: string; reason: string | null }>(
      `SELECT kind, channel, target, state, reason FROM sluice.alert ORDER BY id`,
    )
  ).rows;

beforeAll(async () => {
  const t = await createTestDatabase('alert_dispatcher');
  drop = t.drop;
  db = await openDatabase({ databaseUrl: t.url, home: dir }, { migrate: true });
  structure = serializeDag(
    defineDag({
      id: 'orders',
      schedule: '@daily',
      startDate: '2026-01-01',
      owner: 'data-eng',
      alerts: { slack: '#data-eng', email: 'oncall@example.com' },
      tasks: [
        task({ id: 'load', run: () => 1 }),
        task({ id: 'check', upstream: ['load'], alerts: { slack: '#analytics' }, run: () => 1 }),
        task({ id: 'report', upstream: ['check'], run: () => 1 }),
      ],
    }),
  );
  await upsertDags(db, [{ structure, filePath: 'orders.ts' }]);
  versionId = (await db.query<{ id: number }>(`SELECT latest_version_id AS id FROM sluice.dag WHERE dag_id = 'orders'`))
    .rows[0].id;
});

afterAll(async () => {
  await db.close();
  await drop();
});

beforeEach(async () => {
  await db.query(
    `TRUNCATE sluice.alert, sluice.alert_incident, sluice.alert_pace, sluice.alert_mute, sluice.alert_deadline_miss`,
  );
  await db.query(`UPDATE sluice.event SET routed_at = now() WHERE routed_at IS NULL`);
});

test('a failed run is one message per target, listing its failed and upstream-failed tasks', async () => {
  const sent: Sent[] = [];
  const d = dispatcher(sent);
  const r1 = await newRun();
  await fail(r1, 'load', 'boom: password hunter2-secret at postgres://etl:hunter2@db/x');
  await db.query(`UPDATE sluice.task_instance SET state = 'upstream_failed' WHERE run_id = $1 AND task_id <> 'load'`, [
    r1,
  ]);
  await event({ kind: 'run_failed', dagId: 'orders', runId: r1, message: 'run failed' });
  await d.tick();
  expect(sent.map((s) => `${s.channel} ${s.to}`).sort()).toEqual(['email oncall@example.com', 'slack #data-eng']);
  const m = sent[0].m;
  expect(m.kind).toBe('failure');
  expect(m.title).toBe('orders failed: load');
  expect(m.tasks.map((t) => `${t.taskId}:${t.state}`)).toEqual([
    'load:failed',
    'check:upstream_failed',
    'report:upstream_failed',
  ]);
  expect(m.tasks[0].error).toBe('boom: password *** at postgres://etl:***@db/x');
  expect(m.links.run).toBe(`http://sluice.example:8080/dags/orders/runs/${encodeURIComponent(m.runId!)}`);
  expect(m.links.log).toContain('/tasks/load?try=1');
  expect(m.dedupeKey).toBe('orders:load:failure');
  expect(m.suppressed).toBe(0);

  // The same failure in the next run, within the window: recorded, not sent; the next message counts it.
  const r2 = await newRun();
  await fail(r2, 'load');
  await d.tick();
  expect(sent).toHaveLength(2);
  expect((await alerts()).filter((a) => a.state === 'suppressed').map((a) => a.reason)).toEqual([
    'repeat within the window',
    'repeat within the window',
  ]);

  // A success closes the incident with one recovery where the failure went.
  const r3 = await newRun();
  await event({ kind: 'run_recovered', dagId: 'orders', runId: r3, message: 'recovered' });
  await d.tick();
  const recovered = sent.slice(2);
  expect(recovered.map((s) => `${s.channel} ${s.to} ${s.m.kind}`).sort()).toEqual([
    'email oncall@example.com recovered',
    'slack #data-eng recovered',
  ]);
  expect(recovered[0].m.title).toBe('orders recovered');
  const incidents = await db.query(`SELECT closed_at FROM sluice.alert_incident`);
  expect(incidents.rows.every((i) => i.closed_at)).toBe(true);

  // A failure after the recovery is news, however soon: a new incident, sent.
  const r4 = await newRun();
  await fail(r4, 'load');
  await d.tick();
  expect(sent).toHaveLength(6);
  // The first message of the key since the suppressed repeat says so, per target.
  expect(
    sent
      .slice(4)
      .map((s) => `${s.to} ${s.m.suppressed}`)
      .sort(),
  ).toEqual(['#data-eng 1', 'oncall@example.com 1']);
  // A second recovery event without an open incident sends nothing.
  await event({ kind: 'run_recovered', dagId: 'orders', runId: r4, message: 'recovered' });
  await event({ kind: 'run_recovered', dagId: 'orders', runId: r4, message: 'recovered again' });
  await d.tick();
  expect(sent).toHaveLength(8);
});

test("a gate's failure and the task's failure in one run fold into one message; a task's own route is used for its events", async () => {
  const sent: Sent[] = [];
  const d = dispatcher(sent);
  const r = await newRun();
  await db.query(`UPDATE sluice.task_instance SET state = 'success' WHERE run_id = $1 AND task_id = 'load'`, [r]);
  await event({ kind: 'check_failed', dagId: 'orders', runId: r, taskId: 'check', message: 'orders_suite failed' });
  await fail(r, 'check', 'expectation suite orders_suite failed');
  await event({ kind: 'run_failed', dagId: 'orders', runId: r, message: 'run failed' });
  await d.tick();
  // check's own route (#analytics) gets the run's message once; run_failed (the DAG's route) adds #data-eng and email.
  expect(sent.map((s) => `${s.channel} ${s.to}`).sort()).toEqual([
    'email oncall@example.com',
    'slack #analytics',
    'slack #data-eng',
  ]);
  expect(new Set(sent.map((s) => s.m.title))).toEqual(new Set(['orders failed: check']));
});

test('muted DAGs record their alerts as suppressed; a provider that is down is retried, then recorded failed', async () => {
  const sent: Sent[] = [];
  await db.query(
    `INSERT INTO sluice.alert_mute (dag_id, until, muted_by) VALUES ('orders', now() + interval '2 hours', 'test')`,
  );
  const d = dispatcher(sent);
  await fail(await newRun(), 'load');
  await d.tick();
  expect(sent).toHaveLength(0);
  expect((await alerts()).map((a) => a.reason?.replace(/until .*/, 'until …'))).toEqual([
    'muted until …',
    'muted until …',
  ]);
  await db.query(`DELETE FROM sluice.alert_mute`);

  let down = true;
  const flaky: Sent[] = [];
  const d2 = dispatcher(flaky, {
    senders: {
      slack: recorder(flaky, 'slack', () =>
        down ? { ok: false, retry: true, answer: 'connect ECONNREFUSED 127.0.0.1:9' } : { ok: true, answer: 'ok' },
      ),
      email: recorder(flaky, 'email', () => ({ ok: false, retry: false, answer: '550 no such user' })),
    },
  });
  const r = await newRun();
  await db.query(`UPDATE sluice.alert_incident SET closed_at = now()`); // a fresh incident: no window from the muted ones
  await fail(r, 'load');
  await d2.tick();
  const byTarget = async () =>
    Object.fromEntries(
      (
        await db.query<{ target: string; state: string; attempts: number; answer: string }>(
          `SELECT target, state, attempts, answer FROM sluice.alert WHERE run_id = $1`,
          [r],
        )
      ).rows.map((x) => [x.target, `${x.state} ${x.attempts} ${x.answer}`]),
    );
  expect(await byTarget()).toEqual({
    '#data-eng': 'pending 1 connect ECONNREFUSED 127.0.0.1:9',
    'oncall@example.com': 'failed 1 550 no such user',
  });
  await db.query(`UPDATE sluice.alert SET next_attempt_at = now() WHERE state = 'pending'`);
  down = false;
  await d2.tick();
  expect((await byTarget())['#data-eng']).toBe('sent 2 ok');
});

test('two dispatchers share the outbox and send each alert once; pacing holds one target to one message a pass', async () => {
  const sent: Sent[] = [];
  // No window (the DAG sets none; the project's is 0): every run's failure is sent.
  writeFileSync(routingFile, JSON.stringify({ defaults: { slack: '#platform' }, window: '0s' }));
  const [a, b] = [dispatcher(sent), dispatcher(sent)];
  for (let i = 0; i < 8; i++) await fail(await newRun(), 'load');
  await Promise.all([a.tick(), b.tick()]);
  const rows = await db.query<{ id: number; state: string }>(`SELECT id, state FROM sluice.alert ORDER BY id`);
  expect(rows.rows.map((x) => x.state)).toEqual(Array(16).fill('sent'));
  expect(sent).toHaveLength(16);
  expect(new Set(sent.map((s) => `${s.to}|${s.m.runId}`)).size).toBe(16);

  // With a pace, a target takes one message per pass, the rest wait their turn (queued, not dropped).
  await db.query(`TRUNCATE sluice.alert, sluice.alert_incident, sluice.alert_pace`);
  const paced: Sent[] = [];
  const p = dispatcher(paced, { paceMs: { slack: 60_000, webhook: 60_000, email: 60_000 } });
  for (let i = 0; i < 3; i++)
    await event({
      kind: 'import_error',
      filePath: `dags/broken_${i}.ts`,
      message: 'x',
      payload: { issues: [{ line: 3, message: 'Unexpected token' }] },
    });
  await p.tick();
  expect(paced.map((s) => s.to)).toEqual(['#platform']);
  expect((await alerts()).map((x) => x.state).sort()).toEqual(['pending', 'pending', 'sent']);
  expect(paced[0].m.file).toEqual({ path: 'dags/broken_0.ts', line: 3, message: 'Unexpected token' });
});

test('a DAG file that stops importing alerts once, and once when it imports again', async () => {
  writeFileSync(
    routingFile,
    JSON.stringify({ defaults: { slack: '#platform' }, imports: { email: 'platform@example.com' } }),
  );
  const sent: Sent[] = [];
  const d = dispatcher(sent);
  const broken = {
    kind: 'import_error' as const,
    filePath: 'dags/new_file.ts',
    message: 'x',
    payload: { issues: [{ line: 1, message: 'SyntaxError' }] },
  };
  await event(broken);
  await event({ ...broken, payload: { issues: [{ line: 2, message: 'another error' }] } });
  await d.tick();
  expect(sent.map((s) => `${s.m.kind} ${s.to}`)).toEqual(['import_error platform@example.com']);
  await event({ kind: 'import_fixed', filePath: 'dags/new_file.ts', message: 'imports again' });
  await d.tick();
  expect(sent.map((s) => `${s.m.kind} ${s.to}`)).toEqual([
    'import_error platform@example.com',
    'import_fixed platform@example.com',
  ]);
  // The file of an existing DAG alerts where that DAG alerts.
  await event({ ...broken, filePath: 'orders.ts' });
  await d.tick();
  expect(
    sent
      .slice(2)
      .map((s) => `${s.m.kind} ${s.to}`)
      .sort(),
  ).toEqual(['import_error #data-eng', 'import_error oncall@example.com']);
});

test('a deadline fires once while the run is still going, for the run or for a named task', async () => {
  writeFileSync(routingFile, JSON.stringify({ defaults: { slack: '#platform' } }));
  const slow = serializeDag(
    defineDag({
      id: 'slow',
      schedule: '@daily',
      startDate: '2026-01-01',
      alerts: {
        slack: '#late',
        deadlines: [
          { name: 'run_late', reference: 'queued_at', after: '1h' },
          { name: 'load_late', reference: 'data_interval_end', after: '2h', task: 'load' },
        ],
      },
      tasks: [task({ id: 'load', run: () => 1 }), task({ id: 'publish', upstream: ['load'], run: () => 1 })],
    }),
  );
  await upsertDags(db, [{ structure: slow, filePath: 'slow.ts' }]);
  const v = (await db.query<{ id: number }>(`SELECT latest_version_id AS id FROM sluice.dag WHERE dag_id = 'slow'`))
    .rows[0].id;
  const start = new Date(Date.now() - 5 * 3_600_000);
  const run = (await createRun(db, {
    dagId: 'slow',
    versionId: v,
    structure: slow,
    runType: 'scheduled',
    interval: { start, end: new Date(start.getTime() + 3_600_000) },
  }))!;
  await db.query(
    `UPDATE sluice.dag_run SET state = 'running', queued_at = now() - interval '30 minutes' WHERE id = $1`,
    [run.id],
  );
  const sent: Sent[] = [];
  const d = dispatcher(sent);
  await d.tick();
  // The interval ended 4 h ago: load's 2 h deadline passed; the run was queued 30 min ago: its 1 h one did not.
  expect(sent.map((s) => `${s.to} ${s.m.kind} ${s.m.deadline?.name} ${s.m.tasks.map((t) => t.taskId)}`)).toEqual([
    '#late deadline load_late load',
  ]);
  await db.query(`UPDATE sluice.dag_run SET queued_at = now() - interval '61 minutes' WHERE id = $1`, [run.id]);
  await d.tick();
  await d.tick();
  expect(sent.map((s) => s.m.deadline?.name)).toEqual(['load_late', 'run_late']);
  expect(sent[1].m.tasks.map((t) => t.taskId)).toEqual(['load', 'publish']);
  // A finished run is not checked.
  await db.query(`TRUNCATE sluice.alert_deadline_miss`);
  await db.query(`UPDATE sluice.dag_run SET state = 'success' WHERE id = $1`, [run.id]);
  await d.tick();
  expect(sent).toHaveLength(2);
});

test('retries alert only where routed; warnings alert per task within the window', async () => {
  writeFileSync(routingFile, JSON.stringify({ defaults: { slack: '#platform' } }));
  const sent: Sent[] = [];
  const d = dispatcher(sent);
  const r = await newRun();
  const retry = (taskId: string) =>
    event({
      kind: 'task_retry',
      dagId: 'orders',
      runId: r,
      taskId,
      tryNumber: 1,
      message: 'retrying',
      payload: { error: 'timeout talking to the API' },
    });
  await retry('load'); // the DAG's route takes failure, warning, deadline, recovered: not retry
  await d.tick();
  expect(sent).toHaveLength(0);
  // A task whose own route takes retries.
  const withRetry = serializeDag(
    defineDag({
      id: 'orders',
      schedule: '@daily',
      startDate: '2026-01-01',
      owner: 'data-eng',
      alerts: { slack: '#data-eng', email: 'oncall@example.com' },
      tasks: [
        task({ id: 'load', alerts: { slack: '#flaky', on: ['retry', 'failure'] }, run: () => 1 }),
        task({ id: 'check', upstream: ['load'], run: () => 1 }),
        task({ id: 'report', upstream: ['check'], run: () => 1 }),
      ],
    }),
  );
  await db.query(`UPDATE sluice.dag_version SET structure = $1 WHERE id = $2`, [JSON.stringify(withRetry), versionId]);
  try {
    await db.query(
      `UPDATE sluice.task_instance SET state = 'up_for_retry', try_number = 1 WHERE run_id = $1 AND task_id = 'load'`,
      [r],
    );
    await retry('load');
    await retry('load'); // the second try's retry, within the window: suppressed
    await d.tick();
    expect(sent.map((s) => `${s.to} ${s.m.kind} ${s.m.title}`)).toEqual([
      '#flaky retry orders.load is being retried (try 1 failed)',
    ]);
    expect(sent[0].m.tasks[0].error).toBe('timeout talking to the API');

    await event({ kind: 'check_warned', dagId: 'orders', runId: r, taskId: 'check', message: 'warned' });
    await event({ kind: 'check_warned', dagId: 'orders', runId: r, taskId: 'check', message: 'warned again' });
    await d.tick();
    expect(
      sent
        .slice(1)
        .map((s) => `${s.channel} ${s.to} ${s.m.kind} ${s.m.dedupeKey}`)
        .sort(),
    ).toEqual([
      'email oncall@example.com warning orders:check:warning',
      'slack #data-eng warning orders:check:warning',
    ]);
  } finally {
    await db.query(`UPDATE sluice.dag_version SET structure = $1 WHERE id = $2`, [
      JSON.stringify(structure),
      versionId,
    ]);
  }
});
