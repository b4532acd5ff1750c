import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { createTestDatabase } from './pg';
import { runSluice, type SluiceOutcome } from './processes';
import { REPO } from './sandbox';

const execFileAsync = promisify(execFile);

/** One of the two platform databases a CLI test runs against, as a user would point Sluice at it. */
export interface CliDatabase {
  readonly name: 'postgres' | 'embedded';
  /** DATABASE_URL for this database ('' for the embedded one). */
  readonly url: string;
  /** `sluice <args>` in the project, on this database. */
  sluice(args: readonly string[], env?: Record<string, string>): Promise<SluiceOutcome>;
  /** Rows of one query on this database (the embedded one through a child: PGlite does not start in jest). */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  close(): Promise<void>;
}

export async function cliDatabases(label: string, project: { dir: string; dags: string }): Promise<CliDatabase[]> {
  const db = await createTestDatabase(label);
  const base = {
    SLUICE_DAGS_FOLDER: project.dags,
    SLUICE_HOME: path.join(project.dir, '.sluice'),
    SLUICE_WORKERS: '2',
  };
  const run =
    (url: string) =>
    (args: readonly string[], env: Record<string, string> = {}) =>
      runSluice(args, { cwd: project.dir, timeoutMs: 90_000, env: { ...base, DATABASE_URL: url, ...env } });
  return [
    {
      name: 'postgres',
      url: db.url,
      sluice: run(db.url),
      async query<T>(sql: string) {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        try {
          return (await c.query(sql)).rows as T[];
        } finally {
          await c.end();
        }
      },
      close: () => db.drop(),
    },
    {
      name: 'embedded',
      url: '',
      sluice: run(''),
      async query<T>(sql: string) {
        const r = await execFileAsync(
          process.execPath,
          [path.join(REPO, 'bin/run-ts.js'), path.join(REPO, 'test/support/embedded-query.ts'), base.SLUICE_HOME, sql],
          { timeout: 60_000 },
        );
        return JSON.parse(r.stdout) as T[];
      },
      close: async () => undefined,
    },
  ];
}
