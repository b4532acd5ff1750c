import { promises as fs } from 'node:fs';
import path from 'node:path';
import { assignOwners } from '../dagfiles/claim-dag-ids';
import type { ImportIssue } from '../dagfiles/parse-result';
import { ParserPool } from '../dagfiles/parser-pool';
import { walkDagFiles } from '../dagfiles/walk';
import { assertDagsFolder } from '../dagfiles/dags-folder';
import { SluiceError } from '../errors/errors';

export interface CheckResult {
  readonly files: number;
  readonly dags: Array<{ dagId: string; file: string; tasks: number }>;
  readonly issues: ImportIssue[];
  readonly ms: number;
}

/**
 * Parses a folder (or one file) without touching any database: `sluice dags check`. A path that
 * does not exist is an error (it read "0 file(s), 0 error(s)" and exited 0); `setting` names where
 * the path came from when the user gave none.
 */
export async function checkDagFiles(
  target: string,
  opts: { processes: number; timeoutMs: number },
  setting?: string,
): Promise<CheckResult> {
  const started = performance.now();
  if (setting) await assertDagsFolder(target, setting);
  const st = await fs.stat(target).catch(() => undefined);
  if (!st) throw new SluiceError('USAGE', `no such file or folder: ${target}`);
  const root = st?.isFile() ? path.dirname(target) : target;
  const files = st?.isFile() ? [target] : (await walkDagFiles(target)).map((f) => f.path);
  const pool = new ParserPool(root, opts.processes, opts.timeoutMs);
  try {
    const results = assignOwners(await pool.parseAll(files), new Map(), root);
    return {
      files: files.length,
      dags: results.flatMap((r) => r.dags.map((d) => ({ dagId: d.dagId, file: r.file, tasks: d.tasks.length }))),
      issues: results.flatMap((r) => r.issues),
      ms: performance.now() - started,
    };
  } finally {
    await pool.close();
  }
}
