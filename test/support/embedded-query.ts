/**
 * `node bin/run-ts.js test/support/embedded-query.ts <SLUICE_HOME> <sql>`: prints the rows of one
 * query against an embedded (PGlite) database as JSON. Tests use it because PGlite cannot start
 * inside jest's module sandbox.
 */
import { openDatabase } from '../../src/db/database';

async function main(home: string, sql: string): Promise<void> {
  const db = await openDatabase({ databaseUrl: undefined, home }, { migrate: false });
  try {
    const r = (await db.query(sql)) as unknown as { rows: unknown[] } | Array<{ rows: unknown[] }>;
    process.stdout.write(JSON.stringify(Array.isArray(r) ? r[r.length - 1].rows : r.rows)); // several statements: the last one's rows
  } finally {
    await db.close();
  }
}

main(process.argv[2], process.argv[3]).then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(String(e?.stack ?? e));
    process.exit(1);
  },
);
