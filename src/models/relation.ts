/**
 * Catalog look-ups and DDL helpers the materializations share: what a relation is, the schema it
 * lives in, and the side names a rebuild parks tables under.
 */
import { quoteIdent, quoteQualified } from '../db/quote';
import type { Queryable } from '../warehouse/warehouse';
import { SluiceError } from '../errors/errors';
import { MAX_IDENT_BYTES } from './sql-values';
import { SIDE_SUFFIXES } from './targets';

export type RelationKind = 'table' | 'view' | 'materialized view' | 'foreign table';

const KINDS: Record<string, RelationKind> = { r: 'table', p: 'table', v: 'view', m: 'materialized view', f: 'foreign table' };

export interface SchemaState {
  readonly schemaExists: boolean;
  /** Kind of each asked-for name in the schema (absent: no such relation). */
  readonly kinds: ReadonlyMap<string, RelationKind>;
}

/** One round trip: does the schema exist, and what are these relations in it. */
export async function lookupRelations(q: Queryable, schema: string, names: readonly string[]): Promise<SchemaState> {
  const r = await q.query<{ relname: string | null; relkind: string | null; schema_exists: boolean }>(
    `SELECT c.relname, c.relkind, EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists
       FROM (SELECT 1) one
       LEFT JOIN pg_namespace n ON n.nspname = $1
       LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = ANY($2::text[])`,
    [schema, names],
  );
  const kinds = new Map<string, RelationKind>();
  for (const row of r.rows) if (row.relname && row.relkind) kinds.set(row.relname, KINDS[row.relkind] ?? 'table');
  return { schemaExists: r.rows[0]?.schema_exists ?? false, kinds };
}

export async function relationKind(q: Queryable, schema: string, name: string): Promise<RelationKind | undefined> {
  return (await lookupRelations(q, schema, [name])).kinds.get(name);
}

/**
 * Creates the schema unless it exists. Looking first (rather than `CREATE SCHEMA IF NOT EXISTS`
 * alone) spares a role without CREATE on the database; and two models creating the same schema
 * at once race on pg_namespace's unique index, which only means someone else won.
 */
export async function ensureSchema(q: Queryable, schema: string, known?: SchemaState): Promise<void> {
  if (known?.schemaExists) return;
  try {
    await q.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw e;
  }
}

/** `DROP <kind> … CASCADE` for a relation of a known kind (DROP TABLE refuses a view and vice versa). */
export function dropStatement(schema: string, name: string, kind: RelationKind): string {
  return `DROP ${kind.toUpperCase()} IF EXISTS ${quoteQualified(schema, name)} CASCADE`;
}

/** `ALTER <kind> … RENAME TO …`. */
export function renameStatement(schema: string, name: string, kind: RelationKind, to: string): string {
  return `ALTER ${kind.toUpperCase()} ${quoteQualified(schema, name)} RENAME TO ${quoteIdent(to)}`;
}

/**
 * The name a rebuild parks a relation under (`orders__sluice_new`). Model names are limited so
 * that it fits in 63 bytes (targets.ts); a name that does not is refused rather than cut, since
 * Postgres would truncate it and two models could share a side table.
 */
export function sideName(name: string, tag: 'new' | 'old'): string {
  const side = name + SIDE_SUFFIXES[tag];
  if (Buffer.byteLength(side) > MAX_IDENT_BYTES) {
    throw new SluiceError('MODEL_INVALID', `model name "${name}" is too long for its side name "${side}" (${Buffer.byteLength(side)} bytes; Postgres identifiers hold at most ${MAX_IDENT_BYTES})`);
  }
  return side;
}

/** Column names, in order, of each relation (given as quoted, qualified names); empty for a missing one. */
export async function columnsOf(q: Queryable, relations: readonly string[]): Promise<string[][]> {
  const r = await q.query<{ cols: string[] }>(
    `SELECT (SELECT coalesce(array_agg(attname::text ORDER BY attnum), '{}') FROM pg_attribute
              WHERE attrelid = to_regclass(u.rel) AND attnum > 0 AND NOT attisdropped) AS cols
       FROM unnest($1::text[]) WITH ORDINALITY AS u(rel, i) ORDER BY u.i`,
    [relations],
  );
  return r.rows.map((row) => row.cols);
}
