/**
 * The helpers alert templates call. Most format (dates in UTC, durations, counts, the error excerpt);
 * `md`, `plain` and `code` put message text into the template's output format: inside a JSON string
 * for slack.hbs, as Slack mrkdwn for slack-text.hbs, as is for email (whose HTML template Handlebars
 * escapes on its own).
 */
import type { AlertKind, AlertTask } from '../message';

/** What a template renders: Block Kit JSON, a mrkdwn line, HTML, or plain text. */
export type TemplateFormat = 'json' | 'mrkdwn' | 'html' | 'text';

type Helper = (...args: unknown[]) => unknown;

const KINDS: Record<AlertKind, { readonly label: string; readonly emoji: string }> = {
  failure: { label: 'FAILED', emoji: '❌' },
  retry: { label: 'RETRYING', emoji: '🔁' },
  warning: { label: 'WARNING', emoji: '⚠️' },
  deadline: { label: 'LATE', emoji: '⏰' },
  recovered: { label: 'RECOVERED', emoji: '✅' },
  import_error: { label: 'IMPORT ERROR', emoji: '📄' },
  import_fixed: { label: 'RECOVERED', emoji: '✅' },
  test: { label: 'TEST', emoji: '🧪' },
};

/**
 * Slack's escaping for text it reads as mrkdwn: only `&`, `<` and `>` are special ("<!channel>" pings a
 * channel, "<https://x|y>" is a link), and only those three are decoded again.
 */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const EXCERPT_CHARS = 1_500;
const EXCERPT_LINES = 20;

/** The first lines of an error, enough to recognise it; the log has the rest. */
export function excerpt(text: string): string {
  const whole = text.replace(/\r\n?/g, '\n').trimEnd();
  let kept = whole.split('\n').slice(0, EXCERPT_LINES).join('\n');
  if (kept.length > EXCERPT_CHARS) kept = kept.slice(0, EXCERPT_CHARS);
  return kept.length < whole.length ? `${kept}\n… (cut)` : kept;
}

const text = (v: unknown): string =>
  v === undefined || v === null ? '' : v instanceof Date ? v.toISOString() : String(v);

/** Text as the inside of a JSON string literal (quotes and backslashes escaped, no surrounding quotes). */
const inJson = (s: string): string => JSON.stringify(s).slice(1, -1);

const asDate = (v: unknown): Date | undefined => {
  const d = v instanceof Date ? v : typeof v === 'string' || typeof v === 'number' ? new Date(v) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
};

/** "41 s", "3 min 5 s", "2 h 10 min". */
function duration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  const min = Math.floor(ms / 60_000);
  return min < 60 ? `${min} min ${Math.round((ms % 60_000) / 1_000)} s` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

const list = (items: readonly string[], max: number, show: (s: string) => string): string => {
  const more = items.length - max;
  return items.slice(0, max).map(show).join(', ') + (more > 0 ? ` +${more} more` : '');
};

// Handlebars passes its options object last; helpers with optional arguments drop it.
const args = (a: unknown[]): unknown[] => a.slice(0, -1);

const COMMON: Record<string, Helper> = {
  label: (kind) => KINDS[kind as AlertKind]?.label ?? text(kind).toUpperCase(),
  emoji: (kind) => KINDS[kind as AlertKind]?.emoji ?? '🔔',
  /** 2026-11-22 */
  date: (d) => asDate(d)?.toISOString().slice(0, 10) ?? '',
  /** 2026-11-22 02:00:00 UTC */
  time: (d) =>
    asDate(d)
      ?.toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, ' UTC') ?? '',
  /** 2026-11-22T02:00:00Z */
  iso: (d) =>
    asDate(d)
      ?.toISOString()
      .replace(/\.\d{3}Z$/, 'Z') ?? '',
  duration,
  num: (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : text(n)),
  plural: (n, word) => `${text(n)} ${text(word)}${n === 1 ? '' : 's'}`,
  excerpt: (s) => excerpt(text(s)),
  /** The tasks' ids, the first `max` (default 5) of them. */
  taskList: (...a) => {
    const [tasks, max] = args(a) as [readonly AlertTask[] | undefined, number | undefined];
    return list(
      (tasks ?? []).map((t) => t.taskId),
      typeof max === 'number' ? max : 5,
      (s) => s,
    );
  },
  /** The one task, when there is exactly one (for fields that only make sense for one). */
  single: (tasks) => (Array.isArray(tasks) && tasks.length === 1 ? tasks[0] : undefined),
  /** A few failing values, each in backticks (cut to 80 characters, backticks inside made quotes; '' as (empty)). */
  samples: (...a) => {
    const [values, max] = args(a) as [readonly string[] | undefined, number | undefined];
    const show = (v: string) =>
      v ? '`' + (v.length > 80 ? `${v.slice(0, 79)}…` : v).replace(/`/g, "'") + '`' : '(empty)';
    return list(values ?? [], typeof max === 'number' ? max : 5, show);
  },
  or: (...a) => args(a).find(Boolean),
  eq: (a, b) => a === b,
  gt: (a, b) => typeof a === 'number' && typeof b === 'number' && a > b,
  json: (v) => JSON.stringify(v ?? null),
};

// A code block cannot contain its own fence: a "```" in the error would end it early.
const fenced = (s: string, escape: (s: string) => string) =>
  '```' + escape(excerpt(s).replace(/```/g, '`\u200b``')) + '```';

const BY_FORMAT: Record<TemplateFormat, Record<string, Helper>> = {
  json: {
    md: (v) => inJson(slackEscape(text(v))),
    plain: (v) => inJson(text(v)),
    code: (v) => inJson(fenced(text(v), slackEscape)),
  },
  mrkdwn: {
    md: (v) => slackEscape(text(v)),
    plain: (v) => text(v),
    code: (v) => fenced(text(v), slackEscape),
  },
  html: { md: (v) => text(v), plain: (v) => text(v), code: (v) => excerpt(text(v)) },
  text: { md: (v) => text(v), plain: (v) => text(v), code: (v) => excerpt(text(v)) },
};

export function helpersFor(format: TemplateFormat): Record<string, Helper> {
  return { ...COMMON, ...BY_FORMAT[format] };
}
