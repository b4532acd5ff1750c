import { dagFile, tempProject } from '../support/sandbox';
import { waitFor } from '../support/processes';
import { startSlackApi, type SlackApiStandIn } from '../support/loopback-alert-servers';
import { addUser, STACK_KINDS, startWebStack, WebClient, type WebStack } from '../support/web-stack';

/*
 * The alerts page and a DAG's Alerts section, on both databases: a `sluice standalone` sends a
 * failing DAG's alert to a loopback Slack; the page shows the open incident and the sent alert,
 * filters by state, and a test alert that failed with what was answered; the DAG page shows where
 * its alerts go; an Op mutes (a bad duration is refused with the rule) and unmutes; a Viewer may not.
 */
const p = tempProject();
p.write(
  'failing.ts',
  dagFile(`
export const failing = defineDag({
  id: 'failing', schedule: null, startDate: '2026-01-01',
  alerts: { slack: '#data-eng' },
  tasks: [task('boom', () => { throw new Error('boom'); })],
});
`),
);

afterAll(() => p.cleanup());

const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();

/** The body rows of the table with this class, each as its cells' text. */
function rows(html: string, tableClass: string): string[][] {
  const table = new RegExp(`<table class="list ${tableClass}">([\\s\\S]*?)</table>`).exec(html)?.[1];
  if (!table) return [];
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1])),
  );
}

