import { loadProject } from '../models/project';
import { otherTables } from './preflight';
import { expectationType } from './registry';
import type { Suite } from './types';

/**
 * A suite's table as a plain `schema.table`: given so, or a model name looked up in the models
 * project (`stg_orders` → `staging.stg_orders`). An unknown model name stays as written, and the
 * validation reports the missing table.
 */
export function resolveSuiteTable(table: string, projectRoot: string): string {
  if (table.includes('.')) return table;
  try {
    const m = loadProject(projectRoot).models.get(table);
    return m ? `${m.config.schema}.${m.name}` : table;
  } catch {
    return table;
  }
}

/** Every table a suite reads (its own and the ones its expectations name), as `schema.table`. */
export function suiteTables(suite: Suite, projectRoot: string): string[] {
  const others = otherTables(suite.expectations.flatMap((e) => {
    const type = expectationType(e.type);
    return type ? [{ type, kwargs: e.kwargs }] : [];
  }));
  return [...new Set([suite.table, ...others].map((t) => resolveSuiteTable(t, projectRoot).toLowerCase()))];
}
