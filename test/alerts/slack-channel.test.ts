import type { AlertMessage, AlertTask, DeliveryAnswer } from '../../src/alerts/message';
import { slackChannel } from '../../src/alerts/channels/slack';
import { createAlertTemplates } from '../../src/alerts/channels/templates';
import { startSlackApi, type SlackApiStandIn } from '../support/loopback-alert-servers';

const TOKEN = 'xoxb-1234-5678-SeCrEtToKeN';
const templates = createAlertTemplates();

const failed: AlertMessage = {
  kind: 'failure',
  severity: 'error',
  title: 'orders_daily failed: load_orders',
  dagId: 'orders_daily',
  runId: 'scheduled__2026-11-22T02:00:00+00:00',
  logicalDate: new Date('2026-11-22T02:00:00Z'),
  since: new Date('2026-11-22T02:05:00Z'),
  at: new Date('2026-11-22T02:06:00Z'),
  tasks: [{ taskId: 'load_orders', state: 'failed', tryNumber: 3, maxTries: 3, durationMs: 41_000, error: 'boom' }],
  expectations: [],
  suppressed: 2,
  links: {
    run: 'http://sluice.test/dags/orders_daily/runs/r1',
    log: 'http://sluice.test/dags/orders_daily/runs/r1/tasks/load_orders?try=3',
  },
  dedupeKey: 'orders_daily:failure',
};

let api: SlackApiStandIn;
const answers: DeliveryAnswer[] = [];

beforeEach(async () => {
  api = await startSlackApi();
});
afterEach(() => api.close());
afterAll(() => {
  // Every answer any test got, successes and failures alike.
  expect(answers.length).toBeGreaterThan(5);
  for (const a of answers) {
    expect(a.answer).not.toMatch(/SeCrEtToKeN/);
    expect(a.answer.length).toBeLessThanOrEqual(500);
  }
});

async function send(m: AlertMessage, to = '#data-eng', apiUrl = api.url, timeoutMs?: number) {
  const channel = slackChannel({ token: TOKEN, apiUrl, timeoutMs }, templates);
  const answer = await channel.send(to, m);
  await channel.close();
  answers.push(answer);
  return answer;
}

type Block = { type: string; [k: string]: any };
const mrkdwnTexts = (blocks: Block[]): string[] =>
  blocks.flatMap((b) =>
    [b.text, ...(b.fields ?? []), ...(b.type === 'context' ? b.elements : [])]
      .filter((t) => t?.type === 'mrkdwn')
      .map((t) => t.text as string),
  );

test('posts blocks and the fallback text to the channel, with the bot token, and answers with channel:ts', async () => {
  const answer = await send(failed);
  expect(answer).toEqual({ ok: true, answer: expect.any(String), providerId: 'CDATA-ENG:1700000000.000001' });

  expect(api.requests).toHaveLength(1);
  const call = api.requests[0] as (typeof api.requests)[0] & { blocks: Block[] };
  expect(call.apiMethod).toBe('chat.postMessage');
  expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
  expect(call.form.channel).toBe('#data-eng');
  expect(call.form.text).toBe('❌ sluice: orders_daily failed: load_orders (try 3 of 3) · 2 repeats suppressed');

  const [header, fields, error, actions, context] = call.blocks;
  expect(call.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'context']);
  expect(header.text).toEqual({ type: 'plain_text', emoji: true, text: '❌ orders_daily failed: load_orders' });
  expect(fields.fields.map((f: { text: string }) => f.text)).toEqual([
    '*DAG*\n`orders_daily`',
    '*Task*\nload_orders',
    '*Run*\n`scheduled__2026-11-22T02:00:00+00:00`',
    '*Logical date*\n2026-11-22 02:00:00 UTC',
    '*Try*\n3 of 3',
    '*Duration*\n41 s',
    '*Since*\n2026-11-22 02:05:00 UTC',
  ]);
  expect(error.text.text).toBe('```boom```');
  // Buttons only for the links the message has: no Data Docs, no DAG page here.
  expect(actions.elements.map((e: Block) => [e.text.text, e.url])).toEqual([
    ['Open run', failed.links.run],
    ['View log', failed.links.log],
  ]);
  expect(context.elements[0].text).toBe(
    'sluice · `orders_daily:failure` · 2 repeats suppressed · 2026-11-22 02:06:00 UTC',
  );
});

