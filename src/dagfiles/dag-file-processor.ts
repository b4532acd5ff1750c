import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Database } from '../db/database';
import type { Queryable } from '../state/queryable';
import { activeOwners, deactivateMissing, upsertDag } from '../state/dag-store';
import { recordEvent } from '../state/events';
import { assignOwners } from './assign-owners';
import type { ImportIssue, ParseResult } from './parse-result';
import { ParserPool } from './parser-pool';
import { walkDagFiles } from './walk';

export interface SyncSummary {
  readonly parsed: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly dags: number;
  readonly errors: number;
  readonly ms: number;
}

interface KnownFile { path: string; hash: string; mtime_ms: number; size: number }

/**
 * Keeps Postgres in step with the DAG folder: new or edited files (by mtime/size, confirmed by
 * content hash) are parsed in the parser pool; their DAGs, versions and import errors are written in
 * one transaction per file; deleted files deactivate their DAGs.
 */
export class DagFileProcessor {
  private readonly pool: ParserPool;

  constructor(private readonly db: Database, private readonly root: string, opts: { processes: number; timeoutMs: number }) {
    this.pool = new ParserPool(root, opts.processes, opts.timeoutMs);
  }

  async sync(): Promise<SyncSummary> {
    const started = performance.now();
    const [files, known] = await Promise.all([
      walkDagFiles(this.root),
      this.db.query<KnownFile>(`SELECT path, hash, mtime_ms, size FROM sluice.dag_file`).then((r) => new Map(r.rows.map((k) => [k.path, k]))),
    ]);
    const touched = files.filter((f) => { const k = known.get(f.path); return !k || k.mtime_ms !== f.mtimeMs || Number(k.size) !== f.size; });
    const hashes = new Map(await Promise.all(touched.map(async (f) => [f.path, hashOf(await fs.readFile(f.path))] as const)));
    const changed = touched.filter((f) => known.get(f.path)?.hash !== hashes.get(f.path));
    const changedSet = new Set(changed);
    for (const f of touched.filter((t) => !changedSet.has(t))) {
      await this.db.query(`UPDATE sluice.dag_file SET mtime_ms = $2, size = $3 WHERE path = $1`, [f.path, f.mtimeMs, f.size]);
    }
    const present = new Set(files.map((f) => f.path));
    const removed = [...known.keys()].filter((p) => !present.has(p));
    for (const p of removed) await this.removeFile(p);

    const results = await this.pool.parseAll(changed.map((f) => f.path));
    const reparsed = new Set(results.map((r) => r.file));
    const owners = await activeOwners(this.db);
    for (const [id, file] of owners) if (reparsed.has(file)) owners.delete(id);
    let dags = 0, errors = 0;
    const byPath = new Map(changed.map((f) => [f.path, f]));
    // One transaction for the whole batch: a cold start of 1,000 files pays one commit, not 1,000.
    await this.db.transaction(async (c) => {
      for (const r of assignOwners(results, owners, this.root)) {
        const f = byPath.get(r.file)!;
        await this.store(c, r, hashes.get(r.file)!, f.mtimeMs, f.size);
        dags += r.dags.length;
        errors += r.issues.length;
      }
    });
    return { parsed: changed.length, unchanged: files.length - changed.length, removed: removed.length, dags, errors, ms: performance.now() - started };
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async store(c: Queryable, r: ParseResult, hash: string, mtimeMs: number, size: number): Promise<void> {
    const before = await c.query<{ message: string }>(`SELECT message FROM sluice.import_error WHERE file_path = $1`, [r.file]);
    await c.query(`DELETE FROM sluice.import_error WHERE file_path = $1`, [r.file]);
    for (const i of r.issues) {
      await c.query(`INSERT INTO sluice.import_error (file_path, line, col, code, message) VALUES ($1, $2, $3, $4, $5)`,
        [r.file, i.line, i.column, i.code, i.message]);
    }
    await recordImportChange(c, r.file, before.rows.map((x) => x.message), r.issues);
    // A file that fails to import keeps its DAGs as they were (Airflow does the same): an edit with
    // a typo must not stop a production DAG. Only a clean import can remove DAGs from a file.
    if (!r.issues.some((i) => i.code !== 'DUPLICATE_DAG_ID')) {
      for (const d of r.dags) await upsertDag(c, d, r.file);
      await deactivateMissing(c, r.file, r.dags.map((d) => d.dagId));
    }
    await c.query(
      `INSERT INTO sluice.dag_file (path, hash, mtime_ms, size, dag_ids, parse_ms, parsed_at) VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (path) DO UPDATE SET hash = $2, mtime_ms = $3, size = $4, dag_ids = $5, parse_ms = $6, parsed_at = now()`,
      [r.file, hash, mtimeMs, size, r.dags.map((d) => d.dagId), Math.round(r.ms)],
    );
  }

  private async removeFile(p: string): Promise<void> {
    await this.db.transaction(async (c) => {
      await deactivateMissing(c, p, []);
      await c.query(`DELETE FROM sluice.import_error WHERE file_path = $1`, [p]);
      await c.query(`DELETE FROM sluice.dag_file WHERE path = $1`, [p]);
      // Files that lost a duplicate-id contest may now own their DAG: parse them again.
      await c.query(`DELETE FROM sluice.dag_file WHERE path IN (SELECT file_path FROM sluice.import_error WHERE code = 'DUPLICATE_DAG_ID')`);
    });
  }
}

async function recordImportChange(c: Queryable, file: string, before: string[], now: readonly ImportIssue[]): Promise<void> {
  const fresh = now.filter((i) => !before.includes(i.message));
  if (fresh.length) {
    await recordEvent(c, {
      kind: 'import_error', filePath: file, message: `${file} does not import: ${fresh[0].message}`,
      payload: { issues: fresh.map((i) => ({ line: i.line, column: i.column, code: i.code, message: i.message })) },
    });
  } else if (before.length && !now.length) {
    await recordEvent(c, { kind: 'import_fixed', filePath: file, message: `${file} imports again` });
  }
}

function hashOf(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex').slice(0, 32);
}
