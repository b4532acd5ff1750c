import type { Queryable } from '../db/queryable';
import { deactivateMissing, upsertDags } from '../state/dag-store';
import { upsertDagFiles } from '../state/dag-files';
import { recordEvents, type EventRecord } from '../state/events';
import { replaceImportErrors } from '../state/import-errors';
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
  const before = await replaceImportErrors(
    c,
    paths,
    files.flatMap(({ result: r }) => r.issues.map((i) => ({ ...i, file: r.file }))),
  );
  const previous = new Map<string, string[]>();
  for (const row of before) previous.set(row.file_path, [...(previous.get(row.file_path) ?? []), row.message]);
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
  await upsertDagFiles(
    c,
    files.map((f) => ({
      path: f.result.file,
      hash: f.hash,
      mtimeMs: f.mtimeMs,
      size: f.size,
      dagIds: f.result.dags.map((d) => d.dagId),
      parseMs: Math.round(f.result.ms),
      inputs: f.inputs,
      inputsFingerprint: f.inputsFingerprint,
    })),
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
