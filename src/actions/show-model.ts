import type { Database } from '../db/database';
import { compileModel } from '../models/compile';
import { defaultFile, modelFailure } from '../models/model-error';
import { loadProject } from '../models/project';
import type { RunContext } from '../models/types';
import { readOnlyQuery, type QueryRows } from './read-only-query';

/** What `dbt show` previews by default. */
export const SHOW_LIMIT = 5;

/**
 * `sluice models show`: compiles one model (as `models compile` does, `is_incremental` false) and
 * reads the first rows of its SELECT, read-only; nothing is built. A Postgres error names the model
 * file and line.
 */
export async function showModel(
  db: Database,
  root: string,
  name: string,
  ctx: RunContext,
  limit = SHOW_LIMIT,
): Promise<QueryRows> {
  const model = compileModel(loadProject(root), name, ctx, { isIncremental: false });
  try {
    return await readOnlyQuery(db, model.sql, limit);
  } catch (e) {
    throw modelFailure(model, defaultFile(model), e, '');
  }
}
