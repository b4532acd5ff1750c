import path from 'node:path';
import type { Config } from '../config/config';
import { runSuite } from '../checks/run-suite';
import { tableResolver } from '../checks/suite-table';
import type { ValidationResult } from '../checks/types';
import { commandRunContext } from '../models/run-context';
import type { Warehouse } from '../db/queryable';

/**
 * `sluice expectations validate` (and, later, the web UI's "validate now"): a suite validated
 * against the given day (default today, UTC), kept with its Data Docs page.
 */
export async function validateSuiteNow(
  wh: Warehouse,
  cfg: Pick<Config, 'expectationsDir' | 'projectRoot' | 'dataDocsDir'>,
  name: string,
  date?: string,
): Promise<{ result: ValidationResult; page: string }> {
  const rc = commandRunContext(date, undefined);
  return runSuite(wh, {
    file: path.join(cfg.expectationsDir, `${name}.json`),
    resolveTable: tableResolver(cfg.projectRoot),
    docsDir: cfg.dataDocsDir,
    macros: {
      ds: rc.ds,
      dataIntervalStart: rc.dataIntervalStart,
      dataIntervalEnd: rc.dataIntervalEnd,
      dagId: 'cli',
      runId: 'cli',
    },
  });
}
