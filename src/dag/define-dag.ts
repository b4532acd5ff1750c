import type { Dag, DagSpec, ResolvedTask, SourceLocation, TaskDefinition, TaskOptions } from './types';
import { TRIGGER_RULES } from './types';
import { ValidationError, type Issue } from '../errors/errors';
import { durationMs } from '../config/duration';
import { parseDate } from '../schedule/dates';
import { parseSchedule } from '../schedule/timetable';
import { closest, findCycles } from './graph';
import { callerLocation } from './source-location';

type AnyTask = TaskDefinition<string, string>;
type Ids<T extends readonly AnyTask[]> = T[number]['id'];

/**
 * Rejects, at compile time, upstream ids that are not ids of the DAG's tasks. Tasks built
 * dynamically (ids typed as plain `string`) are left to the load-time check.
 */
export type CheckedTasks<T extends readonly AnyTask[]> = string extends Ids<T> ? T : {
  readonly [K in keyof T]: T[K] extends TaskDefinition<infer I, infer U>
    ? string extends U ? T[K] : TaskDefinition<I, Extract<Ids<T>, string>>
    : T[K];
};

const ID_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,249}$/;

/**
 * Declares a DAG. Everything is validated at once: every problem (unknown upstream ids, cycles as
 * `a -> b -> a`, an invalid cron, ...) is reported together, pointing at the file and line.
 */
export function defineDag<const T extends readonly AnyTask[]>(spec: DagSpec<T & CheckedTasks<T>>): Dag<Ids<T>> {
  const source = callerLocation();
  const issues: Issue[] = [];
  const at = (message: string, loc = source): void => { issues.push({ message, ...loc }); };
  const attempt = <R>(fn: () => R): R | undefined => {
    try { return fn(); } catch (e) { at((e as Error).message); return undefined; }
  };

  if (typeof spec?.id !== 'string' || !ID_PATTERN.test(spec.id)) {
    at(`DAG id ${JSON.stringify(spec?.id)} is invalid: use letters, digits, "_", "." and "-"`);
  }
  const timezone = spec.timezone ?? 'UTC';
  attempt(() => parseSchedule(spec.schedule === undefined ? (undefined as never) : spec.schedule, timezone));
  if (spec.schedule === undefined) at('schedule is required (a cron string, a preset such as "@daily", or null for manual runs only)');
  const startDate = spec.startDate === undefined ? (at('startDate is required'), undefined) : attempt(() => parseDate(spec.startDate, timezone, 'startDate'));
  const endDate = spec.endDate === undefined ? undefined : attempt(() => parseDate(spec.endDate!, timezone, 'endDate'));
  if (startDate && endDate && endDate < startDate) at('endDate is before startDate');
  positive(spec.maxActiveRuns, 'maxActiveRuns', at);
  positive(spec.maxActiveTasks, 'maxActiveTasks', at);

  const tasks = resolveTasks(spec, issues, source);
  if (issues.length) throw new ValidationError('DAG_INVALID', `DAG "${spec.id}"`, issues);

  return Object.freeze({
    kind: 'sluice.dag' as const,
    id: spec.id,
    description: spec.description,
    schedule: spec.schedule,
    startDate: startDate!,
    endDate,
    timezone,
    catchup: spec.catchup ?? false,
    owner: spec.owner ?? 'sluice',
    tags: Object.freeze([...(spec.tags ?? [])]),
    params: Object.freeze({ ...(spec.params ?? {}) }),
    maxActiveRuns: spec.maxActiveRuns ?? 16,
    maxActiveTasks: spec.maxActiveTasks ?? 16,
    tasks: Object.freeze(tasks) as Dag<Ids<T>>['tasks'],
    source,
  });
}

function positive(v: number | undefined, name: string, at: (m: string) => void) {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) at(`${name} must be a positive integer, got ${v}`);
}

