/**
 * Building one compiled model in the warehouse, by its materialization. The view and ephemeral
 * kinds live here; table and incremental have their own files.
 */
import { quoteQualified } from '../db/quote';
import type { Warehouse } from '../db/queryable';
import { detachDependents, restoreDependents, type Dependents, type RebuiltLater } from './dependents';
import { buildIncremental } from './materialize-incremental';
import { buildTable, replaceMindingDependents } from './materialize-table';
import { defaultFile, modelFailure, queryModelSql } from './model-error';
import { assertOneStatement } from './one-statement';
import { assertReplaceable, assertSchemaAllowed } from './ownership';
import { dropStatement, ensureSchema, lookupRelations, markStatement, type SchemaState } from './relation';
import type { CompiledModel } from './types';

/**
 * What a build did: created a view; built and swapped in a table (also an incremental model's
 * first run or full refresh); replaced rows by unique key; appended rows (incremental without a
 * key); nothing (ephemeral: inlined into its dependants). `none`: not built (failed or skipped).
 */
export type ModelAction = 'view' | 'table' | 'merge' | 'append' | 'ephemeral' | 'none';

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

/** The model's relation is an existing table, and no full refresh was asked for. */
export async function shouldRunIncrementally(
  wh: Warehouse,
  schema: string,
  name: string,
  fullRefresh: boolean,
): Promise<boolean> {
  if (fullRefresh) return false;
  const state = await lookupRelations(wh, schema, [name]);
  return state.kinds.get(name) === 'table';
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
    if (model.materialized !== 'ephemeral') assertSchemaAllowed(model, file);
    switch (model.materialized) {
      case 'ephemeral':
        return done('ephemeral');
      case 'view':
        await buildView(wh, model, file, later);
        return done('view');
      case 'table':
        return done('table', await buildTable(wh, model, file, later));
      case 'incremental': {
        const known = opts.known ?? (await lookupRelations(wh, model.schema, [model.name]));
        const incremental = opts.isIncremental ?? (!opts.fullRefresh && known.kinds.get(model.name) === 'table');
        const out = await buildIncremental(wh, model, file, incremental, known.relations.get(model.name), later);
        return done(out.action, out.rows);
      }
      default:
        throw modelFailure(model, file, new Error(`unknown materialization "${String(model.materialized)}"`));
    }
  } catch (e) {
    throw modelFailure(model, file, e);
  }
}

/**
 * Drop and create in one transaction: CREATE OR REPLACE VIEW refuses a changed column list, and
 * readers wait for the commit rather than find no view. Views other models built on this one are
 * dropped and rebuilt in the same transaction (dependents.ts); anything else depending on it stops
 * the replace. Only a view or table a model built is replaced (ownership.ts).
 */
async function buildView(wh: Warehouse, model: CompiledModel, file: string, later: RebuiltLater): Promise<void> {
  const state = await lookupRelations(wh, model.schema, [model.name]);
  const current = state.relations.get(model.name);
  await assertReplaceable(wh, model, file, current);
  await ensureSchema(wh, model.schema, state);
  const attempt = (withDependents: boolean) =>
    wh.transaction(async (tx) => {
      await assertOneStatement(tx, model, file);
      let deps: Dependents | undefined;
      if (current && withDependents) deps = await detachDependents(tx, model, file, model.schema, model.name);
      if (current) await tx.query(dropStatement(model.schema, model.name, current.kind));
      await queryModelSql(tx, `CREATE VIEW ${quoteQualified(model.schema, model.name)} AS\n`, model, file);
      await tx.query(markStatement(model.schema, model.name, 'view', file));
      if (deps) await restoreDependents(tx, model, file, deps, later);
    });
  await replaceMindingDependents(current?.hasDependents ?? false, attempt);
}
