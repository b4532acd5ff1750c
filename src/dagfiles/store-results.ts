import type { Queryable } from '../db/queryable';
import { deactivateMissing, upsertDags } from '../state/dag-store';
import { recordEvents, type EventRecord } from '../state/events';
import type { ImportIssue, ParseResult } from './parse-result';

export interface ParsedFile {
  readonly result: ParseResult;
  readonly hash: string;
  readonly mtimeMs: number;
  readonly size: number;
  readonly inputs: readonly string[];
  readonly inputsFingerprint: string | null;
}

/**
 * Stores a batch of parse results with a fixed number of statements, whatever the batch size:
 * import errors replaced, DAGs and versions upserted, vanished DAGs deactivated, file rows
 * refreshed, and import_error / import_fixed events for files whose errors changed.
 */
export async function storeParseResults(c: Queryable, files: readonly ParsedFile[]): Promise<void> {
  if (!files.length) return;
  const paths = files.map((f) => f.result.file);
  const issues = files.flatMap(({ result: r }) =>
    r.issues.map((i) => ({ file_path: r.file, line: i.line, col: i.column, code: i.code, message: i.message })),
  );
  const before = await c.query<{ file_path: string; message: string }>(
    `WITH gone AS (DELETE FROM sluice.import_error WHERE file_path = ANY($1) RETURNING file_path, message),
          ins AS (INSERT INTO sluice.import_error (file_path, line, col, code, message)
                  SELECT file_path, line, col, code, message
                    FROM jsonb_to_recordset($2::jsonb) AS x(file_path text, line int, col int, code text, message text))
     SELECT file_path, message FROM gone`,
    [paths, JSON.stringify(issues)],
  );
  const previous = new Map<string, string[]>();
  for (const row of before.rows) previous.set(row.file_path, [...(previous.get(row.file_path) ?? []), row.message]);
  await recordEvents(
    c,
    files.flatMap(({ result: r }) => importChange(r.file, previous.get(r.file) ?? [], r.issues)),
  );

  // A file that fails to import keeps its DAGs as they were (Airflow does the same): an edit with
  // a typo must not stop a production DAG. Only a clean import can remove DAGs from a file.
  const clean = files.map((f) => f.result).filter((r) => !r.issues.some((i) => i.code !== 'DUPLICATE_DAG_ID'));
  await upsertDags(
    c,
    clean.flatMap((r) => r.dags.map((structure) => ({ structure, filePath: r.file }))),
  );
  await deactivateMissing(
    c,
    clean.map((r) => ({ filePath: r.file, keep: r.dags.map((d) => d.dagId) })),
  );
  await c.query(
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
          path: f.result.file,
          hash: f.hash,
          mtime_ms: f.mtimeMs,
          size: f.size,
          dag_ids: f.result.dags.map((d) => d.dagId),
          parse_ms: Math.round(f.result.ms),
          inputs: f.inputs,
          inputs_fingerprint: f.inputsFingerprint,
        })),
      ),
    ],
  );
}

function importChange(file: string, before: readonly string[], now: readonly ImportIssue[]): EventRecord[] {
  const fresh = now.filter((i) => !before.includes(i.message));
  if (fresh.length) {
    return [
      {
        kind: 'import_error',
        filePath: file,
        message: `${file} does not import: ${fresh[0].message}`,
        payload: { issues: fresh.map((i) => ({ line: i.line, column: i.column, code: i.code, message: i.message })) },
      },
    ];
  }
  if (before.length && !now.length) return [{ kind: 'import_fixed', filePath: file, message: `${file} imports again` }];
  return [];
}
