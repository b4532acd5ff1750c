import { durationMs, type Duration } from '../config/duration';
import { describeValue } from '../errors/describe-value';
import { closest } from '../util/did-you-mean';

/**
 * Where a DAG's (or a task's) alerts go and which events send them: the `alerts` option of
 * defineDag and of a task. Validated when the DAG file is parsed and stored in the DAG's structure
 * as plain JSON, which the alert router reads; the project's alerts/routing.json supplies what a
 * DAG leaves out.
 */

/** The events a route can take. `retry` is off unless named; the rest are on by default. */
export const ALERT_EVENTS = ['failure', 'retry', 'warning', 'deadline', 'recovered'] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];
export const DEFAULT_ALERT_EVENTS: readonly AlertEvent[] = ['failure', 'warning', 'deadline', 'recovered'];

/** What a deadline counts from, as Airflow 3's deadline alerts: the run's data interval end, its logical date, or when it was queued. */
export const DEADLINE_REFERENCES = ['data_interval_end', 'logical_date', 'queued_at'] as const;
export type DeadlineReference = (typeof DEADLINE_REFERENCES)[number];

export interface AlertRoutes {
  /** Slack channels (`#data-eng`) or channel IDs, posted to with the bot token. */
  readonly slack?: string | readonly string[];
  /** Slack incoming webhooks by name (the URLs are secrets, set as SLACK_WEBHOOK_URL[_<NAME>]). */
  readonly webhook?: string | readonly string[];
  readonly email?: string | readonly string[];
  /** Which events go there; default failure, warning, deadline and recovered. */
  readonly on?: readonly AlertEvent[];
}

export interface DeadlineSpec {
  /** Shown in the alert and its dedupe key; default `<task or "run">_<after>`. */
  readonly name?: string;
  readonly reference: DeadlineReference;
  /** How long after the reference the run (or the task) must be done. */
  readonly after: Duration;
  /** A task that must be done by then; without one, the whole run. */
  readonly task?: string;
}

export interface DagAlertSpec extends AlertRoutes {
  /** The same (DAG, task, kind) is sent at most once per window; default 30 minutes. */
  readonly window?: Duration;
  readonly deadlines?: readonly DeadlineSpec[];
}

/** Routes as stored: lists, and `on` only when given (null: the next level's). */
export interface StoredAlertRoutes {
  readonly slack: readonly string[];
  readonly webhook: readonly string[];
  readonly email: readonly string[];
  readonly on: readonly AlertEvent[] | null;
}

export interface StoredDeadline {
  readonly name: string;
  readonly reference: DeadlineReference;
  readonly afterMs: number;
  readonly task: string | null;
}

export interface StoredDagAlerts extends StoredAlertRoutes {
  readonly windowMs: number | null;
  readonly deadlines: readonly StoredDeadline[];
}

const ROUTE_KEYS = ['slack', 'webhook', 'email', 'on'] as const;
const DAG_KEYS = [...ROUTE_KEYS, 'window', 'deadlines'] as const;
const DEADLINE_KEYS = ['name', 'reference', 'after', 'task'] as const;
const WINDOW = { min: 0, max: 7 * 86_400_000 };
const DEADLINE_AFTER = { min: -30 * 86_400_000, max: 30 * 86_400_000 };
const EMAIL = /^[^\s@,;<>]+@[^\s@,;<>]+$/;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

