/**
 * The table materialization: build the new table beside the old one, then swap them in one short
 * transaction, so a reader never sees a half-built or missing table.
 *
 * A query that arrives during the swap waits on the old table's lock; when the swap commits,
 * Postgres looks the name up again and the query reads the new table.
 *
 * Dependent views: dropping the old table (CASCADE) drops every view built on it, since such a
 * view points at the old table itself, not at its name. The runner rebuilds the selected downstream
 * views after this model; a view that is not selected stays gone until it next runs (dbt does the
 * same). Indexes and grants on the old table go with it too.
 */
import { quoteQualified } from '../db/quote';
import type { Warehouse } from '../warehouse/warehouse';
import { queryModelSql } from './model-error';
import { columnsOf, dropStatement, ensureSchema, lookupRelations, renameStatement, sideName } from './relation';
import type { CompiledModel } from './types';
import { assertUniqueKey } from './unique-key';

/** Builds `model` as a table (also an incremental model's first run and full refresh); returns its row count. */
export async function buildTable(wh: Warehouse, model: CompiledModel, file: string): Promise<number> {
  const { schema, name } = model;
  const fresh = sideName(name, 'new');
  const old = sideName(name, 'old');
  const state = await lookupRelations(wh, schema, [name, fresh, old]);
  await ensureSchema(wh, schema, state);
  const leftover = state.kinds.get(fresh); // from a run that died mid-build
  if (leftover) await wh.query(dropStatement(schema, fresh, leftover));

  // Built outside the swap's transaction: the (possibly long) build holds no lock readers wait on.
  const created = await queryModelSql(wh, `CREATE TABLE ${quoteQualified(schema, fresh)} AS\n`, model, file);
  try {
    if (model.materialized === 'incremental' && model.uniqueKey.length) {
      const [columns] = await columnsOf(wh, [quoteQualified(schema, fresh)]);
      await assertUniqueKey(wh, quoteQualified(schema, fresh), columns, model, file);
    }
    await wh.transaction(async (tx) => {
      const oldLeftover = state.kinds.get(old);
      if (oldLeftover) await tx.query(dropStatement(schema, old, oldLeftover));
      const current = state.kinds.get(name);
      if (current) await tx.query(renameStatement(schema, name, current, old));
      await tx.query(renameStatement(schema, fresh, 'table', name));
      if (current) await tx.query(dropStatement(schema, old, current));
    });
  } catch (e) {
    await wh.query(dropStatement(schema, fresh, 'table')).catch(() => undefined);
    throw e;
  }
  return created.rowCount;
}
