import type { Queryable } from '../db/queryable';

/** Why a DAG file does not import, as stored: `line` and `column` are null when unknown (a timeout). */
export interface ImportErrorListing {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly code: string;
  readonly message: string;
}

/**
 * Replaces the import errors of the files in `paths` with `errors` (of those files) in one
 * statement; returns the messages they had before, so the caller can tell what changed.
 */
export async function replaceImportErrors(
  db: Queryable,
  paths: readonly string[],
  errors: readonly ImportErrorListing[],
): Promise<Array<{ file_path: string; message: string }>> {
  const rows = errors.map((e) => ({
    file_path: e.file,
    line: e.line,
    col: e.column,
    code: e.code,
    message: e.message,
  }));
  const r = await db.query<{ file_path: string; message: string }>(
    `WITH gone AS (DELETE FROM sluice.import_error WHERE file_path = ANY($1) RETURNING file_path, message),
          ins AS (INSERT INTO sluice.import_error (file_path, line, col, code, message)
                  SELECT file_path, line, col, code, message
                    FROM jsonb_to_recordset($2::jsonb) AS x(file_path text, line int, col int, code text, message text))
     SELECT file_path, message FROM gone`,
    [paths, JSON.stringify(rows)],
  );
  return r.rows;
}

/** Every import error, by file and line. */
export async function importErrors(db: Queryable): Promise<ImportErrorListing[]> {
  const r = await db.query<ImportErrorListing>(
    `SELECT file_path AS file, line, col AS column, code, message FROM sluice.import_error ORDER BY file_path, line NULLS FIRST, id`,
  );
  return r.rows;
}
