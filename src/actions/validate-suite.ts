import path from 'node:path';
import type { Config } from '../config/config';
import { isSluiceError, SluiceError, ValidationError } from '../errors/errors';
import { runSuite } from '../checks/run-suite';
import { noSuite, suiteNames } from '../checks/suite-file';
import { tableResolver } from '../checks/suite-table';
import type { ValidationResult } from '../checks/types';
import { commandRunContext } from '../models/run-context';
import type { Warehouse } from '../db/queryable';

/** One suite's validation, or why it could not run (an invalid suite, a missing table: a SluiceError). */
export type SuiteOutcome =
  | { readonly suite: string; readonly result: ValidationResult; readonly page: string }
  | { readonly suite: string; readonly error: SluiceError };

/**
 * `sluice expectations validate [suites...]` (as `dbt test`; later the web UI's "validate now"):
 * suites (see `chooseSuites`) validated one after another against the given day (default today,
 * UTC), each kept with its Data Docs page. A suite that cannot run is reported and the others still run.
 */
export async function validateSuitesNow(
  wh: Warehouse,
  cfg: Pick<Config, 'expectationsDir' | 'projectRoot' | 'dataDocsDir'>,
  names: readonly string[],
  date?: string,
  onSuite: (o: SuiteOutcome) => void = () => undefined,
): Promise<SuiteOutcome[]> {
  const dir = path.resolve(cfg.expectationsDir);
  const rc = commandRunContext(date, undefined);
  const resolveTable = tableResolver(cfg.projectRoot);
  const outcomes: SuiteOutcome[] = [];
  for (const name of names) {
    let outcome: SuiteOutcome;
    try {
      const { result, page } = await runSuite(wh, {
        file: path.join(dir, `${name}.json`),
        resolveTable,
        docsDir: cfg.dataDocsDir,
        macros: {
          ds: rc.ds,
          dataIntervalStart: rc.dataIntervalStart,
          dataIntervalEnd: rc.dataIntervalEnd,
          dagId: 'cli',
          runId: 'cli',
        },
      });
      outcome = { suite: name, result, page };
    } catch (e) {
      // The suite's own mistake is its outcome; a lost database or a bug ends the command.
      if (!isSluiceError(e) || e.code !== 'CHECK_INVALID') throw e;
      outcome = { suite: name, error: e };
    }
    outcomes.push(outcome);
    onSuite(outcome);
  }
  return outcomes;
}

/** The names asked for (each once), or every suite in the folder; every unknown name at once, before anything runs. */
export function chooseSuites(expectationsDir: string, names: readonly string[]): string[] {
  const dir = path.resolve(expectationsDir);
  const known = suiteNames(dir);
  if (!names.length) {
    if (!known.length) throw new SluiceError('CHECK_INVALID', `no expectation suites in ${dir} (no *.json files)`);
    return known;
  }
  const unknown = [...new Set(names)].filter((n) => !known.includes(n));
  if (unknown.length === 1) throw new SluiceError('CHECK_INVALID', noSuite(dir, unknown[0]));
  if (unknown.length)
    throw new ValidationError(
      'CHECK_INVALID',
      'expectations validate',
      unknown.map((n) => ({ message: noSuite(dir, n) })),
    );
  return [...new Set(names)];
}
