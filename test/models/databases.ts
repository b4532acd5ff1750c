/**
 * The same model scenario against both databases Sluice runs on: real Postgres (a fresh database
 * cloned from the template) and embedded PGlite (its own SLUICE_HOME; reached through the CLI and
 * small scripts, since PGlite cannot start inside jest's module sandbox).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { materialize } from '../../src/models/materialize';
import type { CompiledModel } from '../../src/models/types';
import { directWarehouse } from '../../src/executor/child-warehouse';
import { createTestDatabase } from '../support/pg';
import { runSluice, type SluiceOutcome } from '../support/processes';
import { REPO } from '../support/sandbox';

const execFileAsync = promisify(execFile);

export type DbKind = 'postgres' | 'embedded';
export const DB_KINDS: DbKind[] = ['postgres', 'embedded'];

export interface TestDb {
  readonly kind: DbKind;
  /** Rows of one query (several statements allowed, for seeding). */
  sql(query: string): Promise<Array<Record<string, any>>>;
  /** `sluice <args>` in `cwd` against this database. */
  sluice(args: readonly string[], cwd: string, extraEnv?: Record<string, string>): Promise<SluiceOutcome>;
  /** `materialize` of one compiled model, straight to the run-time guards: its action or its error. */
  materialize(model: CompiledModel): Promise<{ action?: string; error?: string }>;
  close(): Promise<void>;
}

export async function openTestDb(kind: DbKind, label: string): Promise<TestDb> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), `sluice-${label}-`));
  const dags = path.join(scratch, 'dags');
  mkdirSync(dags);
  if (kind === 'postgres') {
    const db = await createTestDatabase(label);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const wh = directWarehouse(db.url);
    return {
      kind,
      sql: async (q) => {
        const r = (await client.query(q)) as unknown as pg.QueryResult | pg.QueryResult[];
        return Array.isArray(r) ? r[r.length - 1].rows : r.rows;
      },
      sluice: (args, cwd, extraEnv = {}) =>
        runSluice(args, {
          cwd,
          timeoutMs: 90_000,
          env: {
            DATABASE_URL: db.url,
            SLUICE_HOME: path.join(scratch, '.sluice'),
            SLUICE_DAGS_FOLDER: dags,
            SLUICE_WORKERS: '1',
            ...extraEnv,
          },
        }),
      materialize: (model) =>
        materialize(wh, model, { file: model.lineMap[0]?.file }).then(
          (r) => ({ action: r.action }),
          (e: Error) => ({ error: e.message }),
        ),
      async close() {
        await client.end();
        await wh.close();
        await db.drop();
        rmSync(scratch, { recursive: true, force: true });
      },
    };
  }
  const home = path.join(scratch, '.sluice');
  const env = { DATABASE_URL: '', SLUICE_HOME: home, SLUICE_DAGS_FOLDER: dags, SLUICE_WORKERS: '1' };
  const script = async (file: string, arg: string) =>
    JSON.parse(
      (
        await execFileAsync(
          process.execPath,
          [path.join(REPO, 'bin/run-ts.js'), path.join(REPO, 'test/support', file), home, arg],
          { timeout: 90_000 },
        )
      ).stdout,
    );
  // Opening the runtime once creates and migrates the embedded database.
  const init = await runSluice(['dags', 'list'], { cwd: scratch, env, timeoutMs: 90_000 });
  if (init.code !== 0) throw new Error(`embedded database did not start: ${init.stderr}`);
  return {
    kind,
    sql: (q) => script('embedded-query.ts', q),
    sluice: (args, cwd, extraEnv = {}) => runSluice(args, { cwd, timeoutMs: 90_000, env: { ...env, ...extraEnv } }),
    materialize: (model) => script('embedded-materialize.ts', JSON.stringify(model)),
    async close() {
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
