import { loadProject } from '../models/project';
import { loadSources, type SourceCatalog } from '../models/sources';
import { otherTables } from './preflight';
import { expectationType } from './registry';
import type { Suite } from './types';

export type TableResolver = (table: string) => string;

/**
 * The one rule for naming a table in a suite (`table`, `other_table`, `other_table_name`) and in the
 * checkpoint operator: a model or seed name (`stg_orders` → `staging.stg_orders`), a declared source table
 * (`shop.orders` → `raw.shop_orders`, as `{{source "shop" "orders"}}` reads it), or `schema.table` as
 * written. The project is read once, on the first name that needs it. A name that is none of these
 * stays as written, and the validation reports the missing table.
 */
export function tableResolver(projectRoot: string): TableResolver {
  let models: Map<string, string> | undefined;
  let sources: SourceCatalog | undefined;
  return (table) => {
    const dot = table.indexOf('.');
    if (dot !== -1) {
      sources ??= readSources(projectRoot);
      const declared = sources.get(table.slice(0, dot))?.get(table.slice(dot + 1));
      return declared ? `${declared.schema}.${declared.identifier}` : table;
    }
    models ??= readModels(projectRoot);
    return models.get(table) ?? table;
  };
}

function readModels(projectRoot: string): Map<string, string> {
  try {
    const project = loadProject(projectRoot);
    return new Map([
      ...[...project.seeds.values()].map((s) => [s.name, `${s.schema}.${s.name}`] as const),
      ...[...project.models.values()].map((m) => [m.name, `${m.config.schema}.${m.name}`] as const),
    ]);
  } catch {
    return new Map(); // a broken project is reported by the models' own tasks
  }
}

function readSources(projectRoot: string): SourceCatalog {
  try {
    return loadSources(projectRoot).catalog;
  } catch {
    return new Map(); // as above: sources.yml's own problems are reported where it is read
  }
}

/** Every table a suite reads (its own and the ones its expectations name), as `schema.table`. */
export function suiteTables(suite: Suite, resolve: TableResolver): string[] {
  const others = otherTables(
    suite.expectations.flatMap((e) => {
      const type = expectationType(e.type);
      return type ? [{ type, kwargs: e.kwargs }] : [];
    }),
  );
  return [...new Set([suite.table, ...others].map((t) => resolve(t).toLowerCase()))];
}
