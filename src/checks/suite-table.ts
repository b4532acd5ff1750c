import { loadProject } from '../models/project';
import { loadSources, type SourceCatalog } from '../models/sources';
import { didYouMean, SUITE_HINTS } from '../util/did-you-mean';
import { expectationType } from './registry';
import { suiteIssue, type SuiteIssue } from './suite-file';
import type { Suite } from './types';

export interface TableResolver {
  /** The table a name in a suite means, as `schema.table` (as written when it names nothing of the project). */
  (table: string): string;
  /** Why a bare name (no schema) names no model, seed or source of the project; undefined when it names one, or has a schema. */
  unknown(table: string): string | undefined;
}

/**
 * The one rule for naming a table in a suite (`table`, `other_table`, `other_table_name`) and in the
 * checkpoint operator: a model or seed name (`stg_orders` → `staging.stg_orders`), a declared source table
 * (`shop.orders` → `raw.shop_orders`, as `{{source "shop" "orders"}}` reads it), or `schema.table` as
 * written. The project is read once, on the first name that needs it. A bare name that is no model or
 * seed is a mistake (`unknown` says why): a table outside the project is written with its schema.
 */
export function tableResolver(projectRoot: string): TableResolver {
  let models: { names: Map<string, string>; broken?: string } | undefined;
  let sources: SourceCatalog | undefined;
  const readAll = () => {
    models ??= readModels(projectRoot);
    sources ??= readSources(projectRoot);
    return { models, sources };
  };
  const resolve = (table: string): string => {
    const dot = table.indexOf('.');
    if (dot !== -1) {
      const declared = readAll()
        .sources.get(table.slice(0, dot))
        ?.get(table.slice(dot + 1));
      return declared ? `${declared.schema}.${declared.identifier}` : table;
    }
    return readAll().models.names.get(table) ?? table;
  };
  resolve.unknown = (table: string): string | undefined => {
    if (table.includes('.')) return undefined;
    const { models, sources } = readAll();
    if (models.names.has(table)) return undefined;
    const known = [
      ...models.names.keys(),
      ...[...sources].flatMap(([source, tables]) => [...tables.keys()].map((t) => `${source}.${t}`)),
    ];
    return (
      `table "${table}" is no model, seed or source${didYouMean(table, known, SUITE_HINTS)}` +
      (models.broken ? ` (the project's models do not load: ${models.broken})` : '') +
      `; a table outside the project is written schema.table, e.g. "public.${table}"`
    );
  };
  return resolve;
}

function readModels(projectRoot: string): { names: Map<string, string>; broken?: string } {
  try {
    const project = loadProject(projectRoot);
    return {
      names: new Map([
        ...[...project.seeds.values()].map((s) => [s.name, `${s.schema}.${s.name}`] as const),
        ...[...project.models.values()].map((m) => [m.name, `${m.config.schema}.${m.name}`] as const),
      ]),
    };
  } catch (e) {
    // A broken project is reported by the models' own tasks; here it only explains a name not found.
    return { names: new Map(), broken: (e as Error).message.split('\n')[0] };
  }
}

function readSources(projectRoot: string): SourceCatalog {
  try {
    return loadSources(projectRoot).catalog;
  } catch {
    return new Map(); // as above: sources.yml's own problems are reported where it is read
  }
}

/** Every table a suite names with the JSON pointer it is written at: its own, then those its expectations name. */
function namedTables(suite: Suite): Array<{ pointer: string; table: string }> {
  return [
    { pointer: '/table', table: suite.table },
    ...suite.expectations.flatMap((e, i) =>
      (expectationType(e.type)?.refs(e.kwargs) ?? []).flatMap((r) =>
        r.kind === 'table' ? [{ pointer: `/expectations/${i}/kwargs/${r.path}`, table: r.table }] : [],
      ),
    ),
  ];
}

/** Every table a suite reads (its own and the ones its expectations name), as `schema.table`. */
export function suiteTables(suite: Suite, resolve: TableResolver): string[] {
  return [...new Set(namedTables(suite).map((n) => resolve(n.table).toLowerCase()))];
}

/** Every table name of a suite that names nothing (see `TableResolver.unknown`), at its place in the file. */
export function unknownTables(suite: Suite, resolve: TableResolver): SuiteIssue[] {
  return namedTables(suite).flatMap(({ pointer, table }) => {
    const why = resolve.unknown(table);
    return why ? [suiteIssue(suite, pointer, why)] : [];
  });
}
