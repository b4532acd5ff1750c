import { SluiceError } from '../errors/errors';
import { quoteIdent, quoteLiteral, quoteQualified } from '../db/quote';
import type { ColumnSpec, ColumnType } from '../ingest/types';
import type { Queryable } from './warehouse';

export interface RawTable {
  readonly schema: string;
  readonly table: string;
}

/** What to do when an object carries a column the table lacks. */
export type NewColumnPolicy = 'error' | 'add';

const PG_TYPE: Readonly<Record<ColumnType, string>> = {
  text: 'text', integer: 'integer', bigint: 'bigint', numeric: 'numeric', double: 'double precision', boolean: 'boolean',
  date: 'date', timestamp: 'timestamp without time zone', timestamptz: 'timestamp with time zone', jsonb: 'jsonb',
};

/** Bookkeeping columns every raw table gets; their defaults read the loading transaction's settings. */
export const LOAD_COLUMNS = ['_ds', '_source_object', '_loaded_at'] as const;

export function qualified(t: RawTable): string {
  return quoteQualified(t.schema, t.table);
}

/**
 * Creates the raw table from the object's columns if it is missing, or checks an existing one:
 * a column of another type is an error; a new column is an error or added, per `policy`.
 * `_ds` and `_source_object` default to transaction-local settings, so COPY can fill them
 * without rewriting each row (see `setLoadContext`).
 */
export async function ensureRawTable(q: Queryable, t: RawTable, columns: readonly ColumnSpec[], policy: NewColumnPolicy, object: string): Promise<void> {
  const existing = await q.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2`,
    [t.schema, t.table],
  );
  if (!existing.rows.length) {
    const cols = columns.map((c) => `${quoteIdent(c.name)} ${PG_TYPE[c.type]}${c.nullable === false ? ' NOT NULL' : ''}`);
    await q.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(t.schema)}`);
    await q.query(
      `CREATE TABLE ${qualified(t)} (
         ${[...cols,
          `_ds date NOT NULL DEFAULT current_setting('sluice.load_ds')::date`,
          `_source_object text NOT NULL DEFAULT current_setting('sluice.load_object')`,
          `_loaded_at timestamptz NOT NULL DEFAULT now()`].join(',\n         ')}
       )`,
    );
    await q.query(`CREATE INDEX ${quoteIdent(`${t.table}__ds`)} ON ${qualified(t)} (_ds)`);
    return;
  }
  const types = new Map(existing.rows.map((r) => [r.column_name, r.data_type]));
  const problems: string[] = [];
  const added: ColumnSpec[] = [];
  for (const c of columns) {
    const have = types.get(c.name);
    if (have === undefined) added.push(c);
    else if (have !== PG_TYPE[c.type]) problems.push(`column "${c.name}" is ${c.type} (${PG_TYPE[c.type]}) in the object but ${have} in the table`);
  }
  if (added.length && policy === 'error') {
    problems.push(...added.map((c) => `new column "${c.name}" (${c.type}) is not in the table (set onNewColumn: 'add' to add it)`));
  }
  if (problems.length) {
    throw new SluiceError('LOAD_FAILED', `${object} does not fit ${t.schema}.${t.table}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  for (const c of added) await q.query(`ALTER TABLE ${qualified(t)} ADD COLUMN ${quoteIdent(c.name)} ${PG_TYPE[c.type]}`);
}

/** Sets, for this transaction only, the partition and object the bookkeeping columns record. */
export async function setLoadContext(q: Queryable, ds: string, objectRef: string): Promise<void> {
  await q.query(`SELECT set_config('sluice.load_ds', $1, true), set_config('sluice.load_object', $2, true)`, [ds, objectRef]);
}

/** Removes a partition's rows before it is loaded again, so a re-run never doubles them. */
export async function deletePartition(q: Queryable, t: RawTable, ds: string): Promise<number> {
  const r = await q.query(`DELETE FROM ${qualified(t)} WHERE _ds = ${quoteLiteral(ds)}::date`);
  return r.rowCount;
}
