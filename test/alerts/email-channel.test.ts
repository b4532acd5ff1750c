import { mkdtempSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { AlertMessage } from '../../src/alerts/message';
import { emailChannel, type EmailSettings } from '../../src/alerts/channels/email';
import { createAlertTemplates } from '../../src/alerts/channels/templates';
import { selfSignedCert, startSmtpServer, type SmtpStandIn } from '../support/loopback-alert-servers';

const templates = createAlertTemplates();
const FROM = 'Sluice <sluice@example.test>';
const LOGIN = { user: 'alerts', pass: 'pa:ss/w0rd-Hunter2' };

// A billing run whose charge task failed on its last try, with markup in its error.
const failed: AlertMessage = {
  kind: 'failure',
  severity: 'error',
  title: 'billing_nightly failed: charge_cards',
  dagId: 'billing_nightly',
  tasks: [{ taskId: 'charge_cards', state: 'failed', tryNumber: 2, maxTries: 2, error: '<script>alert(1)</script>' }],
  runId: 'scheduled__2026-11-21T23:00:00+00:00',
  logicalDate: new Date('2026-11-21T23:00:00Z'),
  at: new Date('2026-11-22T00:10:00Z'),
  since: new Date('2026-11-22T00:01:00Z'),
  expectations: [],
  links: { run: 'http://sluice.test/dags/billing_nightly/runs/r7' },
  suppressed: 0,
  dedupeKey: 'billing_nightly:failure',
};

const servers: SmtpStandIn[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function smtp(options: Parameters<typeof startSmtpServer>[0] = {}) {
  const s = await startSmtpServer(options);
  servers.push(s);
  return s;
}

async function send(settings: Omit<EmailSettings, 'from'>, to: string, m: AlertMessage = failed) {
  const channel = emailChannel({ from: FROM, ...settings }, templates);
  try {
    return await channel.send(to, m);
  } finally {
    await channel.close();
  }
}

test('plain SMTP: subject, from, every recipient, HTML and text parts with the run link', async () => {
  const server = await smtp();
  const answer = await send({ url: server.url() }, 'oncall@example.test, data-eng@example.test');
  expect(answer).toMatchObject({
    ok: true,
    answer: expect.stringContaining('250'),
    providerId: expect.stringMatching(/^<.+@.+>$/),
  });

  expect(server.messages).toHaveLength(1);
  const [{ envelope, mail, secure }] = server.messages;
  expect(secure).toBe(false);
  expect(envelope).toEqual({ from: 'sluice@example.test', to: ['oncall@example.test', 'data-eng@example.test'] });
  expect(mail.subject).toBe('[sluice] FAILED billing_nightly · charge_cards · 2026-11-21');
  expect(mail.headers.get('from')).toBe(FROM);
  expect(mail.headers.get('to')).toBe('oncall@example.test, data-eng@example.test');
  expect(mail.headers.get('message-id')).toBe(answer.ok && answer.providerId);
  expect(mail.headers.get('x-sluice-dedupe-key')).toBe('billing_nightly:failure');
  expect(mail.text).toContain('Try:          2 of 2');
  expect(mail.text).toContain(`Open run:  ${failed.links.run}`);
  expect(mail.text).toContain('<script>alert(1)</script>');
  expect(mail.html).toContain(`<a href="${failed.links.run}"`);
  expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(mail.html).not.toContain('<script>');
});

test('a recovery threads under its failure: both reference the incident', async () => {
  const server = await smtp();
  await send({ url: server.url() }, 'oncall@example.test');
  const recovered: AlertMessage = {
    ...failed,
    kind: 'recovered',
    severity: 'ok',
    title: 'billing_nightly recovered',
    tasks: [],
  };
  await send({ url: server.url() }, 'oncall@example.test', recovered);
  const [a, b] = server.messages.map((x) => x.mail);
  expect(b.subject).toBe('[sluice] RECOVERED billing_nightly · 2026-11-21');
  expect(a.headers.get('references')).toMatch(/^<incident\.[0-9a-f]{24}@example\.test>$/);
  expect(b.headers.get('references')).toBe(a.headers.get('references'));
  expect(b.headers.get('in-reply-to')).toBe(a.headers.get('references'));
  expect(b.headers.get('message-id')).not.toBe(a.headers.get('message-id'));
});

describe('STARTTLS and AUTH', () => {
  let cert: { key: string; cert: string };
  let caFile: string;
  beforeAll(async () => {
    cert = await selfSignedCert();
    caFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'sluice-smtp-')), 'ca.pem');
    writeFileSync(caFile, cert.cert);
  });

  test('upgrades to TLS with a self-signed certificate trusted through caFile, and logs in', async () => {
    const server = await smtp({ tls: cert, auth: LOGIN });
    expect(await send({ url: server.url(LOGIN), caFile }, 'oncall@example.test')).toMatchObject({ ok: true });
    expect(server.messages.map((m) => [m.secure, m.user])).toEqual([[true, 'alerts']]);
  });

  test('without caFile the certificate is not trusted: retried, nothing sent', async () => {
    const server = await smtp({ tls: cert, auth: LOGIN });
    const answer = await send({ url: server.url(LOGIN) }, 'oncall@example.test');
    expect(answer).toMatchObject({ ok: false, retry: true, answer: expect.stringMatching(/certificate/i) });
    expect(server.messages).toHaveLength(0);
  });

  test('a wrong password is permanent, and the password the server echoes is masked', async () => {
    const server = await smtp({ tls: cert, auth: LOGIN });
    const wrong = { user: 'alerts', pass: 'not-the-Hunter3' };
    const answer = await send({ url: server.url(wrong), caFile }, 'oncall@example.test');
    expect(answer).toMatchObject({ ok: false, retry: false, answer: expect.stringContaining('535') });
    expect(answer.answer).toContain('with password ***');
    expect(answer.answer).not.toContain('Hunter3');
  });
});

