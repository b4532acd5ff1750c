import type { Config } from '../config/config';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { Database } from '../db/database';
import { activeOwners } from '../state/dag-store';
import { knownDagFiles, removeDagFile, updateDagFileStat } from '../state/dag-files';
import { assignOwners } from './claim-dag-ids';
import { ParserPool } from './parser-pool';
import { storeParseResults } from './store-results';
import { inputFingerprint } from './input-fingerprint';
import { walkDagFiles } from './walk';
import { assertDagsFolder } from './dags-folder';

export interface SyncSummary {
  readonly parsed: number;
  readonly unchanged: number;
  readonly removed: number;
  readonly dags: number;
  readonly errors: number;
  readonly ms: number;
}

/**
 * Keeps Postgres in step with the DAG folder: new or edited files (by mtime/size, confirmed by
 * content hash) are parsed in the parser pool; their DAGs, versions and import errors are written in
 * one transaction per batch; deleted files deactivate their DAGs.
 */
export class DagFileProcessor {
  private readonly pool: ParserPool;

  constructor(
    private readonly db: Database,
    private readonly root: string,
    opts: { processes: number; timeoutMs: number; operatorConfig?: Config },
  ) {
    this.pool = new ParserPool(root, opts.processes, opts.timeoutMs, opts.operatorConfig);
  }

  async sync(): Promise<SyncSummary> {
    const started = performance.now();
    // Checked every sync: a folder that vanished (an unmounted volume) must not deactivate every DAG.
    await assertDagsFolder(this.root);
    const [files, known] = await Promise.all([
      walkDagFiles(this.root),
      knownDagFiles(this.db).then((rows) => new Map(rows.map((k) => [k.path, k]))),
    ]);
    const touched = files.filter((f) => {
      const k = known.get(f.path);
      return !k || k.mtime_ms !== f.mtimeMs || Number(k.size) !== f.size;
    });
    const hashes = new Map(
      await Promise.all(touched.map(async (f) => [f.path, hashOf(await fs.readFile(f.path))] as const)),
    );
    const contentChanged = touched.filter((f) => known.get(f.path)?.hash !== hashes.get(f.path));
    // Unchanged files whose other inputs (a models project, suites) changed are parsed again too.
    const same = new Set(contentChanged.map((f) => f.path));
    // Several DAG files built from one folder (sql/) share its fingerprint: walk it once per sync.
    const prints = new Map<string, Promise<string>>();
    const fingerprint = (inputs: readonly string[]) => {
      const key = JSON.stringify(inputs);
      if (!prints.has(key)) prints.set(key, inputFingerprint(inputs));
      return prints.get(key)!;
    };
    const inputsChanged = (
      await Promise.all(
        files
          .filter((f) => !same.has(f.path) && known.get(f.path)?.inputs.length)
          .map(async (f) => {
            const k = known.get(f.path)!;
            return (await fingerprint(k.inputs)) !== k.inputs_fingerprint ? f : undefined;
          }),
      )
    ).filter((f): f is (typeof files)[number] => !!f);
    for (const f of inputsChanged) if (!hashes.has(f.path)) hashes.set(f.path, known.get(f.path)!.hash);
    const changed = [...contentChanged, ...inputsChanged];
    const changedSet = new Set(changed);
    for (const f of touched.filter((t) => !changedSet.has(t)))
      await updateDagFileStat(this.db, f.path, f.mtimeMs, f.size);
    const present = new Set(files.map((f) => f.path));
    const removed = [...known.keys()].filter((p) => !present.has(p));
    for (const p of removed) await this.db.transaction((c) => removeDagFile(c, p));

    const results = await this.pool.parseAll(changed.map((f) => f.path));
    const reparsed = new Set(results.map((r) => r.file));
    const owners = await activeOwners(this.db);
    for (const [id, file] of owners) if (reparsed.has(file)) owners.delete(id);
    const byPath = new Map(changed.map((f) => [f.path, f]));
    const batch = await Promise.all(
      assignOwners(results, owners, this.root).map(async (result) => {
        const f = byPath.get(result.file)!;
        const inputs = result.inputs ?? [];
        return {
          result,
          hash: hashes.get(result.file)!,
          mtimeMs: f.mtimeMs,
          size: f.size,
          inputs,
          inputsFingerprint: inputs.length ? await fingerprint(inputs) : null,
        };
      }),
    );
    // One transaction for the whole batch: a cold start of 1,000 files pays one commit, not 1,000.
    await this.db.transaction((c) => storeParseResults(c, batch));
    const dags = batch.reduce((n, f) => n + f.result.dags.length, 0);
    const errors = batch.reduce((n, f) => n + f.result.issues.length, 0);
    return {
      parsed: changed.length,
      unchanged: files.length - changed.length,
      removed: removed.length,
      dags,
      errors,
      ms: performance.now() - started,
    };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

function hashOf(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex').slice(0, 32);
}
