import { loadProject } from '../models/project';
import { otherTables } from './preflight';
import { expectationType } from './registry';
import type { Suite } from './types';

export type TableResolver = (table: string) => string;

/**
 * Resolves suites' tables to plain `schema.table`: given so, or a model name looked up in the
 * models project (`stg_orders` → `staging.stg_orders`), which is loaded once, on the first model
 * name. An unknown model name stays as written, and the validation reports the missing table.
 */
export function tableResolver(projectRoot: string): TableResolver {
  let models: Map<string, string> | undefined;
  return (table) => {
    if (table.includes('.')) return table;
    if (!models) {
      try {
        models = new Map(
          [...loadProject(projectRoot).models.values()].map((m) => [m.name, `${m.config.schema}.${m.name}`]),
        );
      } catch {
        models = new Map(); // a broken project is reported by the models' own tasks
      }
    }
    return models.get(table) ?? table;
  };
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
