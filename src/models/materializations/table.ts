/**
 * The table materialization: build the new table beside the old one, then swap them in one short
 * transaction, so a reader never sees a half-built or missing table.
 *
 * A query that arrives during the swap waits on the old table's lock; when the swap commits,
 * Postgres looks the name up again and the query reads the new table.
 *
 * Dependent views: a view built on the old table points at that table itself, not at its name.
 * Views that models built are dropped before the swap and rebuilt on the new table in the same
 * transaction (dependents.ts); anything else depending on the table stops the swap (nothing is
 * dropped with CASCADE). Only a table or view a model built is replaced (ownership.ts). Indexes
 * and grants on the old table itself go with it.
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
import {
  columnsOf,
  dropStatement,
  ensureSchema,
  lookupRelations,
  markStatement,
  renameStatement,
  sideName,
  SIDE_SUFFIXES,
} from '../relation';
import { MAX_IDENT_BYTES } from '../template/sql-values';
import type { CompiledModel } from '../types';
import { assertUniqueKey } from '../unique-key';
import { defineMaterialization } from './kind';

export const table = defineMaterialization({
  name: 'table',
  actions: ['table'],
  inlined: false,
  incremental: false,
  requiresUniqueKey: false,
  maxNameBytes: MAX_IDENT_BYTES - SIDE_SUFFIXES.new.length,
  nameLimitReason: sideNameReason('table'),
  doc: `built under a side name in the target schema, then swapped in within one transaction
(old renamed away, new renamed in, old dropped): a concurrent reader sees the old table or the
new one, never a half-built or missing one (tested with a reader in a loop).`,
  build: async ({ wh, model, file, later }) => ({ action: 'table', rows: await buildTable(wh, model, file, later) }),
});

/** Why a kind that rebuilds under a side name has a shorter name limit (the name-length error's clause). */
export function sideNameReason(kind: string): (name: string) => string {
  return (name) => ` (a ${kind} model is rebuilt under the side name "${name}${SIDE_SUFFIXES.new}")`;
}

/**
 * Builds `model` as a table (also an incremental model's first run and full refresh); returns its
 * row count. `uniqueKey`: first check that the model's unique key holds in the new rows.
 */
export async function buildTable(
  wh: Warehouse,
  model: CompiledModel,
  file: string,
  later: RebuiltLater = new Set(),
  uniqueKey = false,
): Promise<number> {
  const { schema, name } = model;
  const fresh = sideName(name, 'new');
  const old = sideName(name, 'old');
  const state = await lookupRelations(wh, schema, [name, fresh, old]);
  const current = state.relations.get(name);
  await assertReplaceable(wh, model, file, current);
  await assertOneStatement(wh, model, file);
  await ensureSchema(wh, schema, state);
  const leftover = state.kinds.get(fresh); // from a run that died mid-build (side names are Sluice's own: no model has one)
  if (leftover) await wh.query(dropStatement(schema, fresh, leftover));

  // Built outside the swap's transaction: the (possibly long) build holds no lock readers wait on.
  const created = await queryModelSql(wh, `CREATE TABLE ${quoteQualified(schema, fresh)} AS\n`, model, file);
  try {
    if (uniqueKey && model.uniqueKey.length) {
      const [columns] = await columnsOf(wh, [quoteQualified(schema, fresh)]);
      await assertUniqueKey(wh, quoteQualified(schema, fresh), columns, model, file);
    }
    const swap = (withDependents: boolean) =>
      wh.transaction(async (tx) => {
        let deps: Dependents | undefined;
        if (current && withDependents) deps = await detachDependents(tx, model, file, schema, name);
        const oldLeftover = state.kinds.get(old);
        if (oldLeftover) await tx.query(dropStatement(schema, old, oldLeftover));
        if (current) await tx.query(renameStatement(schema, name, current.kind, old));
        await tx.query(renameStatement(schema, fresh, 'table', name));
        await tx.query(markStatement(schema, name, 'table', file));
        if (current) await tx.query(dropStatement(schema, old, current.kind));
        if (deps) await restoreDependents(tx, model, file, deps, later);
      });
    await replaceMindingDependents(current?.hasDependents ?? false, swap);
  } catch (e) {
    await wh.query(dropStatement(schema, fresh, 'table')).catch(() => undefined);
    throw e;
  }
  return created.rowCount ?? 0;
}
