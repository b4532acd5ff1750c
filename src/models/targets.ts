/**
 * What a model may build, as far as the project tells: not in Sluice's platform schema, a Postgres
 * system schema, or a schema that sources or loads own (`raw`, where loadToRaw loads by default,
 * and every schema sql/sources.yml names); and not under a name Postgres would cut to 63 bytes,
 * its side names (`<name>__sluice_new`/`_old`) and CTE name (`__ephemeral_<name>`) included.
 * What only the warehouse knows (a table a load or a person created) is checked at run time
 * (ownership.ts).
 */
import type { Issue } from '../errors/errors';
import { materializationOf } from './materializations/registry';
import { SIDE_SUFFIXES } from './relation';
import type { ModelNode } from './types';
import { DEFAULT_SOURCE_SCHEMA, SOURCES_FILE, type SourceCatalog } from './sources';
import { MAX_IDENT_BYTES } from './template/sql-values';

export const PLATFORM_SCHEMA = 'sluice';

/** Why models cannot be built in `schema` (undefined: they can). */
export function schemaOwner(schema: string, sources?: SourceCatalog): string | undefined {
  if (schema === PLATFORM_SCHEMA)
    return `it is Sluice's platform schema (scheduler state, run history, the ingestion log)`;
  if (/^pg_/i.test(schema) || schema === 'information_schema') return 'it is a Postgres system schema';
  const owners = new Set<string>();
  for (const [source, tables] of sources ?? [])
    for (const t of tables.values()) if (t.schema === schema) owners.add(source);
  if (owners.size)
    return `it holds the tables of source${owners.size > 1 ? 's' : ''} ${[...owners].map((s) => `"${s}"`).join(', ')} (${SOURCES_FILE}), which loads write`;
  if (schema === DEFAULT_SOURCE_SCHEMA) return `it is where loadToRaw loads raw tables by default`;
  return undefined;
}

export function targetIssues(models: Iterable<ModelNode>, sources: SourceCatalog): Issue[] {
  const issues: Issue[] = [];
  for (const m of models) {
    const at = { file: m.path, line: 1, column: 1 };
    const { materialized, schema } = m.config;
    const bytes = Buffer.byteLength(m.name);
    const kind = materializationOf(materialized);
    const max = kind.maxNameBytes;
    if (bytes > max) {
      const why = kind.nameLimitReason(m.name);
      issues.push({
        ...at,
        message: `model name "${m.name}" is ${bytes} bytes; a ${materialized} model's name may have at most ${max}: Postgres identifiers hold ${MAX_IDENT_BYTES} bytes${why} and a longer one is cut, so two names could collide. Rename the file`,
      });
    }
    const suffix = Object.values(SIDE_SUFFIXES).find((s) => m.name.endsWith(s));
    if (suffix)
      issues.push({
        ...at,
        message: `model name "${m.name}" ends with "${suffix}", which Sluice uses for tables being rebuilt; rename the file`,
      });
    if (Buffer.byteLength(schema) > MAX_IDENT_BYTES && !m.schemaAt) {
      issues.push({
        ...at,
        message: `schema "${schema}" (the model's folder) is ${Buffer.byteLength(schema)} bytes; Postgres identifiers hold at most ${MAX_IDENT_BYTES}`,
      });
    }
    if (kind.inlined) continue; // builds nothing
    const owner = schemaOwner(schema, sources);
    if (owner) {
      const where = m.schemaAt ? 'set by its config block' : `named by its folder sql/${schema}/`;
      issues.push({
        ...(m.schemaAt ?? at),
        message: `model "${m.name}" cannot be built in schema "${schema}" (${where}): ${owner}. Models write only what they own: put the model in a folder of its own (sql/staging/, sql/marts/, …) or set schema: in its config block`,
      });
    }
  }
  return issues;
}
