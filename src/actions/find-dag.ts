import { closest } from '../util/did-you-mean';
import { SluiceError, formatIssue } from '../errors/errors';
import type { Queryable } from '../db/queryable';
import { activeDagIds, dagById, type DagRow } from '../state/dags';
import { importErrors } from '../state/import-errors';

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
  const why = (await importErrors(db))
    .map(
      (e) =>
        `\n  ${formatIssue({ file: e.file, line: e.line ?? undefined, column: e.column ?? undefined, message: e.message })}`,
    )
    .join('');
  throw new SluiceError(
    'DAG_NOT_FOUND',
    `no DAG "${dagId}"${hint ? ` (did you mean "${hint}"?)` : ''}; see \`sluice dags list\`` +
      (why ? `\nDAG files that do not import:${why}` : ''),
  );
}