describe.each(STACK_KINDS)('the alerts page on %s', (kind) => {
  let slack: SlackApiStandIn;
  let stack: WebStack;
  let op: WebClient;
  let viewer: WebClient;
  let runId: string;

  beforeAll(async () => {
    slack = await startSlackApi();
    stack = await startWebStack(kind, `alerts_page_${kind}`, p, {
      SLACK_BOT_TOKEN: 'xoxb-dummy-alerts-page',
      SLACK_API_URL: slack.url,
      SLUICE_ALERTS_PACE: '0',
      SLUICE_ALERTS_POLL: '200ms',
    });
    await addUser(stack, 'viewer', 'Viewer', 'viewer-pass-1');
    await addUser(stack, 'op', 'Op', 'op-pass-12');
    op = new WebClient(stack.url);
    expect((await op.login('op', 'op-pass-12')).status).toBe(303);
    viewer = new WebClient(stack.url);
    expect((await viewer.login('viewer', 'viewer-pass-1')).status).toBe(303);

    const t = await stack.sluice(['dags', 'trigger', 'failing']);
    expect(t.code).toBe(0);
    runId = /run (\S+)/.exec(t.stdout)![1];
    await waitFor(
      async () => {
        const r = await stack.sluice(['alerts', 'list', '--json']);
        return (JSON.parse(r.stdout || '[]') as Array<{ state: string }>).some((a) => a.state === 'sent');
      },
      90_000,
      'the failure alert to be sent',
    ).catch((e) => {
      throw new Error(`${(e as Error).message}\n${stack.output().slice(-3000)}`);
    });
    // A test alert to a channel that is not configured: recorded as failed, with the answer.
    expect((await stack.sluice(['alerts', 'test', '--email', 'oncall@example.com'])).code).toBe(1);
  }, 240_000);

  afterAll(async () => {
    await stack?.stop();
    await slack?.close();
  }, 60_000);

  test('the page shows the open incident and the sent alert; filters narrow the history', async () => {
    const page = await viewer.get('/alerts');
    expect(page.status).toBe(200);
    expect(page.text_).toContain('<a href="/alerts">Alerts</a>');
    expect(page.text_).toContain('Sends through Slack.');

    const [incident, ...noMore] = rows(page.text_, 'incidents');
    expect(noMore).toEqual([]);
    expect(incident.slice(0, 2)).toEqual(['failure', 'failing']);
    expect(incident[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(incident.slice(5)).toEqual(['1', '0']); // sent, suppressed
    expect(page.text_).toContain('<a class="dag-id" href="/dags/failing">failing</a>');

    const history = rows(page.text_, 'alerts');
    expect(history.map((r) => r[3].split(' ')[0])).toEqual(['failed', 'sent']); // newest first
    const [test, sent] = history;
    expect(test.slice(1, 3)).toEqual(['test', 'email oncall@example.com']);
    expect(test[3]).toContain('email is not configured');
    expect(sent.slice(1, 6)).toEqual(['failure', 'slack #data-eng', 'sent', 'failing', runId]);
    expect(sent[6]).toContain('failing');
    expect(page.text_).toContain(`href="/dags/failing/runs/${encodeURIComponent(runId)}"`);
    expect(slack.requests.filter((r) => r.apiMethod === 'chat.postMessage')).toHaveLength(1);

    const onlySent = await viewer.get('/alerts?state=sent');
    expect(rows(onlySent.text_, 'alerts').map((r) => r.slice(1, 4))).toEqual([['failure', 'slack #data-eng', 'sent']]);
    expect(onlySent.text_).toContain('<option value="sent" selected>');
    const ofDag = await viewer.get('/alerts?dag=failing&state=failed');
    expect(textOf(ofDag.text_)).toContain('No alerts match these filters.');
    const bad = await viewer.get('/alerts?state=bogus');
    expect(bad.status).toBe(400);
    expect(bad.text_).toContain(
      'state must be one of pending, sending, sent, failed, suppressed, got &quot;bogus&quot;',
    );
  });

  test('the DAG page says where its alerts go; an Op mutes and unmutes, a Viewer may not, a bad duration is refused', async () => {
    const dag = await viewer.get('/dags/failing');
    const routes = rows(dag.text_, 'alert-routes');
    expect(routes).toContainEqual(['failure', 'slack #data-eng']);
    expect(routes).toContainEqual(['retry', 'nowhere']);
    expect(textOf(dag.text_)).toContain("routes from the DAG's alerts");
    expect(dag.text_).not.toContain('action="/dags/failing/alerts/mute"'); // no form for a Viewer
    expect(dag.text_).toContain('href="/alerts?dag&#x3D;failing"'); // Handlebars escapes =

    const refused = await viewer.request('POST', '/dags/failing/alerts/mute', {
      form: { _csrf: viewer.csrf, for: '2h' },
    });
    expect(refused.status).toBe(403);

    const form = await op.get('/dags/failing');
    expect(form.text_).toContain('name="for" value="2h"');
    const soon = await op.request('POST', '/dags/failing/alerts/mute', { form: { _csrf: op.csrf, for: 'soon' } });
    expect(soon.status).toBe(400);
    expect(textOf(soon.text_)).toContain('--for must be a duration');
    expect(soon.text_).toContain('&quot;2h&quot;');

    const before = Date.now();
    const muted = await op.request('POST', '/dags/failing/alerts/mute', {
      form: { _csrf: op.csrf, for: '2h', reason: 'deploying <b>' },
    });
    expect(muted.status).toBe(303);
    expect(muted.headers.get('location')).toBe('/dags/failing');
    const after = Date.now();
    const page = await op.get('/dags/failing');
    const until = /Muted until <time datetime="([^"]+)"/.exec(page.text_)?.[1];
    expect(until).toBeDefined();
    const untilMs = Date.parse(until!);
    expect(untilMs).toBeGreaterThanOrEqual(before + 7_200_000 - 1000); // the page shows whole seconds
    expect(untilMs).toBeLessThanOrEqual(after + 7_200_000 + 1000);
    expect(textOf(page.text_)).toContain('by op: deploying <b>');
    expect(page.text_).not.toContain('deploying <b>'); // shown as text
    expect(page.text_).toContain('action="/dags/failing/alerts/unmute"');

    const list = await viewer.get('/alerts');
    const [mute] = rows(list.text_, 'mutes');
    expect(mute[0]).toBe('failing');
    expect(mute.slice(2)).toEqual(['op', 'deploying <b>']); // no Unmute column for a Viewer
    expect(rows((await op.get('/alerts')).text_, 'mutes')[0].at(-1)).toBe('Unmute');

    expect((await viewer.request('POST', '/dags/failing/alerts/unmute', { form: { _csrf: viewer.csrf } })).status).toBe(
      403,
    );
    const unmuted = await op.request('POST', '/dags/failing/alerts/unmute', {
      form: { _csrf: op.csrf, back: '/alerts' },
    });
    expect(unmuted.status).toBe(303);
    expect(unmuted.headers.get('location')).toBe('/alerts');
    expect(rows((await op.get('/alerts')).text_, 'mutes')).toEqual([]);
    expect((await op.get('/dags/failing')).text_).toContain('name="for" value="2h"');
  });
});
