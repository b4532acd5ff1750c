/**
 * `sql/sources.yml`: the raw tables models read through `{{source "shop" "orders"}}`.
 *
 *   shop:                      # source name
 *     schema: raw              # optional, default raw
 *     tables:
 *       - customers            # → raw.shop_customers (the raw loader's raw.<source>_<dataset>)
 *       - name: orders
 *         identifier: orders_v2  # → raw.orders_v2
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isSeq } from 'yaml';
import type { Issue } from '../errors/errors';
import { quoteQualified } from '../db/quote';
import type { SourceTable } from './types';
import { lineIndex, normalizeNewlines } from '../util/text-position';
import { MAX_IDENT_BYTES } from './template/sql-values';
import { knownPairs, mapPairs, readString, readYaml, valueNode, type YamlReader } from './yaml-read';

export const SOURCES_FILE = 'sql/sources.yml';
export const DEFAULT_SOURCE_SCHEMA = 'raw';

/** Source name → table name → table. */
export type SourceCatalog = ReadonlyMap<string, ReadonlyMap<string, SourceTable>>;

/** Reads `<root>/sql/sources.yml`; no file means no sources. */
export function loadSources(root: string): { catalog: SourceCatalog; issues: readonly Issue[] } {
  const file = path.join(root, SOURCES_FILE);
  if (!existsSync(file)) return { catalog: new Map(), issues: [] };
  return parseSources(normalizeNewlines(readFileSync(file, 'utf8')), SOURCES_FILE);
}

/** `relation` is the quoted, qualified name (`"raw"."shop_orders"`), ready for SQL. */
export function parseSources(text: string, file: string): { catalog: SourceCatalog; issues: readonly Issue[] } {
  const { root, reader } = readYaml(text, 0, lineIndex(text), file);
  const catalog = new Map<string, Map<string, SourceTable>>();
  if (root === null || root === undefined) return { catalog, issues: reader.issues };
  for (const src of mapPairs(root, SOURCES_FILE, reader) ?? []) {
    const tables = new Map<string, SourceTable>();
    catalog.set(src.key, tables);
    const all = mapPairs(valueNode(src), `source ${src.key}`, reader);
    if (!all) continue;
    const pairs = knownPairs(all, ['schema', 'tables', 'description'], `source ${src.key}`, reader);
    const schemaPair = pairs.find((p) => p.key === 'schema');
    const schema =
      (schemaPair && readString(schemaPair, reader, `the schema of source ${src.key}`)) ?? DEFAULT_SOURCE_SCHEMA;
    const tablesPair = pairs.find((p) => p.key === 'tables');
    if (!tablesPair) {
      reader.fail(src.keyNode, `source ${src.key} needs tables: [ … ]`);
      continue;
    }
    if (!isSeq(tablesPair.value)) {
      reader.fail(valueNode(tablesPair), `tables of source ${src.key} must be a list`);
      continue;
    }
    for (const item of tablesPair.value.items) {
      const entry = readTable(item, src.key, reader);
      if (!entry) continue;
      if (tables.has(entry.name)) {
        reader.fail(item, `source ${src.key} lists table ${entry.name} twice`);
        continue;
      }
      const identifier = entry.identifier ?? `${src.key}_${entry.name}`;
      const long = [schema, identifier].find((n) => Buffer.byteLength(n) > MAX_IDENT_BYTES);
      if (long !== undefined) {
        reader.fail(
          long === schema && schemaPair ? valueNode(schemaPair) : item,
          `source ${src.key} table ${entry.name}: "${long.slice(0, 24)}…" is ${Buffer.byteLength(long)} bytes; Postgres identifiers hold at most ${MAX_IDENT_BYTES} bytes (a longer one is cut)`,
        );
        continue;
      }
      tables.set(entry.name, {
        source: src.key,
        table: entry.name,
        schema,
        identifier,
        relation: quoteQualified(schema, identifier),
      });
    }
  }
  return { catalog, issues: reader.issues };
}

/** A table entry: `orders` or `{ name: orders, identifier: orders_v2, description: … }`. */
function readTable(item: unknown, source: string, r: YamlReader): { name: string; identifier?: string } | undefined {
  const asPair = { key: `a table of source ${source}`, keyNode: item as never, value: item };
  if (!isMap(item))
    return readString(asPair, r) === undefined ? undefined : { name: String((item as { value: string }).value) };
  const pairs = knownPairs(
    mapPairs(item, `a table of source ${source}`, r) ?? [],
    ['name', 'identifier', 'description'],
    `a table of source ${source}`,
    r,
  );
  const namePair = pairs.find((p) => p.key === 'name');
  if (!namePair) return r.fail(item, `a table of source ${source} needs a name`);
  const name = readString(namePair, r, `the name of a table of source ${source}`);
  const idPair = pairs.find((p) => p.key === 'identifier');
  const identifier = idPair ? readString(idPair, r, `the identifier of table ${source}.${name ?? '?'}`) : undefined;
  return name === undefined ? undefined : { name, identifier };
}
