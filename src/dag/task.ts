import type { TaskDefinition, TaskFn, TaskOptions, JsonObject } from './types';
import { callerLocation } from './source-location';
import { describeValue } from '../errors/describe-value';
import { closest } from '../util/did-you-mean';
import { guardCall } from './guard-call';

export interface TaskSpec<I extends string, U extends string> extends TaskOptions {
  readonly id: I;
  /**
   * Ids of the tasks this one runs after. One id may be given as a plain string, as Airflow's
   * `set_upstream` takes one task or a list (a string was spread into its letters before).
   */
  readonly upstream?: U | readonly U[];
  /**
   * Tables (`schema.table`) the task writes and reads. A task that consumes a table another task of
   * the DAG produces runs after it, without naming it in `upstream`; both show in lineage.
   */
  readonly produces?: string | readonly string[];
  readonly consumes?: string | readonly string[];
  readonly run: TaskFn;
}

/** The task options (what `defaults` may set for every task of a DAG). */
export const OPTION_KEYS = [
  'retries',
  'retryDelay',
  'retryExponentialBackoff',
  'maxRetryDelay',
  'executionTimeout',
  'triggerRule',
  'priorityWeight',
  'doc',
  'alerts',
] as const satisfies ReadonlyArray<keyof TaskOptions>;

/** Every key a task spec takes once an operator has taken its own: anything else is a typo. */
const TASK_KEYS = ['id', 'upstream', 'produces', 'consumes', 'run', ...OPTION_KEYS] as const satisfies ReadonlyArray<
  keyof TaskSpec<string, string>
>;

/**
 * A plain TypeScript function task: `task('extract', async (ctx) => ...)` or
 * `task({ id: 'load', upstream: ['extract'], retries: 2, run: async (ctx) => ... })`.
 * Its return value (small JSON) is stored and handed to downstream tasks as `ctx.upstream[id]`.
 */
export function task<const I extends string>(id: I, run: TaskFn): TaskDefinition<I, never>;
export function task<const I extends string, const U extends string = never>(
  spec: TaskSpec<I, U>,
): TaskDefinition<I, U>;
export function task(a: string | TaskSpec<string, string>, run?: TaskFn): TaskDefinition {
  const spec: TaskSpec<string, string> = typeof a === 'string' ? { id: a, run: run! } : a;
  return guardCall('task', spec, () => defineTask('task', spec));
}

/**
 * Builds the plain definition every operator returns. Operators call it with their name and the
 * JSON settings worth showing; the function does the work when a worker runs the task. Problems
 * found here (a list option that is not a list, an unknown option, an operator's bad setting) are
 * kept on the definition and reported by defineDag with the DAG's other problems, at the task's line.
 */
export function defineTask<const I extends string, const U extends string>(
  operator: string,
  spec: TaskSpec<I, U>,
  config?: JsonObject,
  operatorProblems: readonly string[] = [],
  /** The operator's own option names, taken out of `spec` before: a misspelt one is hinted at too. */
  operatorKeys: readonly string[] = [],
): TaskDefinition<I, U> {
  const problems: string[] = [...operatorProblems];
  if (!spec || typeof spec !== 'object') problems.push(`the task spec must be an object, got ${describeValue(spec)}`);
  const { id, upstream, produces, consumes, run, ...options } = spec ?? ({} as TaskSpec<I, U>);
  for (const key of unknownOptions(options, operatorKeys, problems)) delete (options as Record<string, unknown>)[key];
  return Object.freeze({
    ...options,
    kind: 'sluice.task' as const,
    id,
    operator,
    upstream: Object.freeze(idList(upstream, 'upstream', 'task ids', problems) as U[]),
    ...(produces !== undefined
      ? { produces: Object.freeze(idList(produces, 'produces', 'table names ("schema.table")', problems)) }
      : {}),
    ...(consumes !== undefined
      ? { consumes: Object.freeze(idList(consumes, 'consumes', 'table names ("schema.table")', problems)) }
      : {}),
    config,
    run,
    source: callerLocation(),
    ...(problems.length ? { problems: Object.freeze(problems) } : {}),
  });
}

/**
 * The keys of `options` (what is left of a spec once an operator took its own) that no task takes,
 * each added to `problems` with the closest task or operator option as a hint.
 */
export function unknownOptions(options: object, operatorKeys: readonly string[], problems: string[]): string[] {
  const unknown = Object.keys(options).filter((k) => !(TASK_KEYS as readonly string[]).includes(k));
  for (const key of unknown) {
    const hint = closest(key, [...operatorKeys, ...TASK_KEYS]);
    problems.push(`unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`);
  }
  return unknown;
}

/** A list of names: one string is a one-element list; anything else but an array of strings is a problem. */
export function idList(v: unknown, name: string, what: string, problems: string[]): string[] {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) {
    problems.push(`${name} must be a list of ${what} (or one as a string), got ${describeValue(v)}`);
    return [];
  }
  const out: string[] = [];
  v.forEach((x, i) => {
    if (typeof x === 'string') out.push(x);
    else if (x && typeof x === 'object' && (x as { kind?: unknown }).kind === 'sluice.task') {
      problems.push(`${name}[${i}] is a task; give its id instead: "${(x as { id: string }).id}"`);
    } else problems.push(`${name}[${i}] must be a string, got ${describeValue(x)}`);
  });
  return out;
}
