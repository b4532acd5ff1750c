import path from 'node:path';
import { closest } from '../util/did-you-mean';
import { SluiceError, formatIssue } from '../errors/errors';
import type { Queryable } from '../db/queryable';
import { activeDagIds, dagById, type DagRow } from '../state/dags';
import { importErrors, type ImportErrorListing } from '../state/import-errors';

/** The active DAG with this id and its latest structure, or a DAG_NOT_FOUND error with a hint. */
export async function findDag(db: Queryable, dagId: string): Promise<DagRow> {
  const row = await dagById(db, dagId);
  if (row?.is_active) return row;
  if (row)
    throw new SluiceError(
      'DAG_NOT_FOUND',
      `DAG "${dagId}" is no longer defined (its file ${row.file_path} was removed or changed)`,
    );
  const hint = closest(dagId, await activeDagIds(db));
  // The DAG may be missing because its file does not import: show why, with file and line.
  const why = importErrorLines(await importErrors(db));
  throw new SluiceError(
    'DAG_NOT_FOUND',
    `no DAG "${dagId}"${hint ? ` (did you mean "${hint}"?)` : ''}; see \`sluice dags list\`` +
      (why ? `\nDAG files that do not import:${why}` : ''),
  );
}

/**
 * The DAG to run here and now (`dags test`, `tasks test`, `backfill`): as findDag, but when its
 * file no longer imports, an error with the file's problems, not a run of its last good version.
 */
export async function findDagToRun(db: Queryable, dagId: string, dagsFolder: string): Promise<DagRow> {
  const dag = await findDag(db, dagId);
  const file = path.resolve(dagsFolder, dag.file_path);
  const problems = (await importErrors(db)).filter((e) => path.resolve(dagsFolder, e.file) === file);
  if (!problems.length) return dag;
  throw new SluiceError(
    'DAG_IMPORT_FAILED',
    `the DAG file of "${dagId}" does not import, so it would run its last good version; fix it first:` +
      importErrorLines(problems),
  );
}

/** Import errors as indented `file:line:column: message` lines, each after a newline. */
function importErrorLines(errors: readonly ImportErrorListing[]): string {
  return errors
    .map(
      (e) =>
        `\n  ${formatIssue({ file: e.file, line: e.line ?? undefined, column: e.column ?? undefined, message: e.message })}`,
    )
    .join('');
}
