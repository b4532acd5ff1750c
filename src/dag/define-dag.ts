import type { Dag, DagSpec, ResolvedTask, SourceLocation, TaskDefinition, TaskOptions } from './types';
import { TRIGGER_RULES } from './types';
import { ValidationError, type Issue, type SluiceError } from '../errors/errors';
import { durationMs, MAX_TIMER_MS, type DurationRange } from '../config/duration';
import { describeValue } from '../errors/describe-value';
import { formatIso, parseDate } from '../timetables/dates';
import { fireAtOrAfter, parseSchedule, type Timetable } from '../timetables/timetable';
import { closest } from '../util/did-you-mean';
import { findCycles } from '../util/graph';
import { callerLocation } from './source-location';
import { noteDefinedDag } from './defined-dags';
import { checkConf } from './run-conf';
import { idList, OPTION_KEYS } from './task';
import { guardCall } from './guard-call';
import { parseDagAlerts, parseTaskAlerts } from './alert-spec';

type AnyTask = TaskDefinition<string, string>;
type Ids<T extends readonly AnyTask[]> = T[number]['id'];

/**
 * Rejects, at compile time, upstream ids that are not ids of the DAG's tasks. Tasks built
 * dynamically (ids typed as plain `string`) are left to the load-time check.
 */
export type CheckedTasks<T extends readonly AnyTask[]> =
  string extends Ids<T>
    ? T
    : {
        readonly [K in keyof T]: T[K] extends TaskDefinition<infer I, infer U>
          ? string extends U
            ? T[K]
            : TaskDefinition<I, Extract<Ids<T>, string>>
          : T[K];
      };

const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,249}$/;

/**
 * Declares a DAG. Everything is validated at once: every problem (unknown upstream ids, cycles as
 * `a -> b -> a`, an invalid cron, ...) is reported together, pointing at the file and line.
 */
export function defineDag<const T extends readonly AnyTask[]>(spec: DagSpec<T & CheckedTasks<T>>): Dag<Ids<T>> {
  return guardCall('defineDag', spec, () => buildDag(spec as DagSpec<readonly AnyTask[]>)) as Dag<Ids<T>>;
}

