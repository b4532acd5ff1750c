/**
 * Catalog look-ups and DDL helpers the materializations share: what a relation is and who built
 * it, the schema it lives in, and the side names a rebuild parks tables under.
 */
import { quoteIdent, quoteLiteral, quoteQualified } from '../db/quote';
import type { Queryable } from '../db/queryable';
import { SluiceError } from '../errors/errors';
import { MAX_IDENT_BYTES } from './template/sql-values';

/** Names a table rebuild parks relations under; no model may be called so (targets.ts). */
export const SIDE_SUFFIXES = { new: '__sluice_new', old: '__sluice_old' } as const;

export type RelationKind = 'table' | 'view' | 'materialized view' | 'foreign table';

const KINDS: Record<string, RelationKind> = {
  r: 'table',
  p: 'table',
  v: 'view',
  m: 'materialized view',
  f: 'foreign table',
};

/** What the catalog says of one relation: enough to decide whether a model may replace it. */
export interface RelationInfo {
  readonly kind: RelationKind;
  /** The model file that built it (its COMMENT marker, see ownership.ts); undefined: no model built it. */
  readonly builtBy?: string;
  /** The role owning it. */
  readonly owner: string;
  /** A raw table as loads make it (partitioned, with `_source_object`). */
  readonly rawLoad: boolean;
  /** Something besides its own parts depends on it (a view, a foreign key, …). */
  readonly hasDependents: boolean;
}

export interface SchemaState {
  readonly schemaExists: boolean;
  /** Kind of each asked-for name in the schema (absent: no such relation). */
  readonly kinds: ReadonlyMap<string, RelationKind>;
  readonly relations: ReadonlyMap<string, RelationInfo>;
}

/** One round trip: does the schema exist, and what are these relations in it (kind, who built and owns them, dependents). */
export async function lookupRelations(q: Queryable, schema: string, names: readonly string[]): Promise<SchemaState> {
  const r = await q.query<{
    relname: string | null;
    relkind: string | null;
    owner: string | null;
    note: string | null;
    raw_load: boolean | null;
    has_dependents: boolean | null;
    schema_exists: boolean;
  }>(
    `SELECT c.relname, c.relkind, pg_get_userbyid(c.relowner) AS owner, obj_description(c.oid, 'pg_class') AS note,
            c.relkind = 'p' AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = '_source_object' AND NOT a.attisdropped) AS raw_load,
            EXISTS (SELECT 1 FROM pg_depend d
                     WHERE d.deptype = 'n' AND (d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid OR d.refclassid = 'pg_type'::regclass AND d.refobjid = c.reltype)
                       AND NOT (d.classid = 'pg_rewrite'::regclass AND EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.oid = d.objid AND w.ev_class = c.oid))) AS has_dependents,
            EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS schema_exists
       FROM (SELECT 1) one
       LEFT JOIN pg_namespace n ON n.nspname = $1
       LEFT JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = ANY($2::text[])`,
    [schema, names],
  );
  const kinds = new Map<string, RelationKind>();
  const relations = new Map<string, RelationInfo>();
  for (const row of r.rows) {
    if (!row.relname || !row.relkind) continue;
    const kind = KINDS[row.relkind] ?? 'table';
    kinds.set(row.relname, kind);
    const builtBy = modelOfMarker(row.note);
    relations.set(row.relname, {
      kind,
      ...(builtBy ? { builtBy } : {}),
      owner: row.owner ?? '?',
      rawLoad: row.raw_load === true,
      hasDependents: row.has_dependents === true,
    });
  }
  return { schemaExists: r.rows[0]?.schema_exists ?? false, kinds, relations };
}

/**
 * How Sluice marks what a model built: a COMMENT on the relation, `sluice:model <file>`, set in
 * the transaction that makes the relation appear under its name. A comment belongs to the
 * relation itself (its oid): a table a person creates under the same name later has none, it
 * survives renames (the table swap) and dump/restore, it works the same on Postgres and PGlite,
 * and it is read in the catalog query above at no extra cost. A relation without it is never
 * dropped or written by a model.
 */
export const MODEL_MARKER = 'sluice:model ';

export function modelOfMarker(note: string | null | undefined): string | undefined {
  return note && note.startsWith(MODEL_MARKER) ? note.slice(MODEL_MARKER.length) : undefined;
}

export function markStatement(schema: string, name: string, kind: 'table' | 'view', file: string): string {
  return `COMMENT ON ${kind.toUpperCase()} ${quoteQualified(schema, name)} IS ${quoteLiteral(MODEL_MARKER + file)}`;
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

/**
 * `DROP <kind> …` for a relation of a known kind (DROP TABLE refuses a view and vice versa).
 * Never CASCADE: what depends on a relation is dropped and rebuilt explicitly (dependents.ts), so
 * anything else that depends on it makes the drop fail instead of vanishing with it.
 */
export function dropStatement(schema: string, name: string, kind: RelationKind): string {
  return `DROP ${kind.toUpperCase()} IF EXISTS ${quoteQualified(schema, name)}`;
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
    throw new SluiceError(
      'MODEL_INVALID',
      `model name "${name}" is too long for its side name "${side}" (${Buffer.byteLength(side)} bytes; Postgres identifiers hold at most ${MAX_IDENT_BYTES})`,
    );
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

/** The columns of a table or view and their types as Postgres names them (no modifiers: `numeric`, `timestamp with time zone`). */
export async function columnTypes(q: Queryable, schema: string, name: string): Promise<Map<string, string>> {
  const r = await q.query<{ name: string; type: string }>(
    `SELECT a.attname AS name, format_type(a.atttypid, NULL) AS type
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [schema, name],
  );
  return new Map(r.rows.map((x) => [x.name, x.type]));
}
