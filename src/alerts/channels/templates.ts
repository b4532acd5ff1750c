/**
 * Alert templates: Handlebars files in src/alerts/templates/ (found beside the source, as the web
 * views are), each replaceable by a file of the same name in a project's folder. slack.hbs renders
 * Block Kit JSON, then Slack's limits are enforced on it; the email templates render subject, HTML
 * (escaped by Handlebars) and text. Every template is tried on a sample message when they load, so a
 * broken one is a SluiceError (ALERT_TEMPLATE) naming its file at start-up.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { parse as parseJson, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { SluiceError, formatIssue, type Issue } from '../../errors/errors';
import type { AlertMessage } from '../message';
import { SAMPLE_ALERT } from './sample-alert';
import { fitSlackMessage, type SlackBlock, type SlackMessage } from './slack-limits';
import { helpersFor, type TemplateFormat } from './template-helpers';

const DEFAULT_DIR = path.join(__dirname, '..', 'templates');

export interface EmailRendering {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

export interface AlertTemplates {
  /** Blocks and fallback text, within Slack's limits. */
  slack(m: AlertMessage): SlackMessage;
  email(m: AlertMessage): EmailRendering;
}

interface Template {
  readonly file: string;
  render(m: AlertMessage): string;
}

const MAX_SUBJECT = 250;

export function createAlertTemplates(overrideDir?: string): AlertTemplates {
  const load = (name: string, format: TemplateFormat) => loadTemplate(name, format, overrideDir);
  const slack = load('slack.hbs', 'json');
  const slackText = load('slack-text.hbs', 'mrkdwn');
  const subject = load('email-subject.hbs', 'text');
  const html = load('email.html.hbs', 'html');
  const text = load('email.txt.hbs', 'text');
  const templates: AlertTemplates = {
    slack: (m) =>
      fitSlackMessage({ text: slackText.render(m).trim() || m.title, blocks: blocksOf(slack, slack.render(m)) }),
    email: (m) => ({
      subject: subject.render(m).replace(/\s+/g, ' ').trim().slice(0, MAX_SUBJECT) || m.title,
      html: html.render(m),
      text: text.render(m),
    }),
  };
  templates.slack(SAMPLE_ALERT);
  templates.email(SAMPLE_ALERT);
  return templates;
}

function templateError(issue: Issue): SluiceError {
  return new SluiceError('ALERT_TEMPLATE', `alert template ${formatIssue(issue)}`, [issue]);
}

/** Handlebars reports "Parse error on line 3" in its message and `lineNumber` on runtime errors. */
function lineOf(e: unknown): number | undefined {
  const n = (e as { lineNumber?: unknown }).lineNumber;
  if (typeof n === 'number') return n;
  const m = /\bline (\d+)/.exec(e instanceof Error ? e.message : '');
  return m ? Number(m[1]) : undefined;
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

function loadTemplate(name: string, format: TemplateFormat, overrideDir: string | undefined): Template {
  const override = overrideDir ? path.join(overrideDir, name) : undefined;
  const file = override && existsSync(override) ? override : path.join(DEFAULT_DIR, name);
  const source = readFileSync(file, 'utf8');
  const hb = Handlebars.create();
  const helpers = helpersFor(format);
  hb.registerHelper(helpers);
  let compiled: HandlebarsTemplateDelegate;
  try {
    hb.parse(source); // compile() is lazy: parse now, so a syntax error shows at load
    // Known helpers only: a misspelt one is found where it is written, with its line, not on some message.
    const knownHelpers = Object.fromEntries(Object.keys(helpers).map((h) => [h, true]));
    compiled = hb.compile(source, { noEscape: format !== 'html', knownHelpers, knownHelpersOnly: true });
  } catch (e) {
    throw templateError({ file, line: lineOf(e), message: (e as Error).message.replace(/\s+/g, ' ') });
  }
  return {
    file,
    render(m) {
      try {
        return compiled(m);
      } catch (e) {
        throw templateError({ file, line: lineOf(e), message: firstLine(e) });
      }
    },
  };
}

/** slack.hbs renders `{"blocks": [...]}` (as Block Kit Builder shows it) or the array alone; trailing commas are fine. */
function blocksOf(t: Template, json: string): SlackBlock[] {
  const errors: ParseError[] = [];
  const value: unknown = parseJson(json, errors, { allowTrailingComma: true, disallowComments: true });
  if (errors.length) {
    const { error, offset } = errors[0];
    const line = json.slice(0, offset).split('\n').length;
    const near = json.slice(Math.max(0, offset - 40), offset + 20).replace(/\s+/g, ' ');
    throw templateError({
      file: t.file,
      message: `renders invalid JSON (${printParseErrorCode(error)} at line ${line} of its output, near "${near}"); put message text in strings with {{md …}} or {{plain …}}, whole values with {{json …}}`,
    });
  }
  const blocks = Array.isArray(value) ? value : (value as { blocks?: unknown } | null)?.blocks;
  if (!Array.isArray(blocks) || !blocks.every((b) => typeof b === 'object' && b && typeof b.type === 'string'))
    throw templateError({ file: t.file, message: 'must render {"blocks": [...]}, each block an object with a "type"' });
  return blocks as SlackBlock[];
}
