import path from 'node:path';
import type { KeptNotice } from '../actions/kept-notice';
import { failureLines } from '../scheduler/failure-text';
import type { TaskFailure } from '../scheduler/task-failure';

/** A path as the user typed it from here: relative when it is below the working folder. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Each failed task with its error, file:line, failed expectations and log tail, a blank line apart. */
export function failureBlocks(failures: readonly TaskFailure[]): string {
  return failures.map((f) => failureLines(f, shown).join('\n')).join('\n\n');
}

/** "land_people kept raw/…/part-0000.csv (3 rows), landed by an earlier run; …" for each task that kept one. */
export function keptLines(kept: readonly KeptNotice[]): string {
  return kept
    .map(
      (k) =>
        `${k.taskId} kept ${k.object} (${k.rows} rows), landed by an earlier run; to extract it again, run with ${k.reland}`,
    )
    .join('\n');
}

/** What `dags test` and each failed run of a backfill print under the task table. */
export function runNotes(r: {
  readonly failures: readonly TaskFailure[];
  readonly kept: readonly KeptNotice[];
}): string {
  return [keptLines(r.kept), failureBlocks(r.failures)].filter((s) => s !== '').join('\n\n');
}
