import { SluiceError } from '../errors/errors';
import { quoteIdent, quoteLiteral, quoteQualified } from '../db/quote';
import { POSTGRES_TYPES, type ColumnSpec } from '../lake/column-spec';
import type { Queryable } from '../db/queryable';

export interface RawTable {
  readonly schema: string;
  readonly table: string;
}

/** What to do when an object carries a column the table lacks. */
export type NewColumnPolicy = 'error' | 'add';

export function qualified(t: RawTable): string {
  return quoteQualified(t.schema, t.table);
}

/**
 * Creates the raw table if it is missing, or checks an existing one: a column of another type is
 * an error; a new column is an error or added, per `policy`. Raw tables are partitioned by the lake
 * partition they came from (`_partition`, e.g. `dt=2026-03-01` or `dt=2026-03-01/hr=05`): a load
 * builds the partition's table on the side and swaps it in (see `swapPartition`), so replacing a day
 * deletes nothing row by row, and the bookkeeping columns get constant defaults per load instead of
 * an expression evaluated for every row.
 */
export async function ensureRawTable(
  q: Queryable,
  t: RawTable,
  columns: readonly ColumnSpec[],
  policy: NewColumnPolicy,
  object: string,
): Promise<void> {
  const existing = await q.query<{ column_name: string; data_type: string; partitioned: boolean }>(
    `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type, c.relkind = 'p' AS partitioned
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [t.schema, t.table],
  );
  if (!existing.rows.length) {
    const cols = columns.map(
      (c) => `${quoteIdent(c.name)} ${POSTGRES_TYPES[c.type]}${c.nullable === false ? ' NOT NULL' : ''}`,
    );
    await createSchemaInTransaction(q, t.schema);
    await q.query(
      `CREATE TABLE ${qualified(t)} (
         ${[
           ...cols,
           '_ds date NOT NULL',
           '_partition text NOT NULL',
           '_source_object text NOT NULL',
           '_loaded_at timestamptz NOT NULL DEFAULT now()',
         ].join(',\n         ')}
       ) PARTITION BY LIST (_partition)`,
    );
    return;
  }
  if (!existing.rows[0].partitioned) {
    throw new SluiceError(
      'LOAD_FAILED',
      `${t.schema}.${t.table} exists but is not a Sluice raw table (partitioned by _partition); rename or drop it`,
    );
  }
  const types = new Map(existing.rows.map((r) => [r.column_name, r.data_type]));
  const problems: string[] = [];
  const added: ColumnSpec[] = [];
  for (const c of columns) {
    const have = types.get(c.name);
    if (have === undefined) added.push(c);
    else if (have !== POSTGRES_TYPES[c.type])
      problems.push(
        `column "${c.name}" is ${c.type} (${POSTGRES_TYPES[c.type]}) in the object but ${have} in the table`,
      );
  }
  if (added.length && policy === 'error') {
    problems.push(
      ...added.map((c) => `new column "${c.name}" (${c.type}) is not in the table (set onNewColumn: 'add' to add it)`),
    );
  }
  if (problems.length) {
    throw new SluiceError(
      'LOAD_FAILED',
      `${object} does not fit ${t.schema}.${t.table}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  for (const c of added)
    await q.query(`ALTER TABLE ${qualified(t)} ADD COLUMN ${quoteIdent(c.name)} ${POSTGRES_TYPES[c.type]}`);
}

/**
 * CREATE SCHEMA IF NOT EXISTS is not safe against itself: two transactions creating the same
 * schema at once (the first loads of two sources) collide on pg_namespace's unique index, and
 * inside a load's transaction that error cannot be caught. So the creators queue on an advisory
 * lock and look again once they hold it.
 */
async function createSchemaInTransaction(q: Queryable, schema: string): Promise<void> {
  const exists = async () =>
    (
      await q.query<{ found: boolean }>(`SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS found`, [
        schema,
      ])
    ).rows[0].found;
  if (await exists()) return;
  await q.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`sluice.create-schema:${schema}`]);
  if (!(await exists())) await q.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
}

/** The side table a load fills: shaped like the raw table, with this partition's constants as defaults. */
export async function createSideTable(q: Queryable, t: RawTable, partition: string, ds: string): Promise<RawTable> {
  const side = { schema: t.schema, table: partitionTableName(t.table, partition, '__new') };
  await q.query(`DROP TABLE IF EXISTS ${qualified(side)}`);
  await q.query(`CREATE TABLE ${qualified(side)} (LIKE ${qualified(t)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
  await q.query(
    `ALTER TABLE ${qualified(side)} ALTER COLUMN _ds SET DEFAULT ${quoteLiteral(ds)}::date,
       ALTER COLUMN _partition SET DEFAULT ${quoteLiteral(partition)},
       ADD CHECK (_partition = ${quoteLiteral(partition)})`,
  );
  return side;
}

/** Which object the next rows come from (a constant default, so COPY fills it for free). */
export async function setSourceObject(q: Queryable, side: RawTable, objectRef: string): Promise<void> {
  await q.query(`ALTER TABLE ${qualified(side)} ALTER COLUMN _source_object SET DEFAULT ${quoteLiteral(objectRef)}`);
}

/**
 * Replaces the partition with the side table in the load's transaction: readers see the old rows
 * or the new ones, never neither. Returns how many rows the old partition had.
 */
export async function swapPartition(q: Queryable, t: RawTable, side: RawTable, partition: string): Promise<number> {
  const old = { schema: t.schema, table: partitionTableName(t.table, partition, '') };
  const exists = (await q.query<{ found: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS found`, [qualified(old)]))
    .rows[0].found;
  let replaced = 0;
  if (exists) {
    replaced = Number((await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualified(old)}`)).rows[0].n);
    await q.query(`ALTER TABLE ${qualified(t)} DETACH PARTITION ${qualified(old)}`);
    await q.query(`DROP TABLE ${qualified(old)}`);
  }
  await q.query(`ALTER TABLE ${qualified(side)} RENAME TO ${quoteIdent(old.table)}`);
  await q.query(
    `ALTER TABLE ${qualified(t)} ATTACH PARTITION ${qualified(old)} FOR VALUES IN (${quoteLiteral(partition)})`,
  );
  return replaced;
}

/**
 * A whole-table (snapshot) load: every partition but `keep` is detached and dropped in the load's
 * transaction, so the table holds only the snapshot just loaded. Returns how many rows they had.
 */
export async function dropOtherPartitions(q: Queryable, t: RawTable, keep: string): Promise<number> {
  const kept = partitionTableName(t.table, keep, '');
  const others = (
    await q.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE i.inhparent = to_regclass($1) ORDER BY c.relname`,
      [qualified(t)],
    )
  ).rows.filter((r) => !(r.schema === t.schema && r.name === kept));
  let dropped = 0;
  for (const o of others) {
    const part = { schema: o.schema, table: o.name };
    dropped += Number((await q.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualified(part)}`)).rows[0].n);
    await q.query(`ALTER TABLE ${qualified(t)} DETACH PARTITION ${qualified(part)}`);
    await q.query(`DROP TABLE ${qualified(part)}`);
  }
  return dropped;
}

/** `orders__dt_2026_03_01` (`…__hr_05` for hours); long names are cut and keep a hash so they stay unique. */
export function partitionTableName(table: string, partition: string, suffix: string): string {
  const tail = `__${partition.replace(/[^A-Za-z0-9]+/g, '_')}${suffix}`;
  if (table.length + tail.length <= 63) return table + tail;
  let h = 0;
  for (const ch of table) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `${table.slice(0, 63 - tail.length - 9)}_${h.toString(16).padStart(8, '0')}${tail}`;
}
