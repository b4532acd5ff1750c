import type { AlertMessage, DeliveryAnswer } from '../../src/alerts/message';
import { webhookChannel } from '../../src/alerts/channels/slack-webhook';
import { createAlertTemplates } from '../../src/alerts/channels/templates';
import { startWebhookServer, type WebhookStandIn } from '../support/loopback-alert-servers';

const templates = createAlertTemplates();
const PATH = '/services/T0001/B0002/hookSecretPart42';

const recovered: AlertMessage = {
  kind: 'recovered',
  severity: 'ok',
  title: 'orders_daily recovered',
  dagId: 'orders_daily',
  runId: 'manual__2026-11-22T09:00:00+00:00',
  since: new Date('2026-11-22T02:05:00Z'),
  at: new Date('2026-11-22T09:03:00Z'),
  tasks: [],
  expectations: [],
  suppressed: 0,
  links: { run: 'http://sluice.test/dags/orders_daily/runs/r2' },
  dedupeKey: 'orders_daily:failure',
};

let server: WebhookStandIn;
const answers: DeliveryAnswer[] = [];

beforeEach(async () => {
  server = await startWebhookServer();
});
afterEach(() => server.close());
afterAll(() => {
  expect(answers.length).toBeGreaterThan(5);
  for (const a of answers) {
    expect(a.answer).not.toContain('hookSecretPart42');
    expect(a.answer).not.toContain('T0001/B0002');
    expect(a.answer.length).toBeLessThanOrEqual(500);
  }
});

async function send(name: string, webhooks: Record<string, string> = { ops: server.url + PATH }) {
  const channel = webhookChannel({ webhooks }, templates);
  const answer = await channel.send(name, recovered);
  answers.push(answer);
  return answer;
}

test('posts the text and blocks as JSON to the named webhook', async () => {
  expect(await send('ops')).toEqual({ ok: true, answer: 'webhook "ops": ok' });
  expect(server.requests).toHaveLength(1);
  const [post] = server.requests;
  expect(post.path).toBe(PATH);
  expect(post.headers['content-type']).toBe('application/json');
  expect(post.json.text).toBe('✅ sluice: orders_daily recovered');
  expect(post.json.blocks[0]).toEqual({
    type: 'header',
    text: { type: 'plain_text', emoji: true, text: '✅ orders_daily recovered' },
  });
  expect(post.json.blocks.at(-1).elements[0].text).toContain('`orders_daily:failure`');
});

test('an unknown name is permanent, naming the webhook and the known ones', async () => {
  const answer = await send('pager', { ops: server.url + PATH, data: server.url + PATH + 'x' });
  expect(answer).toEqual({ ok: false, retry: false, answer: 'no webhook named "pager" (known: ops, data)' });
  expect(server.requests).toHaveLength(0);
});

test('a removed webhook (404 no_service) is permanent, and a body echoing the URL is masked', async () => {
  server.reply({ status: 404, body: 'no_service' });
  const removed = await send('ops');
  expect(removed).toEqual({
    ok: false,
    retry: false,
    answer: 'webhook "ops": HTTP 404: no_service: the incoming webhook was removed or disabled',
  });

  server.reply({ status: 403, body: `invalid_token for ${server.url}${PATH} (path ${PATH}, token hookSecretPart42)` });
  const echoed = await send('ops');
  expect(echoed).toMatchObject({ ok: false, retry: false });
  expect(echoed.answer).toBe('webhook "ops": HTTP 403: invalid_token for *** (path ***, token ***)');
});

test('429 is retried after Retry-After; 5xx is retried', async () => {
  server.reply({ status: 429, headers: { 'retry-after': '7' }, body: 'rate_limited' });
  expect(await send('ops')).toMatchObject({ ok: false, retry: true, retryAfterMs: 7000 });
  server.reply({ status: 500, body: 'internal' });
  expect(await send('ops')).toMatchObject({ ok: false, retry: true, answer: 'webhook "ops": HTTP 500: internal' });
});

test('a server that is down is retried, without the URL in the answer', async () => {
  const gone = await startWebhookServer();
  await gone.close();
  const answer = await send('ops', { ops: gone.url + PATH });
  expect(answer).toMatchObject({ ok: false, retry: true });
  expect(answer.answer).toMatch(/^webhook "ops": no answer from Slack: .*fetch failed/);
});

test('a URL fetch would refuse is permanent, and not shown', async () => {
  const withLogin = server.url.replace('http://', 'http://user:hookSecretPart42@') + PATH;
  expect(await send('ops', { ops: withLogin })).toEqual({
    ok: false,
    retry: false,
    answer: 'the URL of webhook "ops" has a user or password in it, which fetch refuses',
  });
  expect(await send('ops', { ops: `hooks.slack.com${PATH}` })).toMatchObject({
    retry: false,
    answer: expect.stringContaining('is not a URL'),
  });
});
