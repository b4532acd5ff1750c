import type { Duration } from '../config/duration';
import type { ObjectStore } from '../lake/object-store';
import type { Warehouse } from '../db/queryable';
import type { AlertRoutes, DagAlertSpec, StoredAlertRoutes, StoredDagAlerts } from './alert-spec';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export const TRIGGER_RULES = [
  'all_success',
  'all_failed',
  'all_done',
  'one_success',
  'one_failed',
  'none_failed',
  'none_failed_min_one_success',
  'always',
] as const;
export type TriggerRule = (typeof TRIGGER_RULES)[number];

/** Options every task takes; a DAG's `defaults` supplies any a task leaves out. */
export interface TaskOptions {
  /** Extra tries after the first one fails. */
  readonly retries?: number;
  readonly retryDelay?: Duration;
  /** Double the delay on each retry (with jitter-free determinism), capped by `maxRetryDelay`. */
  readonly retryExponentialBackoff?: boolean;
  readonly maxRetryDelay?: Duration;
  /** The try is killed and failed once it runs longer than this. */
  readonly executionTimeout?: Duration;
  readonly triggerRule?: TriggerRule;
  /** Higher runs first when several tasks wait for a worker. */
  readonly priorityWeight?: number;
  readonly doc?: string;
  /** Where this task's alerts go instead of the DAG's (a checkpoint's to the analysts' channel, say). */
  readonly alerts?: AlertRoutes;
}

import type { Logger } from '../util/logger';
export type { Logger };

/**
 * One try of a task in a run, as the executor claims it (see claimTasks): the part of the task's
 * context that comes from the run. Dates are instants.
 */
export interface TaskTry {
  readonly dagId: string;
  readonly taskId: string;
  readonly runId: string;
  readonly runType: RunType;
  readonly tryNumber: number;
  readonly maxTries: number;
  readonly logicalDate: Date;
  readonly dataIntervalStart: Date;
  readonly dataIntervalEnd: Date;
}

/**
 * What a task's code receives: its try, and what the worker adds. `ds` is the logical date in the
 * DAG's timezone. Operators read the resolved configuration with `operatorConfig()`.
 */
export interface TaskContext extends TaskTry {
  readonly ds: string;
  readonly timezone: string;
  readonly params: Readonly<JsonObject>;
  /** Return values of the upstream tasks in this run, by task id (undefined when a task returned nothing). */
  readonly upstream: Readonly<Record<string, JsonValue | undefined>>;
  readonly log: Logger;
  readonly warehouse: Warehouse;
  readonly objectStore: ObjectStore;
  /** Aborted when the task is being stopped (timeout, shutdown). */
  readonly signal: AbortSignal;
  /**
   * Records what the try did, for its task instance page and API (a model task records its compiled
   * SQL): merged key by key, kept with the try even when it fails, masked like its log.
   */
  readonly recordDetails: (details: JsonObject) => void;
}

export type RunType = 'scheduled' | 'manual' | 'backfill';

export type TaskFn<R = unknown> = (ctx: TaskContext) => R | Promise<R>;

/**
 * A task as the scheduler sees it: plain data plus the function a worker calls.
 * `I` is its id and `U` the union of its upstream ids, so `defineDag` can check them against the DAG's task ids.
 */
export interface TaskDefinition<I extends string = string, U extends string = string> extends TaskOptions {
  readonly kind: 'sluice.task';
  readonly id: I;
  /** Which factory made it ('task', 'bash', ...); shown in listings and the UI. */
  readonly operator: string;
  readonly upstream: readonly U[];
  /** Operator settings worth showing (a command, a table name); JSON only, never secrets. */
  readonly config?: JsonObject;
  /** Tables (`schema.table`) the task writes and reads: lineage, and edges to the tasks producing what it reads. */
  readonly produces?: readonly string[];
  readonly consumes?: readonly string[];
  readonly run: TaskFn;
  /** Where the task was declared, for error messages. */
  readonly source?: SourceLocation;
  /** Problems found when the task was built (an unknown option), reported by defineDag with the rest. */
  readonly problems?: readonly string[];
}

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column?: number;
}

export type ScheduleSpec = string | null;

export interface DagSpec<T> {
  readonly id: string;
  readonly description?: string;
  /** Cron expression (5 fields), a preset (`@daily`, `@hourly`, ...), `@once`, or null for manual only. */
  readonly schedule: ScheduleSpec;
  /** 'YYYY-MM-DD' or an ISO date-time, read in `timezone`; or a Date. */
  readonly startDate: string | Date;
  readonly endDate?: string | Date;
  /** IANA zone used for cron fire times, dates written without offsets and `ds`. */
  readonly timezone?: string;
  readonly catchup?: boolean;
  readonly owner?: string;
  /** One tag may be given as a string. */
  readonly tags?: string | readonly string[];
  readonly params?: JsonObject;
  readonly maxActiveRuns?: number;
  readonly maxActiveTasks?: number;
  readonly defaults?: TaskOptions;
  /** Where alerts go, which events send them, the dedupe window and deadlines (see docs/alerts.md). */
  readonly alerts?: DagAlertSpec;
  readonly tasks: T;
}

export interface Dag<Ids extends string = string> {
  readonly kind: 'sluice.dag';
  readonly id: string;
  readonly description: string | undefined;
  readonly schedule: ScheduleSpec;
  readonly startDate: Date;
  readonly endDate: Date | undefined;
  readonly timezone: string;
  readonly catchup: boolean;
  readonly owner: string;
  readonly tags: readonly string[];
  readonly params: JsonObject;
  readonly maxActiveRuns: number;
  readonly maxActiveTasks: number;
  readonly alerts: StoredDagAlerts | undefined;
  readonly tasks: Readonly<Record<Ids, ResolvedTask>>;
  readonly source: SourceLocation | undefined;
}

/** A task with the DAG's defaults applied and durations in milliseconds. */
export interface ResolvedTask {
  readonly id: string;
  readonly operator: string;
  readonly upstream: readonly string[];
  readonly triggerRule: TriggerRule;
  readonly retries: number;
  readonly retryDelayMs: number;
  readonly retryExponentialBackoff: boolean;
  readonly maxRetryDelayMs: number;
  readonly executionTimeoutMs: number | null;
  readonly priorityWeight: number;
  readonly doc: string | undefined;
  readonly config: JsonObject | undefined;
  readonly produces: readonly string[];
  readonly consumes: readonly string[];
  readonly alerts: StoredAlertRoutes | undefined;
  readonly run: TaskFn;
}
