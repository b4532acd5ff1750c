import type { TaskDefinition, TaskFn, TaskOptions, JsonObject } from './types';
import { callerLocation } from './source-location';

export interface TaskSpec<I extends string, U extends string> extends TaskOptions {
  readonly id: I;
  readonly upstream?: readonly U[];
  /**
   * Tables (`schema.table`) the task writes and reads. A task that consumes a table another task of
   * the DAG produces runs after it, without naming it in `upstream`; both show in lineage.
   */
  readonly produces?: readonly string[];
  readonly consumes?: readonly string[];
  readonly run: TaskFn;
}

/**
 * A plain TypeScript function task: `task('extract', async (ctx) => ...)` or
 * `task({ id: 'load', upstream: ['extract'], retries: 2, run: async (ctx) => ... })`.
 * Its return value (small JSON) is stored and handed to downstream tasks as `ctx.upstream[id]`.
 */
export function task<const I extends string>(id: I, run: TaskFn): TaskDefinition<I, never>;
export function task<const I extends string, const U extends string = never>(spec: TaskSpec<I, U>): TaskDefinition<I, U>;
export function task(a: string | TaskSpec<string, string>, run?: TaskFn): TaskDefinition {
  const spec: TaskSpec<string, string> = typeof a === 'string' ? { id: a, run: run! } : a;
  return defineTask('task', spec);
}

/**
 * Builds the plain definition every operator returns. Operators call it with their name and the
 * JSON settings worth showing; the function does the work when a worker runs the task.
 */
export function defineTask<const I extends string, const U extends string>(
  operator: string,
  spec: TaskSpec<I, U>,
  config?: JsonObject,
): TaskDefinition<I, U> {
  const { id, upstream, run, ...options } = spec;
  return Object.freeze({
    ...options,
    kind: 'sluice.task' as const,
    id,
    operator,
    upstream: Object.freeze([...(upstream ?? [])]),
    config,
    run,
    source: callerLocation(),
  });
}