function unknownKeys(v: Record<string, unknown>, keys: readonly string[], where: string, bad: (m: string) => void) {
  for (const k of Object.keys(v)) {
    if (keys.includes(k)) continue;
    const hint = closest(k, keys);
    bad(`${where}: unknown option "${k}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
}

function names(v: unknown, what: string, check: (s: string) => string | undefined, bad: (m: string) => void): string[] {
  if (v === undefined) return [];
  const list = typeof v === 'string' ? [v] : Array.isArray(v) ? (v as unknown[]) : undefined;
  if (!list) {
    bad(`${what} must be a string or a list of strings, got ${describeValue(v)}`);
    return [];
  }
  const out: string[] = [];
  for (const x of list) {
    const problem =
      typeof x !== 'string' || !x.trim() ? `must be non-empty strings, got ${describeValue(x)}` : check(x);
    if (problem) bad(`${what} ${problem}`);
    else if (!out.includes((x as string).trim())) out.push((x as string).trim());
  }
  return out;
}

const slackTarget = (s: string) =>
  /^[#@]?[\w.-]+$/.test(s.trim()) ? undefined : `has "${s}", which is not a channel name ("#data-eng") or ID`;
const webhookName = (s: string) =>
  /^[a-z0-9][a-z0-9_-]*$/i.test(s.trim())
    ? undefined
    : `has "${s}", which is not a webhook name (letters, digits, "-" and "_"; the URL itself goes in SLACK_WEBHOOK_URL_<NAME>)`;
const emailAddress = (s: string) => (EMAIL.test(s.trim()) ? undefined : `has "${s}", which is not an email address`);

/** Routes from a spec (the DAG's, a task's, or a level of alerts/routing.json), every problem reported through `bad`. */
export function parseAlertRoutes(
  v: Record<string, unknown>,
  where: string,
  bad: (m: string) => void,
): StoredAlertRoutes {
  let on: AlertEvent[] | null = null;
  if (v.on !== undefined) {
    if (!Array.isArray(v.on))
      bad(`${where}.on must be a list of events (${ALERT_EVENTS.join(', ')}), got ${describeValue(v.on)}`);
    else {
      on = [];
      for (const e of v.on as unknown[]) {
        if ((ALERT_EVENTS as readonly unknown[]).includes(e)) on.push(e as AlertEvent);
        else {
          const hint = typeof e === 'string' ? closest(e, ALERT_EVENTS) : undefined;
          bad(
            `${where}.on has ${typeof e === 'string' ? `"${e}"` : describeValue(e)}, not an event (${hint ? `did you mean "${hint}"? ` : ''}one of ${ALERT_EVENTS.join(', ')})`,
          );
        }
      }
    }
  }
  return {
    slack: names(v.slack, `${where}.slack`, slackTarget, bad),
    webhook: names(v.webhook, `${where}.webhook`, webhookName, bad),
    email: names(v.email, `${where}.email`, emailAddress, bad),
    on,
  };
}

/** A task's `alerts`: routes that replace the DAG's for the task's own events. */
export function parseTaskAlerts(v: unknown, bad: (m: string) => void): StoredAlertRoutes | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    bad(`alerts must be an object ({ slack, webhook, email, on }), got ${describeValue(v)}`);
    return undefined;
  }
  unknownKeys(v, ROUTE_KEYS, 'alerts', bad);
  return parseAlertRoutes(v, 'alerts', bad);
}

/** The DAG's `alerts`: its routes, dedupe window and deadlines (whose tasks must be tasks of the DAG). */
export function parseDagAlerts(
  v: unknown,
  taskIds: readonly string[],
  bad: (m: string) => void,
): StoredDagAlerts | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) {
    bad(`alerts must be an object ({ slack, webhook, email, on, window, deadlines }), got ${describeValue(v)}`);
    return undefined;
  }
  unknownKeys(v, DAG_KEYS, 'alerts', bad);
  const routes = parseAlertRoutes(v, 'alerts', bad);
  let windowMs: number | null = null;
  if (v.window !== undefined) {
    try {
      windowMs = durationMs(v.window, 'alerts.window', WINDOW);
    } catch (e) {
      bad((e as Error).message);
    }
  }
  const deadlines: StoredDeadline[] = [];
  if (v.deadlines !== undefined && !Array.isArray(v.deadlines))
    bad(`alerts.deadlines must be a list of { reference, after, task?, name? }, got ${describeValue(v.deadlines)}`);
  (Array.isArray(v.deadlines) ? (v.deadlines as unknown[]) : []).forEach((d, i) => {
    const where = `alerts.deadlines[${i}]`;
    if (!isObject(d))
      return bad(`${where} must be an object ({ reference, after, task?, name? }), got ${describeValue(d)}`);
    unknownKeys(d, DEADLINE_KEYS, where, bad);
    const reference = d.reference as DeadlineReference;
    if (!DEADLINE_REFERENCES.includes(reference)) {
      const hint = typeof reference === 'string' ? closest(reference, DEADLINE_REFERENCES) : undefined;
      bad(
        `${where}.reference must be one of ${DEADLINE_REFERENCES.join(', ')}${hint ? ` (did you mean "${hint}"?)` : ''}, got ${describeValue(reference)}`,
      );
    }
    let afterMs: number | undefined;
    try {
      afterMs = durationMs(d.after, `${where}.after`, DEADLINE_AFTER);
    } catch (e) {
      bad((e as Error).message);
    }
    const task = d.task;
    if (task !== undefined && (typeof task !== 'string' || !taskIds.includes(task))) {
      const hint = typeof task === 'string' ? closest(task, taskIds) : undefined;
      bad(
        `${where}.task ${typeof task === 'string' ? `"${task}"` : describeValue(task)} is not a task of the DAG${hint ? ` (did you mean "${hint}"?)` : ''}`,
      );
    }
    if (d.name !== undefined && (typeof d.name !== 'string' || !/^[\w.-]+$/.test(d.name)))
      bad(`${where}.name must be letters, digits, "_", "." and "-", got ${describeValue(d.name)}`);
    if (afterMs === undefined || !DEADLINE_REFERENCES.includes(reference)) return;
    const name = typeof d.name === 'string' ? d.name : `${typeof task === 'string' ? task : 'run'}_${String(d.after)}`;
    if (deadlines.some((x) => x.name === name)) bad(`${where}: a deadline named "${name}" is given twice`);
    deadlines.push({ name, reference, afterMs, task: typeof task === 'string' ? task : null });
  });
  return { ...routes, windowMs, deadlines };
}
