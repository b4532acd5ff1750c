import type { DagStructure } from '../dag/serialized-dag';
import { closest } from '../util/did-you-mean';
import { SluiceError, formatIssue } from '../errors/errors';
import type { Queryable } from '../db/queryable';

export interface DagRow {
  readonly dag_id: string;
  readonly file_path: string;
  readonly is_active: boolean;
  readonly is_paused: boolean;
  readonly latest_version_id: number;
  readonly structure: DagStructure;
}

/** The active DAG with this id and its latest structure, or a DAG_NOT_FOUND error with a hint. */
export async function findDag(db: Queryable, dagId: string): Promise<DagRow> {
  const r = await db.query<DagRow>(
    `SELECT d.dag_id, d.file_path, d.is_active, d.is_paused, d.latest_version_id, v.structure
       FROM sluice.dag d JOIN sluice.dag_version v ON v.id = d.latest_version_id WHERE d.dag_id = $1`,
    [dagId],
  );
  const row = r.rows[0];
  if (row?.is_active) return row;
  if (row)
    throw new SluiceError(
      'DAG_NOT_FOUND',
      `DAG "${dagId}" is no longer defined (its file ${row.file_path} was removed or changed)`,
    );
  const all = await db.query<{ dag_id: string }>(`SELECT dag_id FROM sluice.dag WHERE is_active`);
  const hint = closest(
    dagId,
    all.rows.map((x) => x.dag_id),
  );
  // The DAG may be missing because its file does not import: show why, with file and line.
  const errors = await db.query<{ file: string; line: number | null; column: number | null; message: string }>(
    `SELECT file_path AS file, line, col AS column, message FROM sluice.import_error ORDER BY file_path, line NULLS FIRST, id`,
  );
  const why = errors.rows
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
