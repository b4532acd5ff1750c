import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dagFile, tempProject } from '../support/sandbox';
import { createTestDatabase } from '../support/pg';
import { runSluice, startSluice, stopped, waitFor } from '../support/processes';
import {
  startSlackApi,
  startSmtpServer,
  startWebhookServer,
  type SlackApiStandIn,
  type SmtpStandIn,
  type WebhookStandIn,
} from '../support/loopback-alert-servers';

/*
 * Alerts end to end, on both databases: a `sluice standalone` runs the DAGs and sends through
 * loopback stand-ins of Slack's Web API and an SMTP server. One message per run and channel for a
 * failure (token masked), repeats suppressed and counted, one recovery, a deadline while the run is
 * still going, a DAG file that stops importing and imports again, and an alert whose send was cut
 * off by a killed scheduler delivered after the restart.
 */
const p = tempProject();
const GO = path.join(p.dir, 'go.flag');
p.write(
  'alerting.ts',
  dagFile(`
export const alerting = defineDag({
  id: 'alerting', schedule: null, startDate: '2026-01-01', owner: 'data-eng', params: { fail: true },
  alerts: { slack: '#data-eng', email: 'oncall@example.com', webhook: 'ops' },
  tasks: [
    task('load', (ctx) => {
      console.log('token from the environment:', process.env.SLACK_BOT_TOKEN);
      if (ctx.params.fail) throw new Error('load failed: could not connect with token xoxb-1111-2222-abcdefSECRET');
      return 1;
    }),
    task({ id: 'publish', upstream: ['load'], run: () => 2 }),
  ],
});
export const slow = defineDag({
  id: 'slow', schedule: null, startDate: '2026-01-01',
  alerts: { slack: '#late', deadlines: [{ name: 'wait_2s', reference: 'queued_at', after: '2s', task: 'wait' }] },
  tasks: [task('wait', async () => {
    const fs = require('node:fs');
    while (!fs.existsSync(${JSON.stringify(GO)})) await new Promise((r) => setTimeout(r, 50));
    return 1;
  })],
});
`),
);
mkdirSync(path.join(p.dir, 'alerts'));
writeFileSync(path.join(p.dir, 'alerts', 'routing.json'), JSON.stringify({ imports: { slack: '#platform' } }));

afterAll(() => p.cleanup());

