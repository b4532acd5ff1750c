/**
 * The incremental materialization. The first run (or a missing table, or a full refresh) builds
 * the model like a table. Later runs compute the new rows into a temporary table, check them, and
 * replace the target's rows with the same unique key: DELETE matching keys, then INSERT, in one
 * transaction, so re-running a day replaces that day's rows instead of adding them again.
 *
 * Everything after the first run happens in one transaction because a temporary table lives on one
 * connection, and the transaction is what keeps a pooled warehouse on one connection. Readers are
 * not blocked: DELETE and INSERT take row locks only.
 */
import { quoteIdent, quoteQualified } from '../../db/quote';
import type { Warehouse } from '../../db/queryable';
import type { RebuiltLater } from '../dependents';
import { modelProblem, queryModelSql } from '../model-error';
import { assertOneStatement } from '../one-statement';
import { assertReplaceable } from '../ownership';
import { columnsOf, lookupRelations, SIDE_SUFFIXES, type RelationInfo } from '../relation';
import { MAX_IDENT_BYTES } from '../template/sql-values';
import type { CompiledModel } from '../types';
import { assertUniqueKey } from '../unique-key';
import { defineMaterialization } from './kind';
import { buildTable, sideNameReason } from './table';

const TEMP = quoteQualified('pg_temp', 'sluice_incremental');

export const incremental = defineMaterialization({
  name: 'incremental',
  actions: ['table', 'merge', 'append'],
  inlined: false,
  incremental: true,
  requiresUniqueKey: true,
  maxNameBytes: MAX_IDENT_BYTES - SIDE_SUFFIXES.new.length,
  nameLimitReason: sideNameReason('incremental'),
  doc: `the first run, a missing table or \`--full-refresh\`
builds like a table; later runs compute the new rows into a temporary table, **fail if any
unique-key column is null** (with a count and an example, where dbt would silently duplicate),
then delete the matching rows and insert the new ones in one transaction. New columns in the
model are an error that suggests \`--full-refresh\`. Re-running a day gives no duplicates.`,
  build: async ({ wh, model, file, later, fullRefresh, isIncremental, known }) => {
    const state = known ?? (await lookupRelations(wh, model.schema, [model.name]));
    const run = isIncremental ?? (!fullRefresh && state.kinds.get(model.name) === 'table');
    return buildIncremental(wh, model, file, run, state.relations.get(model.name), later);
  },
});

interface IncrementalOutcome {
  readonly action: 'table' | 'merge' | 'append';
  readonly rows: number;
}

/**
 * `isIncremental`: the model was compiled for an incremental run (its table exists; no full
 * refresh). `current`: the catalog's view of the target, which must be a table a model built.
 */
async function buildIncremental(
  wh: Warehouse,
  model: CompiledModel,
  file: string,
  isIncremental: boolean,
  current: RelationInfo | undefined,
  later?: RebuiltLater,
): Promise<IncrementalOutcome> {
  if (!isIncremental) return { action: 'table', rows: await buildTable(wh, model, file, later, true) };
  await assertReplaceable(wh, model, file, current);
  const target = quoteQualified(model.schema, model.name);
  return wh.transaction(async (tx) => {
    await assertOneStatement(tx, model, file);
    // Dropped at commit or rollback, so the next transaction on this connection starts clean.
    await queryModelSql(tx, `CREATE TEMP TABLE ${quoteIdent('sluice_incremental')} ON COMMIT DROP AS\n`, model, file);
    const [columns, targetColumns] = await columnsOf(tx, [TEMP, target]);
    if (!targetColumns.length) {
      throw modelProblem(
        model,
        file,
        `${target} no longer exists (dropped since the run began?); the next run rebuilds it`,
      );
    }
    const added = columns.filter((c) => !targetColumns.includes(c));
    if (added.length) {
      throw modelProblem(
        model,
        file,
        `the model has column${added.length > 1 ? 's' : ''} ${added.map((c) => `"${c}"`).join(', ')} that ${target} lacks; ` +
          'run with --full-refresh to rebuild the table with the new columns',
      );
    }
    await assertUniqueKey(tx, TEMP, columns, model, file);
    if (model.uniqueKey.length) {
      const match = model.uniqueKey.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
      await tx.query(`DELETE FROM ${target} t USING ${TEMP} s WHERE ${match}`);
    }
    // By name: the model's column order need not match the table's. Table columns the model no
    // longer has get their default (null) in the new rows.
    const list = columns.map(quoteIdent).join(', ');
    const inserted = await tx.query(`INSERT INTO ${target} (${list}) SELECT ${list} FROM ${TEMP}`);
    return { action: model.uniqueKey.length ? 'merge' : 'append', rows: inserted.rowCount };
  });
}