test('an SMTP server that is down is retried, without the URL or password in the answer', async () => {
  const server = await smtp();
  const url = server.url(LOGIN);
  await server.close();
  servers.pop();
  const answer = await send({ url }, 'oncall@example.test');
  expect(answer).toMatchObject({ ok: false, retry: true, answer: expect.stringMatching(/ECONNREFUSED/) });
  expect(answer.answer).not.toContain('Hunter2');
});

test('a server that accepts the connection but never greets is retried after the timeout', async () => {
  const silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  try {
    const answer = await send({ url: `smtp://127.0.0.1:${port}`, timeoutMs: 200 }, 'oncall@example.test');
    expect(answer).toMatchObject({ ok: false, retry: true });
  } finally {
    await new Promise((resolve) => silent.close(resolve));
  }
});

test('451 (try later) is retried; 550 (no such user) is permanent', async () => {
  const server = await smtp({
    rcpt: (to) =>
      to.startsWith('busy')
        ? { code: 451, message: 'Try again later' }
        : to.startsWith('nobody')
          ? { code: 550, message: 'No such user' }
          : undefined,
  });
  expect(await send({ url: server.url() }, 'busy@example.test')).toMatchObject({
    ok: false,
    retry: true,
    answer: expect.stringContaining('451 Try again later'),
  });
  expect(await send({ url: server.url() }, 'nobody@example.test')).toMatchObject({
    ok: false,
    retry: false,
    answer: expect.stringContaining('550 No such user'),
  });
  // One of two refused: sent, and the answer says who did not get it.
  expect(await send({ url: server.url() }, 'oncall@example.test, nobody@example.test')).toMatchObject({
    ok: true,
    answer: expect.stringContaining('rejected nobody@example.test'),
  });
  expect(server.messages.map((m) => m.envelope.to)).toEqual([['oncall@example.test']]);
});

test('no recipients is permanent', async () => {
  const server = await smtp();
  expect(await send({ url: server.url() }, ' ')).toMatchObject({ ok: false, retry: false });
});
