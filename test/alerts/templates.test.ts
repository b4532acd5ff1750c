import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SAMPLE_ALERT } from '../../src/alerts/channels/sample-alert';
import { slackEscape } from '../../src/alerts/channels/template-helpers';
import { createAlertTemplates } from '../../src/alerts/channels/templates';
import { SluiceError } from '../../src/errors/errors';

function overrides(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-alert-templates-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function templateError(dir: string): SluiceError {
  try {
    createAlertTemplates(dir);
  } catch (e) {
    return e as SluiceError;
  }
  throw new Error('createAlertTemplates did not throw');
}

test('slackEscape escapes exactly what Slack reads as markup', () => {
  expect(slackEscape('a & b <!channel> <@U1> <https://x.test|y> "q" *b* `c`')).toBe(
    'a &amp; b &lt;!channel&gt; &lt;@U1&gt; &lt;https://x.test|y&gt; "q" *b* `c`',
  );
});

test('the default templates render every part of a message', () => {
  const t = createAlertTemplates();
  const { text, blocks } = t.slack(SAMPLE_ALERT);
  expect(text).toMatch(/^❌ sluice: orders_daily failed: load_orders/);
  expect(blocks.map((b) => b.type)).toEqual([
    'header',
    'section', // fields
    'section', // load_orders, its error
    'section', // publish
    'section', // expectations
    'section', // the file
    'section', // detail
    'actions',
    'context',
  ]);
  const email = t.email(SAMPLE_ALERT);
  expect(email.subject).toBe('[sluice] FAILED orders_daily · load_orders +1 more · 2026-11-22');
  expect(email.text).toContain(
    'expect_column_values_to_not_be_null on customer_id in raw.orders (orders) · 12 of 1,000 failing',
  );
  expect(email.html).toContain('&lt;!channel&gt;');
  expect(email.html).not.toContain('<!channel>');
});

test('a file in the override folder replaces the default of the same name', () => {
  const dir = overrides({
    'email-subject.hbs': 'ALERT {{label kind}} {{dagId}}\n',
    'slack-text.hbs': 'custom: {{md title}}',
  });
  const t = createAlertTemplates(dir);
  expect(t.email(SAMPLE_ALERT).subject).toBe('ALERT FAILED orders_daily');
  expect(t.slack(SAMPLE_ALERT).text).toMatch(/^custom: orders_daily failed/);
  // The others stay the defaults.
  expect(t.email(SAMPLE_ALERT).text).toContain('Open run:  http://localhost:8080/dags/orders_daily/runs/r');
});

test('an override that does not compile names its file and line', () => {
  const dir = overrides({ 'email.html.hbs': '<p>\n{{#if dagId}}\n{{dagId}}\n' });
  const e = templateError(dir);
  expect(e).toBeInstanceOf(SluiceError);
  expect(e.code).toBe('ALERT_TEMPLATE');
  expect(e.issues[0]).toMatchObject({ file: path.join(dir, 'email.html.hbs'), line: expect.any(Number) });
  expect(e.message).toContain(`${path.join(dir, 'email.html.hbs')}:`);
});

test('an override calling a helper that does not exist fails when the templates load, naming its file and line', () => {
  const dir = overrides({ 'email.txt.hbs': 'line one\n{{shout title}}\n' });
  const e = templateError(dir);
  expect(e.code).toBe('ALERT_TEMPLATE');
  expect(e.message).toContain(`${path.join(dir, 'email.txt.hbs')}:2: `);
  expect(e.message).toContain('unknown helper shout');
});

test('an overridden slack.hbs that renders invalid JSON names its file', () => {
  // Plain {{title}} writes the title's quotes into the JSON as they are.
  const dir = overrides({ 'slack.hbs': '[{"type": "section", "text": {"type": "mrkdwn", "text": "{{title}}"}}]' });
  const e = templateError(dir);
  expect(e.code).toBe('ALERT_TEMPLATE');
  expect(e.issues[0].file).toBe(path.join(dir, 'slack.hbs'));
  expect(e.message).toMatch(/renders invalid JSON \(\w+ at line 1 of its output/);
});

test('an overridden slack.hbs that renders JSON but not blocks names its file', () => {
  const dir = overrides({ 'slack.hbs': '{"text": {{json title}} }' });
  expect(templateError(dir).message).toContain(`${path.join(dir, 'slack.hbs')}: must render {"blocks": [...]}`);
});

test("Slack's limits hold whatever an override renders", () => {
  const dir = overrides({
    'slack.hbs': `[
      {"type": "header", "text": {"type": "plain_text", "text": "{{plain title}} ${'h'.repeat(300)}"}},
      {"type": "section", "text": {"type": "mrkdwn", "text": "\`\`\`${'e'.repeat(5_000)}\`\`\`"},
       "fields": [${Array.from({ length: 15 }, (_, i) => `{"type": "mrkdwn", "text": "f${i} ${'x'.repeat(i ? 100 : 2_500)}"}`).join(',')}]},
      {"type": "actions", "elements": [
        {"type": "button", "text": {"type": "plain_text", "text": "${'b'.repeat(100)}"}, "url": {{json links.run}} },
        {"type": "button", "text": {"type": "plain_text", "text": "too long a URL"}, "url": "http://x.test/${'u'.repeat(3_000)}"},
        {"type": "button", "text": {"type": "plain_text", "text": "no URL"}, "url": {{json links.nothing}} }
      ]},
      {"type": "section", "text": {"type": "mrkdwn", "text": ""}},
      ${Array.from({ length: 60 }, (_, i) => `{"type": "divider", "block_id": "d${i}"},`).join('')}
      {"type": "context", "elements": [{"type": "mrkdwn", "text": "{{md dedupeKey}}"}]}
    ]`,
    'slack-text.hbs': `{{md title}} ${'t'.repeat(4_000)}`,
  });
  const { text, blocks } = createAlertTemplates(dir).slack(SAMPLE_ALERT);
  const [header, section, actions] = blocks as any[];
  expect(header.text.text).toHaveLength(150);
  expect(header.text.text.endsWith('…')).toBe(true);
  expect(section.text.text.length).toBeLessThanOrEqual(3_000);
  expect(section.text.text).toMatch(/```\n… \(cut\)$/); // the code block closed before the mark
  expect(section.fields).toHaveLength(10);
  expect(section.fields[0].text.length).toBeLessThanOrEqual(2_000);
  expect(section.fields[0].text.endsWith('\n… (cut)')).toBe(true);
  expect(section.fields[1].text).toBe(`f1 ${'x'.repeat(100)}`);
  expect(actions.elements).toHaveLength(1);
  expect(actions.elements[0].text.text).toHaveLength(75);
  expect(blocks.length).toBeLessThanOrEqual(50);
  expect(blocks.some((b) => b.type === 'section' && !b.text && !b.fields)).toBe(false);
  expect(blocks.at(-1)!.type).toBe('context');
  expect(text.length).toBeLessThanOrEqual(3_000);
});
