/**
 * The view materialization: drop and create in one transaction, since CREATE OR REPLACE VIEW
 * refuses a changed column list, and readers wait for the commit rather than find no view.
 */
import { quoteQualified } from '../../db/quote';
import type { Warehouse } from '../../db/queryable';
import {
  detachDependents,
  replaceMindingDependents,
  restoreDependents,
  type Dependents,
  type RebuiltLater,
} from '../dependents';
import { queryModelSql } from '../model-error';
import { assertOneStatement } from '../one-statement';
import { assertReplaceable } from '../ownership';
import { dropStatement, ensureSchema, lookupRelations, markStatement } from '../relation';
import { MAX_IDENT_BYTES } from '../template/sql-values';
import type { CompiledModel } from '../types';
import { defineMaterialization } from './kind';

export const view = defineMaterialization({
  name: 'view',
  actions: ['view'],
  inlined: false,
  incremental: false,
  requiresUniqueKey: false,
  maxNameBytes: MAX_IDENT_BYTES,
  nameLimitReason: () => '',
  doc: 'dropped and created in one transaction, so a changed column list works.',
  build: async ({ wh, model, file, later }) => {
    await buildView(wh, model, file, later);
    return { action: 'view' };
  },
});

/**
 * Views other models built on this one are dropped and rebuilt in the same transaction
 * (dependents.ts); anything else depending on it stops the replace. Only a view or table a model
 * built is replaced (ownership.ts).
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
