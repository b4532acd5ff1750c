/**
 * The tables a suite reads, from pg_catalog in one query: columns in order with their types, and the
 * primary key (shown with sample rows). Names match exactly, as Sluice quotes every identifier; a
 * name without a schema is looked up along the search_path.
 */
import { quoteQualified } from '../db/quote';
import type { Queryable } from '../db/queryable';

export interface ColumnInfo {
  readonly name: string;
  /** As Postgres formats it, with modifiers: `character varying(20)`, `numeric(10,2)`. */
  readonly type: string;
  /** Without modifiers (`character varying`): what literals are cast to. */
  readonly baseType: string;
  /** pg_type.typcategory: N numeric, S string, D date/time, B boolean, … */
  readonly category: string;
}

export interface TableInfo {
  readonly ref: string;
  readonly schema: string;
  readonly name: string;
  /** `"schema"."name"`. */
  readonly sql: string;
  readonly columns: readonly ColumnInfo[];
  readonly byName: ReadonlyMap<string, ColumnInfo>;
  /** Primary key columns in key order (empty without one). */
  readonly key: readonly string[];
}

/** `schema.table` or `table`; undefined when it is neither. */
export function splitTableRef(ref: string): { schema?: string; name: string } | undefined {
  const parts = ref.split('.');
  if (parts.some((p) => p === '') || parts.length > 2) return undefined;
  return parts.length === 2 ? { schema: parts[0], name: parts[1] } : { name: parts[0] };
}

const CATALOG_SQL = `
WITH want AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) AS w(ref, sch, rel))
SELECT w.ref, c.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type,
       format_type(a.atttypid, NULL) AS base_type, ty.typcategory AS category,
       array_position(ix.indkey::int2[], a.attnum) AS key_pos
FROM want w
LEFT JOIN LATERAL (
  SELECT c.oid, c.relname, n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relname = w.rel AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
    AND CASE WHEN w.sch IS NULL THEN n.nspname = ANY (current_schemas(false)) ELSE n.nspname = w.sch END
  ORDER BY array_position(current_schemas(false), n.nspname) NULLS LAST LIMIT 1
) c ON true
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_type ty ON ty.oid = a.atttypid
LEFT JOIN pg_index ix ON ix.indrelid = c.oid AND ix.indisprimary
ORDER BY w.ref, a.attnum`;

interface Row {
  ref: string;
  nspname: string | null;
  relname: string | null;
  attname: string | null;
  type: string;
  base_type: string;
  category: string;
  key_pos: number | null;
}

/** Every table in `refs` (well-formed refs only), undefined where it does not exist. */
export async function readCatalog(q: Queryable, refs: readonly string[]): Promise<Map<string, TableInfo | undefined>> {
  const wanted = [...new Set(refs)].map((ref) => ({ ref, parts: splitTableRef(ref) })).filter((w) => w.parts);
  const out = new Map<string, TableInfo | undefined>();
  if (!wanted.length) return out;
  const { rows } = await q.query<Row>(CATALOG_SQL, [
    wanted.map((w) => w.ref),
    wanted.map((w) => w.parts!.schema ?? null),
    wanted.map((w) => w.parts!.name),
  ]);
  for (const w of wanted) {
    const mine = rows.filter((r) => r.ref === w.ref);
    const first = mine[0];
    if (!first?.relname || !first.nspname) {
      out.set(w.ref, undefined);
      continue;
    }
    const columns = mine
      .filter((r) => r.attname !== null)
      .map((r) => ({ name: r.attname!, type: r.type, baseType: r.base_type, category: r.category }));
    const key = mine
      .filter((r) => r.key_pos !== null)
      .sort((a, b) => a.key_pos! - b.key_pos!)
      .map((r) => r.attname!);
    out.set(w.ref, {
      ref: w.ref,
      schema: first.nspname,
      name: first.relname,
      sql: quoteQualified(first.nspname, first.relname),
      columns,
      byName: new Map(columns.map((c) => [c.name, c])),
      key,
    });
  }
  return out;
}
