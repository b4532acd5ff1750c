/**
 * `node bin/run-ts.js test/support/embedded-sessions.ts`: several connections to one embedded
 * server at once (PGlite cannot start inside jest). Prints what each saw as JSON: statements whose
 * messages arrive in many TCP chunks (large parameters) and transactions, interleaved across
 * connections, plus a connection that leaves inside a transaction.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { serveOneSessionAtATime } from '../../src/db/embedded-server';

async function main(): Promise<void> {
  const db = await PGlite.create();
  const server = await serveOneSessionAtATime(db);
  const url = `postgresql://postgres@${server.address}/postgres?sslmode=disable`;
  const clients = ['a', 'b', 'c'].map((name) => ({ name, c: new pg.Client({ connectionString: url }) }));
  for (const { c } of clients) await c.connect();
  await clients[0].c.query('CREATE TABLE t (k text, n int)');
  let wrong = 0;
  const work = async ({ name, c }: { name: string; c: pg.Client }) => {
    for (let i = 0; i < 30; i++) {
      const r = await c.query(`SELECT $1::int AS i, '${name}' AS name, length($2) AS len`, [i, name.repeat(200_000)]);
      if (r.rows[0].i !== i || r.rows[0].name !== name || r.rows[0].len !== 200_000) wrong++;
      await c.query('BEGIN');
      await c.query('INSERT INTO t VALUES ($1, $2)', [name, i]);
      const seen = await c.query('SELECT count(*)::int AS n FROM t WHERE k = $1', [name]);
      if (seen.rows[0].n !== i + 1) wrong++;
      await c.query('COMMIT');
    }
  };
  await Promise.all(clients.map(work));

  const leaver = new pg.Client({ connectionString: url });
  leaver.on('error', () => undefined);
  await leaver.connect();
  await leaver.query('BEGIN');
  await leaver.query(`INSERT INTO t VALUES ('leaver', 1)`);
  (leaver as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
  const left = await clients[1].c.query(`SELECT count(*)::int AS n FROM t WHERE k = 'leaver'`);
  const rows = await clients[2].c.query('SELECT count(*)::int AS n FROM t');

  for (const { c } of clients) await c.end();
  await server.stop();
  await db.close();
  process.stdout.write(JSON.stringify({ wrong, rows: rows.rows[0].n, leaverRows: left.rows[0].n }));
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
