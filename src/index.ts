/** Sluice's public API: what DAG files import from 'sluice'. */
export { defineDag } from './dag/define-dag';
export { task, defineTask } from './dag/task';
export type { TaskSpec } from './dag/task';
export type {
  Dag,
  DagSpec,
  TaskDefinition,
  TaskContext,
  TaskOptions,
  TaskFn,
  TriggerRule,
  JsonValue,
  JsonObject,
  Logger,
  RunType,
} from './dag/types';
export type { Warehouse, WarehouseTx, WarehouseResult, Queryable, QueryResult } from './db/queryable';
export type { ObjectStore, ObjectInfo, ObjectSummary, PutOptions } from './lake/object-store';
export type { ColumnSpec, ColumnType, SourceRow } from './lake/column-spec';
export type { Templated } from './dag/templated';
export type { Duration } from './config/duration';
export { SluiceError, ValidationError } from './errors/errors';
