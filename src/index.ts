/** Sluice's public API: what DAG files import from 'sluice'. */
export { defineDag } from './dag/define-dag';
export { task, defineTask } from './dag/task';
export type { TaskSpec } from './dag/task';
export type {
  Dag, DagSpec, TaskDefinition, TaskContext, TaskOptions, TaskFn, TriggerRule, JsonValue, JsonObject, Logger, RunType,
} from './dag/types';
export type { Warehouse, Queryable, QueryResult } from './warehouse/warehouse';
export type { ObjectStore, ObjectInfo } from './lake/object-store';
export type { Duration } from './config/duration';
export { SluiceError, ValidationError } from './errors/errors';