function resolveTasks(spec: DagSpec<readonly AnyTask[]>, issues: Issue[], dagSource: SourceLocation | undefined): Record<string, ResolvedTask> {
  const list = Array.isArray(spec.tasks) ? spec.tasks : [];
  if (!Array.isArray(spec.tasks) || list.length === 0) issues.push({ message: 'tasks must be a non-empty array of tasks', ...dagSource });
  const byId: Record<string, ResolvedTask> = {};
  const defaults = spec.defaults ?? {};
  list.forEach((t, i) => {
    const where = t?.source ?? dagSource;
    if (!t || t.kind !== 'sluice.task') {
      issues.push({ message: `tasks[${i}] is not a task (build tasks with task(...) or an operator)`, ...dagSource });
      return;
    }
    if (typeof t.id !== 'string' || !ID_PATTERN.test(t.id)) {
      issues.push({ message: `task id ${JSON.stringify(t.id)} is invalid: use letters, digits, "_", "." and "-"`, ...where });
      return;
    }
    if (byId[t.id]) {
      issues.push({ message: `duplicate task id "${t.id}"`, ...where });
      return;
    }
    const resolved = resolveOptions(t, defaults, (m) => issues.push({ message: `task "${t.id}": ${m}`, ...where }));
    if (resolved) byId[t.id] = resolved;
  });
  linkTables(byId, (id, message) => issues.push({ message, ...(list.find((d) => d.id === id)?.source ?? dagSource) }));
  for (const t of Object.values(byId)) {
    const where = list.find((d) => d.id === t.id)?.source ?? dagSource;
    for (const u of t.upstream) {
      if (u === t.id) issues.push({ message: `task "${t.id}" depends on itself`, ...where });
      else if (!byId[u]) {
        const hint = closest(u, Object.keys(byId));
        issues.push({ message: `task "${t.id}" has unknown upstream task "${u}"${hint ? ` (did you mean "${hint}"?)` : ''}`, ...where });
      }
    }
  }
  const graph = new Map(Object.values(byId).map((t) => [t.id, t.upstream.filter((u) => u !== t.id && byId[u])]));
  for (const cycle of findCycles(graph)) issues.push({ message: `cycle: ${cycle.join(' -> ')}`, ...dagSource });
  return byId;
}

function resolveOptions(t: AnyTask, d: TaskOptions, bad: (m: string) => void): ResolvedTask | undefined {
  const pick = <K extends keyof TaskOptions>(k: K): TaskOptions[K] => (t[k] !== undefined ? t[k] : d[k]);
  const ms = (k: 'retryDelay' | 'maxRetryDelay' | 'executionTimeout', fallback: number | null) => {
    const v = pick(k);
    if (v === undefined) return fallback;
    try { return durationMs(v, k); } catch (e) { bad((e as Error).message); return fallback; }
  };
  const retries = pick('retries') ?? 0;
  if (!Number.isInteger(retries) || retries < 0) bad(`retries must be a non-negative integer, got ${retries}`);
  const triggerRule = pick('triggerRule') ?? 'all_success';
  if (!TRIGGER_RULES.includes(triggerRule)) bad(`unknown trigger rule "${triggerRule}" (one of ${TRIGGER_RULES.join(', ')})`);
  if (typeof t.run !== 'function') bad('has no run function');
  return Object.freeze({
    id: t.id,
    operator: t.operator,
    upstream: Object.freeze([...new Set(t.upstream)]),
    triggerRule,
    retries,
    retryDelayMs: ms('retryDelay', 300_000)!,
    retryExponentialBackoff: pick('retryExponentialBackoff') ?? false,
    maxRetryDelayMs: ms('maxRetryDelay', 86_400_000)!,
    executionTimeoutMs: ms('executionTimeout', null),
    priorityWeight: pick('priorityWeight') ?? 1,
    doc: t.doc,
    config: t.config,
    produces: Object.freeze((t.produces ?? []).map(tableName)),
    consumes: Object.freeze((t.consumes ?? []).map(tableName)),
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
    const extra = t.consumes.map((table) => producer.get(table)).filter((p): p is string => !!p && p !== id && !t.upstream.includes(p));
    if (extra.length) byId[id] = Object.freeze({ ...t, upstream: Object.freeze([...t.upstream, ...extra]) });
  }
}
