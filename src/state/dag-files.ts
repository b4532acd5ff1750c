import type { Queryable } from '../db/queryable';
import { deactivateMissing } from './dag-store';

/** The DAG folder's files as last parsed: what a sync compares the folder with. */
export interface KnownDagFile {
  readonly path: string;
  readonly hash: string;
  readonly mtime_ms: number;
  readonly size: number;
  readonly inputs: string[];
  readonly inputs_fingerprint: string | null;
}

/** A parsed file's row: its content hash and stat, its DAGs, and the other inputs its DAGs were built from. */
export interface ParsedDagFile {
  readonly path: string;
  readonly hash: string;
  readonly mtimeMs: number;
  readonly size: number;
  readonly dagIds: readonly string[];
  readonly parseMs: number;
  readonly inputs: readonly string[];
  readonly inputsFingerprint: string | null;
}

export async function knownDagFiles(db: Queryable): Promise<KnownDagFile[]> {
  const r = await db.query<KnownDagFile>(
    `SELECT path, hash, mtime_ms, size, inputs, inputs_fingerprint FROM sluice.dag_file`,
  );
  return r.rows;
}

/** A file touched but not changed (same content and inputs): only its stat is new. */
export async function updateDagFileStat(db: Queryable, path: string, mtimeMs: number, size: number): Promise<void> {
  await db.query(`UPDATE sluice.dag_file SET mtime_ms = $2, size = $3 WHERE path = $1`, [path, mtimeMs, size]);
}

/** Writes the rows of parsed files in one statement, however many. */
export async function upsertDagFiles(db: Queryable, files: readonly ParsedDagFile[]): Promise<void> {
  await db.query(
    `INSERT INTO sluice.dag_file (path, hash, mtime_ms, size, dag_ids, parse_ms, parsed_at, inputs, inputs_fingerprint)
     SELECT path, hash, mtime_ms, size, dag_ids, parse_ms, now(), inputs, inputs_fingerprint
       FROM jsonb_to_recordset($1::jsonb) AS x(path text, hash text, mtime_ms double precision, size bigint, dag_ids text[], parse_ms int,
                                               inputs text[], inputs_fingerprint text)
     ON CONFLICT (path) DO UPDATE SET hash = EXCLUDED.hash, mtime_ms = EXCLUDED.mtime_ms, size = EXCLUDED.size,
       dag_ids = EXCLUDED.dag_ids, parse_ms = EXCLUDED.parse_ms, parsed_at = now(), inputs = EXCLUDED.inputs,
       inputs_fingerprint = EXCLUDED.inputs_fingerprint`,
    [
      JSON.stringify(
        files.map((f) => ({
          path: f.path,
          hash: f.hash,
          mtime_ms: f.mtimeMs,
          size: f.size,
          dag_ids: f.dagIds,
          parse_ms: f.parseMs,
          inputs: f.inputs,
          inputs_fingerprint: f.inputsFingerprint,
        })),
      ),
    ],
  );
}

/**
 * Forgets a file deleted from the DAG folder: its DAGs stop being scheduled, its import errors and
 * row go. Files that lost a duplicate-id contest may now own their DAG: their rows go too, so the
 * next sync parses them again.
 */
export async function removeDagFile(db: Queryable, path: string): Promise<void> {
  await deactivateMissing(db, [{ filePath: path, keep: [] }]);
  await db.query(`DELETE FROM sluice.import_error WHERE file_path = $1`, [path]);
  await db.query(`DELETE FROM sluice.dag_file WHERE path = $1`, [path]);
  await db.query(
    `DELETE FROM sluice.dag_file WHERE path IN (SELECT file_path FROM sluice.import_error WHERE code = 'DUPLICATE_DAG_ID')`,
  );
}
