/**
 * Building one compiled model in the warehouse, by its materialization: each kind builds itself
 * (materializations/); this checks the target schema, times the build and names the model in
 * any failure.
 */
import type { Warehouse } from '../db/queryable';
import type { RebuiltLater } from './dependents';
import { findMaterialization, type ModelAction } from './materializations/registry';
import { defaultFile, modelFailure } from './model-error';
import { assertSchemaAllowed } from './ownership';
import type { SchemaState } from './relation';
import type { CompiledModel } from './types';

/**
 * What a build did: created a view; built and swapped in a table (also an incremental model's
 * first run or full refresh); replaced rows by unique key; appended rows (incremental without a
 * key); nothing (ephemeral: inlined into its dependants). `none`: not built (failed or skipped).
 */
export type { ModelAction } from './materializations/registry';

export interface MaterializeResult {
  readonly action: ModelAction;
  /** Rows written (tables: all rows; incremental runs: rows inserted). Views have none. */
  readonly rows?: number;
  readonly ms: number;
}

export interface MaterializeOptions {
  /** Rebuild incremental models from scratch. */
  readonly fullRefresh?: boolean;
  /**
   * Whether the model was compiled for an incremental run. It must agree with the SQL (which may
   * filter on `is_incremental`); when absent it is worked out like the runner does.
   */
  readonly isIncremental?: boolean;
  /** The model's file relative to the project root, for errors without a line (and the marker of what it builds). */
  readonly file?: string;
  /** What the caller already looked up of the model's schema (the runner does, for incremental models). */
  readonly known?: SchemaState;
  /** Relations (`schema.name`) built later in this run: a dependent view of theirs that no longer fits may wait for them. */
  readonly rebuiltLater?: RebuiltLater;
}

/** Builds `model`; a failure is a SluiceError('MODEL_FAILED') naming the model and its file (and line, when Postgres gives a position). */
export async function materialize(
  wh: Warehouse,
  model: CompiledModel,
  opts: MaterializeOptions = {},
): Promise<MaterializeResult> {
  const t0 = performance.now();
  const file = opts.file ?? defaultFile(model);
  const done = (action: ModelAction, rows?: number): MaterializeResult => ({
    action,
    ...(rows === undefined ? {} : { rows }),
    ms: performance.now() - t0,
  });
  const later = opts.rebuiltLater ?? new Set<string>();
  try {
    const kind = findMaterialization(model.materialized);
    if (!kind) throw new Error(`unknown materialization "${String(model.materialized)}"`);
    if (!kind.inlined) assertSchemaAllowed(model, file);
    const out = await kind.build({
      wh,
      model,
      file,
      later,
      fullRefresh: opts.fullRefresh ?? false,
      isIncremental: opts.isIncremental,
      known: opts.known,
    });
    return done(out.action, out.rows);
  } catch (e) {
    throw modelFailure(model, file, e);
  }
}
