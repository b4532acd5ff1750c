import type { Warehouse } from '../db/queryable';
import { runSeeds, type SeedOutcome, type SeedRequest } from '../models/seeds/run-seeds';

/** `sluice seed` (and, later, the web UI's "load seeds"): the project's seeds into their tables. */
export function seedProject(wh: Warehouse, projectRoot: string, req: SeedRequest = {}): Promise<SeedOutcome[]> {
  return runSeeds(wh, projectRoot, req);
}