describe.each(['postgres', 'embedded'] as const)('alerts on %s', (kind) => {
  let slack: SlackApiStandIn;
  let smtp: SmtpStandIn;
  let hooks: WebhookStandIn;
  let env: Record<string, string>;
  let drop: (() => Promise<void>) | undefined;
  let child: ReturnType<typeof startSluice> | undefined;
  // On Postgres a second scheduler shares the outbox the whole time: every "exactly one" holds across two.
  let second: ReturnType<typeof startSluice> | undefined;

  const start = async () => {
    child = startSluice(['standalone', '--no-web'], env, p.dir);
    await waitFor(
      async () => {
        if (child!.exitCode !== null) throw new Error(`standalone exited:\n${child!.output()}`);
        return /running scheduler/.test(child!.output());
      },
      90_000,
      'the scheduler',
    );
  };
  const sluice = async (args: string[]) => {
    const r = await runSluice(args, { cwd: p.dir, env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`sluice ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const posts = (channel?: string) =>
    slack.requests.filter((r) => r.apiMethod === 'chat.postMessage' && (!channel || r.form.channel === channel));
  const alerts = async () =>
    JSON.parse(await sluice(['alerts', 'list', '--json', '--limit', '200'])) as Array<{
      kind: string;
      channel: string;
      target: string;
      state: string;
      reason: string | null;
      attempts: number;
      answer: string | null;
    }>;
  const trigger = async (dagId: string, conf: object) => {
    const out = await sluice(['dags', 'trigger', dagId, '--conf', JSON.stringify(conf)]);
    return /run (\S+)/.exec(out)?.[1] ?? out;
  };

  beforeAll(async () => {
    slack = await startSlackApi();
    smtp = await startSmtpServer();
    hooks = await startWebhookServer();
    const db = kind === 'postgres' ? await createTestDatabase(`alerts_e2e`) : undefined;
    drop = db?.drop;
    rmSync(path.join(p.dir, `.sluice-${kind}`), { recursive: true, force: true });
    env = {
      DATABASE_URL: db?.url ?? '',
      SLUICE_DAGS_FOLDER: p.dags,
      SLUICE_HOME: path.join(p.dir, `.sluice-${kind}`),
      SLUICE_WORKERS: '2',
      SLUICE_SCHEDULER_TICK: '200ms',
      SLUICE_WEB_BASE_URL: 'http://sluice.example:8080',
      SLACK_BOT_TOKEN: 'xoxb-test-token-e2e',
      SLACK_API_URL: slack.url,
      SMTP_URL: smtp.url(),
      SMTP_FROM: 'sluice@example.com',
      SLACK_WEBHOOK_URL_OPS: `${hooks.url}/services/T000/B000/opsHookSecret`,
      SLUICE_ALERTS_PACE: '0',
      SLUICE_ALERTS_POLL: '200ms',
      SLUICE_ALERTS_RETRY: '200ms',
      SLUICE_ALERTS_TIMEOUT: '1s',
    };
    await start();
    if (kind === 'postgres') second = startSluice(['scheduler', '--no-executor'], env, p.dir);
  }, 120_000);

  afterAll(async () => {
    for (const c of [child, second]) c?.kill('SIGTERM');
    for (const c of [child, second]) if (c) await stopped(c);
    await slack.close();
    await smtp.close();
    await hooks.close();
    await drop?.();
  });

  test('a failed run sends one message per channel; a repeat is suppressed; a success sends one recovery', async () => {
    await trigger('alerting', { fail: true });
    await waitFor(async () => posts('#data-eng').length >= 1 && smtp.messages.length >= 1, 60_000, 'the failure alert');
    const [post] = posts('#data-eng');
    expect(post.form.text).toContain('alerting');
    expect(post.form.text).toContain('load');
    const body = JSON.stringify(post.blocks);
    expect(body).toContain('load failed: could not connect with token xox*-***');
    expect(body).not.toContain('abcdefSECRET');
    expect(body).toContain('http://sluice.example:8080/dags/alerting/runs/');
    const mail = smtp.messages[0];
    expect(mail.envelope.to).toEqual(['oncall@example.com']);
    expect(mail.mail.subject).toMatch(/alerting/);
    expect(mail.mail.html).toContain('publish');
    expect(mail.raw).not.toContain('abcdefSECRET');
    await waitFor(async () => hooks.requests.length >= 1, 30_000, 'the webhook post');
    expect(hooks.requests[0].json.text).toContain('alerting');

    // A task that prints the bot token from its environment logs ***.
    const log = await sluice(['tasks', 'logs', 'alerting', 'load']);
    expect(log).toContain('token from the environment: ***');
    expect(log).not.toContain('xoxb-test-token-e2e');

    // The same failure again: recorded as suppressed on both channels, nothing sent.
    await trigger('alerting', { fail: true });
    await waitFor(
      async () => (await alerts()).filter((a) => a.state === 'suppressed').length >= 2,
      60_000,
      'the repeat to be suppressed',
    );
    expect(posts('#data-eng')).toHaveLength(1);
    expect(smtp.messages).toHaveLength(1);

    await trigger('alerting', { fail: false });
    await waitFor(async () => posts('#data-eng').length >= 2 && smtp.messages.length >= 2, 60_000, 'the recovery');
    expect(posts('#data-eng')[1].form.text).toMatch(/recovered/i);
    expect(smtp.messages[1].mail.subject).toMatch(/RECOVERED/);
    const incidents = await sluice(['alerts', 'incidents', '--json']);
    expect(JSON.parse(incidents)).toEqual([]);
    // Nothing more comes: exactly two messages per channel for two failures and a recovery.
    await new Promise((r) => setTimeout(r, 1000));
    expect(posts('#data-eng')).toHaveLength(2);
    expect(smtp.messages).toHaveLength(2);
    expect(hooks.requests).toHaveLength(2);
  }, 120_000);

  test('the CLI sends test alerts, shows routes, mutes and unmutes; webhook URLs never show', async () => {
    const sent = await runSluice(
      ['alerts', 'test', '--slack', '#ops', '--email', 'someone@example.com', '--webhook', 'ops'],
      { cwd: p.dir, env },
    );
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^sent {2}slack #ops: /m);
    expect(sent.stdout).toMatch(/^sent {2}email someone@example.com: /m);
    expect(sent.stdout).toMatch(/^sent {2}webhook ops: /m);
    expect(smtp.messages.at(-1)!.mail.subject).toMatch(/TEST/);
    const unknown = await runSluice(['alerts', 'test', '--webhook', 'nope'], { cwd: p.dir, env });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/FAILED {2}webhook nope: .*nope/);
    expect(unknown.stdout + unknown.stderr).not.toContain('opsHookSecret');
    const list = await sluice(['alerts', 'list']);
    expect(list).not.toContain('opsHookSecret');

    const routes = await sluice(['alerts', 'routes', 'alerting']);
    expect(routes).toContain('routes from dag');
    expect(routes).toMatch(/failure .*slack #data-eng, webhook ops, email oncall@example.com/);
    expect(routes).toMatch(/retry +│? *\(nowhere\)|retry.*\(nowhere\)/);

    const bad = await runSluice(['alerts', 'mute', 'alerting', '--for', 'soon'], { cwd: p.dir, env });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--for must be a duration');
    expect(await sluice(['alerts', 'mute', 'alerting', '--for', '2h', '--reason', 'maintenance'])).toMatch(
      /^muted alerting until \d{4}-/,
    );
    const before = posts('#data-eng').length;
    await trigger('alerting', { fail: true });
    await waitFor(
      async () => (await alerts()).some((a) => a.state === 'suppressed' && /^muted until/.test(a.reason ?? '')),
      60_000,
      'the muted alert',
    );
    expect(posts('#data-eng')).toHaveLength(before);
    expect(await sluice(['alerts', 'unmute', 'alerting'])).toContain('alerting is no longer muted');
    expect(await sluice(['alerts', 'unmute', 'alerting'])).toContain('alerting was not muted');
  }, 120_000);

  test('a deadline alerts while the run is still going', async () => {
    rmSync(GO, { force: true });
    await trigger('slow', {});
    await waitFor(async () => posts('#late').length >= 1, 60_000, 'the deadline alert');
    const state = JSON.parse(await sluice(['runs', 'list', '--dag', 'slow', '--json'])) as Array<{ state: string }>;
    expect(state[0].state).toBe('running');
    expect(posts('#late')[0].form.text).toMatch(/deadline/i);
    writeFileSync(GO, '');
  }, 120_000);

  test('a DAG file that stops importing alerts once, and once when it imports again', async () => {
    const file = p.write('broken.ts', 'import { defineDag } from "sluice";\nexport default defineDag({ id: ');
    await waitFor(async () => posts('#platform').length >= 1, 60_000, 'the import error alert');
    expect(posts('#platform')[0].form.text).toContain('broken.ts');
    writeFileSync(
      file,
      'import { defineDag } from "sluice";\nexport default defineDag({ id: "broken" });\n// still broken\n',
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(posts('#platform')).toHaveLength(1);
    rmSync(file);
    p.write(
      'broken.ts',
      dagFile(
        `export const fixed = defineDag({ id: 'fixed', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
      ),
    );
    await waitFor(async () => posts('#platform').length >= 2, 60_000, 'the import fixed alert');
    expect(posts('#platform')[1].form.text).toMatch(/imports again/);
  }, 120_000);

  test('an alert whose send a killed scheduler cut off is delivered after the restart, once', async () => {
    slack.reply('hang');
    const before = posts('#data-eng').length;
    await trigger('alerting', { fail: true });
    await waitFor(async () => posts('#data-eng').length > before, 60_000, 'the send to start');
    child!.kill('SIGKILL');
    await stopped(child!);
    await start();
    await waitFor(async () => posts('#data-eng').length > before + 1, 60_000, 'the delivery after the restart');
    await new Promise((r) => setTimeout(r, 1500));
    expect(posts('#data-eng')).toHaveLength(before + 2); // the cut-off try and the one that was answered
    const sent = (await alerts()).filter((a) => a.kind === 'failure' && a.target === '#data-eng' && a.state === 'sent');
    expect(sent).toHaveLength(2);
  }, 180_000);

  test('SMTP down is retried and delivered when it returns; a rate limit is waited out; invalid_auth is not retried', async () => {
    const sentTo = async (target: string) =>
      (await alerts()).filter((a) => a.target === target && a.kind === 'failure');
    const cycle = async (conf: object, what: string) => {
      const n = posts('#data-eng').length;
      await trigger('alerting', conf);
      await waitFor(async () => posts('#data-eng').length > n, 60_000, what);
    };
    await cycle({ fail: false }, 'a recovery, so that the next failure is news');

    const port = smtp.port;
    await smtp.close();
    slack.reply({ status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    const before = posts('#data-eng').length;
    const mails = smtp.messages.length;
    await trigger('alerting', { fail: true });
    await waitFor(async () => posts('#data-eng').length >= before + 2, 60_000, 'the post after the rate limit');
    const [limited, accepted] = posts('#data-eng').slice(before);
    expect(accepted.at - limited.at).toBeGreaterThanOrEqual(900); // Retry-After: 1 was honoured
    const waiting = await waitFor(
      async () => (await sentTo('oncall@example.com')).find((a) => a.state === 'pending' && a.attempts >= 1),
      60_000,
      'the email to wait for SMTP',
    );
    expect(waiting.answer).toMatch(/ECONNREFUSED|connect/i);
    smtp = await startSmtpServer({ port });
    await waitFor(async () => smtp.messages.length > 0, 60_000, 'the email once SMTP is back');
    expect(smtp.messages).toHaveLength(1);
    expect(mails).toBeGreaterThan(0);

    await cycle({ fail: false }, 'another recovery');
    slack.reply({ body: { ok: false, error: 'invalid_auth' } });
    const n = posts('#data-eng').length;
    await trigger('alerting', { fail: true });
    const refused = await waitFor(
      async () => (await sentTo('#data-eng')).find((a) => a.state === 'failed'),
      60_000,
      'the refused alert to be recorded',
    );
    expect(refused).toMatchObject({ attempts: 1 });
    expect(refused.answer).toContain('invalid_auth');
    await new Promise((r) => setTimeout(r, 1000));
    expect(posts('#data-eng')).toHaveLength(n + 1);
  }, 180_000);
});
