import net from 'node:net';
import pg from 'pg';
import { openDatabase } from '../../src/db/database';
import { createDatabase, dropDatabase } from '../../src/db/databases';
import { migrate } from '../../src/db/migrate';
import { startSluice, stopped } from '../support/processes';
import { ADMIN_URL } from '../support/pg';
import { tempProject } from '../support/sandbox';

const home = '/tmp/sluice-db-test';
const open = (databaseUrl: string) =>
  openDatabase({ databaseUrl, home }).then(
    async (db) => {
      await db.close();
      return 'opened';
    },
    (e: Error & { code?: string }) => `${e.code}: ${e.message}`,
  );

describe('a database that cannot be used is named, with what to check, and no password', () => {
  test('a malformed DATABASE_URL', async () => {
    expect(await open('postgres//user:s3cret@host/db')).toBe(
      'CONFIG_INVALID: DATABASE_URL is not a URL (expected postgresql://user:password@host:5432/database), got "postgres//user:***@host/db"',
    );
    expect(await open('mysql://user:s3cret@host/db')).toMatch(
      /^CONFIG_INVALID: DATABASE_URL must start with postgresql:\/\/ .*got "mysql:\/\/user:\*\*\*@host\/db"$/,
    );
  });

  test('nothing listening, an unknown host, a missing database', async () => {
    const port = await closedPort();
    expect(await open(`postgresql://postgres:s3cret@127.0.0.1:${port}/x`)).toBe(
      `DATABASE_UNAVAILABLE: cannot use Postgres at 127.0.0.1:${port} (DATABASE_URL): nothing accepts connections at 127.0.0.1:${port}: ` +
        `is Postgres running there, and is DATABASE_URL's host and port right?`,
    );
    expect(await open('postgresql://postgres:s3cret@no-such-host.invalid:5432/x')).toMatch(
      /^DATABASE_UNAVAILABLE: cannot use Postgres at no-such-host\.invalid:5432 \(DATABASE_URL\): the host in DATABASE_URL \(no-such-host\.invalid\) cannot be resolved/,
    );
    const missing = new URL(ADMIN_URL);
    missing.pathname = '/sluice_no_such_database';
    const m = await open(missing.toString());
    expect(m).toMatch(
      /^DATABASE_UNAVAILABLE: cannot use Postgres at 127\.0\.0\.1:5432 \(DATABASE_URL\): database "sluice_no_such_database" does not exist on 127\.0\.0\.1:5432: create it \(createdb sluice_no_such_database\) or fix DATABASE_URL$/,
    );
    for (const msg of [m]) expect(msg).not.toMatch(/s3cret|knex|transacting|\n\s+at /);
  });

  test('a server that accepts connections but never answers', async () => {
    const silent = net.createServer(() => undefined); // takes the connection, says nothing
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const msg = await open(`postgresql://postgres@127.0.0.1:${port}/x`);
      expect(msg).toMatch(
        new RegExp(
          `^DATABASE_UNAVAILABLE: cannot use Postgres at 127\\.0\\.0\\.1:${port} \\(DATABASE_URL\\): no answer from 127\\.0\\.0\\.1:${port} in time`,
        ),
      );
    } finally {
      silent.close();
    }
  }, 30_000);
});

describe('migrations', () => {
  const name = `sluice_t_migrate_${process.pid}`;
  afterEach(() => dropDatabase(ADMIN_URL, name));

  test('several processes migrating a new database at once: one applies each migration, the others wait and find nothing to do', async () => {
    const url = await createDatabase(ADMIN_URL, name, { replace: true });
    const applied = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    expect(applied.flat().sort()).toEqual((await listMigrations(url)).sort());
    expect(applied.filter((a) => a.length).length).toBe(1);
  });

  test('two `sluice scheduler` processes starting together on a fresh database both come up', async () => {
    const url = await createDatabase(ADMIN_URL, name, { replace: true });
    const p = tempProject();
    const env = { DATABASE_URL: url, SLUICE_DAGS_FOLDER: p.dags, SLUICE_HOME: `${p.dir}/.sluice`, SLUICE_WORKERS: '1' };
    const procs = [startSluice(['scheduler'], env, p.dir), startSluice(['scheduler'], env, p.dir)];
    try {
      for (const x of procs) {
        await new Promise<void>((resolve, reject) => {
          const t = setInterval(() => {
            if (/running scheduler/.test(x.output())) {
              clearInterval(t);
              resolve();
            }
            if (x.exitCode !== null) {
              clearInterval(t);
              reject(new Error(`scheduler exited: ${x.output()}`));
            }
          }, 50);
        });
      }
    } finally {
      for (const x of procs) x.kill('SIGTERM');
      await Promise.all(procs.map(stopped));
      p.cleanup();
    }
  }, 60_000);
});

async function listMigrations(url: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ name: string }>('SELECT name FROM sluice.knex_migrations')).rows.map((r) => r.name);
  } finally {
    await c.end();
  }
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
