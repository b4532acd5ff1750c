import { recordEvent } from '../state/events';
import type { Warehouse } from '../db/queryable';
import { writeIndexPage, writeValidationPage } from './data-docs';
import { setValidationDocsPath, storeValidation, type ValidationRun } from '../state/validations';
import type { ValidationResult } from './types';

/**
 * Keeps a validation: its rows in the platform schema, a Data Docs page and the refreshed index,
 * and an event when the gate closed (check_failed) or warnings were raised (check_warned), for
 * alerts to pick up. Returns the page path (relative to `docsDir`).
 */
export async function recordValidation(
  wh: Warehouse,
  v: ValidationResult,
  docsDir: string,
  run?: ValidationRun,
): Promise<{ id: number; page: string }> {
  const id = await wh.transaction(async (tx) => {
    const vid = await storeValidation(tx, v, run);
    const failed = v.results.filter((r) => !r.success);
    if (failed.length) {
      const errors = failed.filter((r) => r.severity === 'error');
      await recordEvent(tx, {
        kind: errors.length ? 'check_failed' : 'check_warned',
        dagId: run?.dagId,
        taskId: run?.taskId,
        message: errors.length
          ? `${v.suite} failed on ${v.table}: ${errors.length} error(s), ${v.warnings} warning(s); first: ${errors[0].summary}`
          : `${v.suite} passed on ${v.table} with ${v.warnings} warning(s); first: ${failed[0].summary}`,
        payload: {
          validationId: vid,
          suite: v.suite,
          failed: failed.map((r) => ({ index: r.index, type: r.type, severity: r.severity, summary: r.summary })),
        },
      });
    }
    return vid;
  });
  const page = writeValidationPage(docsDir, id, v, run ? `${run.dagId} ${run.runId}` : undefined);
  await setValidationDocsPath(wh, id, page);
  await writeIndexPage(docsDir, wh);
  return { id, page };
}
