import { SluiceError } from '../errors/errors';
import type { Queryable } from '../db/queryable';
import { recentRunNames, runByName, type RunRow } from '../state/run-listing';
import { didYouMean } from '../util/did-you-mean';

/** The DAG's run with this name, or a RUN_NOT_FOUND error with the closest run name. */
export async function findRun(db: Queryable, dagId: string, runId: string): Promise<RunRow> {
  const run = await runByName(db, dagId, runId);
  if (run) return run;
  throw new SluiceError(
    'RUN_NOT_FOUND',
    `DAG "${dagId}" has no run "${runId}"${didYouMean(runId, await recentRunNames(db, dagId))}; see \`sluice runs list --dag ${dagId}\``,
  );
}