test('a rate-limited post is retried after what Retry-After says', async () => {
  api.reply({ status: 429, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } });
  expect(await send(failed)).toEqual({ ok: false, retry: true, retryAfterMs: 3000, answer: expect.any(String) });
});

test.each([
  ['invalid_auth', false],
  ['channel_not_found', false],
  ['not_in_channel', false],
  ['invalid_blocks', false],
  ['internal_error', true],
])('Slack error %s: retry %s', async (error, retry) => {
  api.reply({ body: { ok: false, error } });
  const answer = await send(failed);
  expect(answer).toMatchObject({ ok: false, retry });
  expect(answer.answer).toContain(error);
});

test('an HTTP 5xx is retried, and a body that echoes the token is masked in the answer', async () => {
  api.reply({ status: 503, body: `upstream rejected Authorization: Bearer ${TOKEN}` });
  const answer = await send(failed);
  expect(answer).toMatchObject({ ok: false, retry: true });
  expect(answer.answer).toContain('HTTP 503');
  expect(answer.answer).toContain('Bearer ***');
});

test('a server that is down is retried', async () => {
  const gone = await startSlackApi();
  await gone.close();
  const answer = await send(failed, '#data-eng', gone.url);
  expect(answer).toMatchObject({ ok: false, retry: true });
  expect(answer.answer).toMatch(/^no answer from Slack: .*fetch failed/);
});

test('a server that never answers is retried after the timeout', async () => {
  api.reply('hang');
  expect(await send(failed, '#data-eng', api.url, 200)).toMatchObject({ ok: false, retry: true });
});

test('message text cannot ping a channel: mrkdwn gets & < > escaped', async () => {
  const m: AlertMessage = {
    ...failed,
    title: 'orders_daily failed <!here>',
    tasks: [{ ...failed.tasks[0], error: 'Error: <!channel> please look & <https://evil.test|click>' }],
    detail: '<@U123> & <!subteam^S1>',
  };
  expect(await send(m)).toMatchObject({ ok: true });
  const { blocks, form } = api.requests[0];
  const texts = [...mrkdwnTexts(blocks!), form.text];
  expect(texts.join('\n')).not.toMatch(/<[!@#]|<https/);
  expect(texts.join('\n')).toContain('Error: &lt;!channel&gt; please look &amp; &lt;https://evil.test|click&gt;');
  expect(form.text).toContain('orders_daily failed &lt;!here&gt;');
});

test('a 10 KB error is cut: every section stays within 3,000 characters', async () => {
  const error = Array.from({ length: 200 }, (_, i) => `line ${i} ${'x'.repeat(45)}`).join('\n');
  expect(error.length).toBeGreaterThan(10_000);
  const m = { ...failed, tasks: [{ ...failed.tasks[0], error }], detail: 'y'.repeat(10_000) };
  expect(await send(m)).toMatchObject({ ok: true });
  const blocks = api.requests[0].blocks!;
  const sections = blocks.filter((b) => b.type === 'section' && b.text);
  expect(sections.length).toBeGreaterThanOrEqual(2);
  for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(3_000);
  expect(sections.some((s) => s.text.text.includes('line 19 ') && !s.text.text.includes('line 20 '))).toBe(true);
  expect(sections.some((s) => s.text.text.endsWith('… (cut)'))).toBe(true);
});

test('60 failed tasks make at most 50 blocks, keeping the header, the buttons and the context line', async () => {
  const tasks: AlertTask[] = Array.from({ length: 60 }, (_, i) => ({
    taskId: `load_${i}`,
    state: 'failed',
    error: `error ${i}`,
  }));
  expect(await send({ ...failed, tasks })).toMatchObject({ ok: true });
  const blocks = api.requests[0].blocks!;
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect(blocks[0].type).toBe('header');
  expect(blocks.slice(-2).map((b) => b.type)).toEqual(['actions', 'context']);
  expect(blocks.at(-3).text.text).toMatch(/^… and \d+ more parts not shown here/);
  expect(JSON.stringify(blocks).length).toBeLessThan(13_000);
});