function buildDag(spec: DagSpec<readonly AnyTask[]>): Dag {
  const source = callerLocation();
  const issues: Issue[] = [];
  const at = (message: string, loc = source): void => {
    issues.push({ message, ...loc });
  };
  const attempt = <R>(fn: () => R): R | undefined => {
    try {
      return fn();
    } catch (e) {
      at((e as Error).message);
      return undefined;
    }
  };

  if (!spec || typeof spec !== 'object') {
    throw new ValidationError('DAG_INVALID', 'defineDag', [
      {
        message: `defineDag takes an object ({ id, schedule, startDate, tasks }), got ${describeValue(spec)}`,
        ...source,
      },
    ]);
  }
  if (typeof spec.id !== 'string' || !ID_PATTERN.test(spec.id)) {
    at(
      `DAG id ${typeof spec.id === 'string' ? JSON.stringify(spec.id) : `(${describeValue(spec.id)})`} is invalid: use letters, digits, "_", "." and "-"`,
    );
  }
  for (const key of Object.keys(spec)) {
    if ((DAG_KEYS as readonly string[]).includes(key)) continue;
    const hint = closest(key, DAG_KEYS);
    at(`unknown DAG option "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  const timezone = spec.timezone ?? 'UTC';
  if (typeof timezone !== 'string')
    at(`timezone must be an IANA zone name such as "Europe/Amsterdam", got ${describeValue(timezone)}`);
  const zone = typeof timezone === 'string' ? timezone : 'UTC';
  const timetable = attempt(() =>
    parseSchedule(spec.schedule === undefined ? (undefined as never) : spec.schedule, zone),
  );
  if (spec.schedule === undefined)
    at('schedule is required (a cron string, a preset such as "@daily", or null for manual runs only)');
  const date = (v: unknown, name: 'startDate' | 'endDate') => {
    if (typeof v !== 'string' && !(v instanceof Date)) {
      at(`${name} must be a date string ("2026-01-01", ISO date-time) or a Date, got ${describeValue(v)}`);
      return undefined;
    }
    return attempt(() => parseDate(v, zone, name));
  };
  const startDate =
    spec.startDate === undefined ? (at('startDate is required'), undefined) : date(spec.startDate, 'startDate');
  const endDate = spec.endDate === undefined ? undefined : date(spec.endDate, 'endDate');
  if (startDate && endDate && endDate < startDate) at('endDate is before startDate');
  if (timetable?.kind === 'cron' && startDate) neverFires(timetable, spec.schedule!, startDate, endDate, zone, at);
  for (const k of ['description', 'owner'] as const)
    if (spec[k] !== undefined && typeof spec[k] !== 'string')
      at(`${k} must be a string, got ${describeValue(spec[k])}`);
  if (spec.catchup !== undefined && typeof spec.catchup !== 'boolean')
    at(`catchup must be true or false, got ${describeValue(spec.catchup)}`);
  const tagProblems: string[] = [];
  const tags = idList(spec.tags, 'tags', 'strings', tagProblems);
  for (const m of tagProblems) at(m);
  // params are stored as JSON: a Date, a function or NaN would come back changed or missing.
  if (spec.params !== undefined) {
    try {
      checkConf(spec.params, 'params');
    } catch (e) {
      const found = (e as SluiceError).issues ?? [];
      if (found.length > 1) for (const i of found) at(`params: ${i.message}`);
      else at((e as Error).message);
    }
  }
  if (spec.defaults !== undefined && !isPlainObject(spec.defaults))
    at(`defaults must be an object of task options, got ${describeValue(spec.defaults)}`);
  else
    for (const key of Object.keys(spec.defaults ?? {})) {
      if ((OPTION_KEYS as readonly string[]).includes(key)) continue;
      const hint = closest(key, OPTION_KEYS);
      at(`defaults: unknown task option "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
  positive(spec.maxActiveRuns, 'maxActiveRuns', at);
  positive(spec.maxActiveTasks, 'maxActiveTasks', at);

  const tasks = resolveTasks(spec, issues, source);
  const alerts = parseDagAlerts(spec.alerts, Object.keys(tasks), (m) => at(m));
  if (issues.length) throw new ValidationError('DAG_INVALID', `DAG "${spec.id}"`, issues);

  const dag = Object.freeze({
    kind: 'sluice.dag' as const,
    id: spec.id,
    description: spec.description,
    schedule: spec.schedule,
    startDate: startDate!,
    endDate,
    timezone,
    catchup: spec.catchup ?? false,
    owner: spec.owner ?? 'sluice',
    tags: Object.freeze(tags),
    params: Object.freeze({ ...(spec.params ?? {}) }),
    maxActiveRuns: spec.maxActiveRuns ?? 16,
    maxActiveTasks: spec.maxActiveTasks ?? 16,
    alerts,
    tasks: Object.freeze(tasks) as Dag['tasks'],
    source,
  });
  noteDefinedDag(dag);
  return dag;
}

const DAG_KEYS = [
  'id',
  'description',
  'schedule',
  'startDate',
  'endDate',
  'timezone',
  'catchup',
  'owner',
  'tags',
  'params',
  'maxActiveRuns',
  'maxActiveTasks',
  'defaults',
  'alerts',
  'tasks',
] as const satisfies ReadonlyArray<keyof DagSpec<unknown>>;

/**
 * Bounds of the duration options. A retry delay above a day is a unit slip (300000 meant as ms is
 * 3.5 days), a longest delay above a week too; an execution timeout must be one a timer can wait (a longer one fires at once).
 */
const DURATION_OPTIONS: Record<'retryDelay' | 'maxRetryDelay' | 'executionTimeout', DurationRange> = {
  retryDelay: { min: 0, max: 86_400_000 },
  maxRetryDelay: { min: 1000, max: 7 * 86_400_000 },
  executionTimeout: { min: 100, max: MAX_TIMER_MS },
};

function positive(v: unknown, name: string, at: (m: string) => void) {
  if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < 1))
    at(`${name} must be a whole number >= 1, got ${describeValue(v)}`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);

/** A cron with no fire time from startDate (`0 0 31 2 *`, or the first one after endDate) would never run: say so now. */
function neverFires(
  t: Timetable,
  schedule: string,
  startDate: Date,
  endDate: Date | undefined,
  tz: string,
  at: (m: string) => void,
): void {
  const first = fireAtOrAfter(t, startDate);
  if (!first)
    at(
      `schedule "${schedule}" never fires: no date at or after startDate ${formatIso(startDate, tz)} matches it (a day that does not exist in that month?)`,
    );
  else if (endDate && first > endDate)
    at(
      `schedule "${schedule}" first fires at ${formatIso(first, tz)}, after endDate ${formatIso(endDate, tz)}: the DAG would never run`,
    );
}

function resolveTasks(
  spec: DagSpec<readonly AnyTask[]>,
  issues: Issue[],
  dagSource: SourceLocation | undefined,
): Record<string, ResolvedTask> {
  const list = Array.isArray(spec.tasks) ? spec.tasks : [];
  if (!Array.isArray(spec.tasks) || list.length === 0)
    issues.push({
      message: `tasks must be a non-empty list of tasks, got ${describeValue(spec.tasks, 80)}`,
      ...dagSource,
    });
  const byId: Record<string, ResolvedTask> = {};
  const defaults = isPlainObject(spec.defaults) ? (spec.defaults as TaskOptions) : {};
  // A bad value in defaults is reported once, at the DAG, not once per task that inherits it.
  const reported = new Set<string>();
  const badDefault = (key: string, m: string) => {
    if (!reported.has(key)) {
      reported.add(key);
      issues.push({ message: `defaults: ${m}`, ...dagSource });
    }
  };
  list.forEach((t, i) => {
    const where = t?.source ?? dagSource;
    if (!t || t.kind !== 'sluice.task') {
      issues.push({
        message: `tasks[${i}] is not a task but ${describeValue(t, 80)}: build tasks with task(...) or an operator${Array.isArray(t) ? ' (a list of tasks, such as sqlModels() returns, is spread in: ...sqlModels())' : ''}`,
        ...dagSource,
      });
      return;
    }
    if (typeof t.id !== 'string' || !ID_PATTERN.test(t.id)) {
      issues.push({
        message: `task id ${typeof t.id === 'string' ? JSON.stringify(t.id) : `(${describeValue(t.id)})`} is invalid: use letters, digits, "_", "." and "-"`,
        ...where,
      });
      return;
    }
    if (byId[t.id]) {
      issues.push({ message: `duplicate task id "${t.id}"`, ...where });
      return;
    }
    const resolved = resolveOptions(
      t,
      defaults,
      (m) => issues.push({ message: `task "${t.id}": ${m}`, ...where }),
      badDefault,
    );
    if (resolved) byId[t.id] = resolved;
  });
  linkTables(byId, (id, message) => issues.push({ message, ...(list.find((d) => d.id === id)?.source ?? dagSource) }));
  for (const t of Object.values(byId)) {
    const where = list.find((d) => d.id === t.id)?.source ?? dagSource;
    for (const u of t.upstream) {
      if (u === t.id) issues.push({ message: `task "${t.id}" depends on itself`, ...where });
      else if (!byId[u]) {
        const hint = closest(u, Object.keys(byId));
        issues.push({
          message: `task "${t.id}" has unknown upstream task "${u}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
          ...where,
        });
      }
    }
  }
  const graph = new Map(Object.values(byId).map((t) => [t.id, t.upstream.filter((u) => u !== t.id && byId[u])]));
  for (const cycle of findCycles(graph)) issues.push({ message: `cycle: ${cycle.join(' -> ')}`, ...dagSource });
  return byId;
}

function resolveOptions(
  t: AnyTask,
  d: TaskOptions,
  bad: (m: string) => void,
  badDefault: (key: string, m: string) => void,
): ResolvedTask | undefined {
  const report = (k: keyof TaskOptions, m: string) =>
    t[k] === undefined && d[k] !== undefined ? badDefault(k, m) : bad(m);
  const pick = <K extends keyof TaskOptions>(k: K): TaskOptions[K] => (t[k] !== undefined ? t[k] : d[k]);
  const ms = (k: keyof typeof DURATION_OPTIONS, fallback: number | null) => {
    const v = pick(k);
    if (v === undefined) return fallback;
    try {
      return durationMs(v, k, DURATION_OPTIONS[k]);
    } catch (e) {
      report(k, (e as Error).message);
      return fallback;
    }
  };
  for (const p of t.problems ?? []) bad(p);
  const retries = pick('retries') ?? 0;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0)
    report('retries', `retries must be a whole number >= 0, got ${describeValue(retries)}`);
  const triggerRule = pick('triggerRule') ?? 'all_success';
  if (!TRIGGER_RULES.includes(triggerRule)) {
    const hint = typeof triggerRule === 'string' ? closest(triggerRule, TRIGGER_RULES) : undefined;
    report(
      'triggerRule',
      `unknown trigger rule ${typeof triggerRule === 'string' ? `"${triggerRule}"` : `(${describeValue(triggerRule)})`} (${hint ? `did you mean "${hint}"? ` : ''}one of ${TRIGGER_RULES.join(', ')})`,
    );
  }
  const backoff = pick('retryExponentialBackoff') ?? false;
  if (typeof backoff !== 'boolean')
    report('retryExponentialBackoff', `retryExponentialBackoff must be true or false, got ${describeValue(backoff)}`);
  const priorityWeight = pick('priorityWeight') ?? 1;
  if (typeof priorityWeight !== 'number' || !Number.isSafeInteger(priorityWeight))
    report('priorityWeight', `priorityWeight must be a whole number, got ${describeValue(priorityWeight)}`);
  const doc = pick('doc');
  if (doc !== undefined && typeof doc !== 'string') bad(`doc must be a string, got ${describeValue(doc)}`);
  if (typeof t.run !== 'function') bad(`has no run function (run is ${describeValue(t.run)})`);
  const alerts = parseTaskAlerts(pick('alerts'), (m) => report('alerts', m));
  // The stored structure keeps this key order (see serializeDag): reordering changes every structure hash.
  return Object.freeze({
    id: t.id,
    operator: t.operator,
    upstream: Object.freeze([...new Set(t.upstream)]),
    triggerRule,
    retries,
    retryDelayMs: ms('retryDelay', 300_000)!,
    retryExponentialBackoff: backoff,
    maxRetryDelayMs: ms('maxRetryDelay', 86_400_000)!,
    executionTimeoutMs: ms('executionTimeout', null),
    priorityWeight,
    doc,
    config: t.config,
    produces: Object.freeze((t.produces ?? []).map(tableName)),
    consumes: Object.freeze((t.consumes ?? []).map(tableName)),
    alerts,
    run: t.run,
  });
}

const tableName = (t: string) => t.trim().toLowerCase();

/**
 * A task that consumes a table produced by another task of the DAG gets that task as an upstream
 * (the way SQL models join the load tasks of their sources). Two producers of one table are an error.
 */
function linkTables(byId: Record<string, ResolvedTask>, issue: (taskId: string, message: string) => void): void {
  const producer = new Map<string, string>();
  for (const t of Object.values(byId)) {
    for (const table of t.produces) {
      const other = producer.get(table);
      if (other) issue(t.id, `task "${t.id}" produces ${table}, which task "${other}" produces too`);
      else producer.set(table, t.id);
    }
  }
  for (const [id, t] of Object.entries(byId)) {
    const extra = t.consumes
      .map((table) => producer.get(table))
      .filter((p): p is string => !!p && p !== id && !t.upstream.includes(p));
    if (extra.length) byId[id] = Object.freeze({ ...t, upstream: Object.freeze([...t.upstream, ...extra]) });
  }
}
