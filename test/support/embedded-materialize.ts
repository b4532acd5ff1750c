/**
 * `node bin/run-ts.js test/support/embedded-materialize.ts <SLUICE_HOME> <compiled model JSON>`:
 * builds one compiled model with `materialize` against an embedded (PGlite) database and prints
 * `{"action": …}` or `{"error": message}`. Tests use it to reach the run-time guards on PGlite
 * directly (the compile-time checks stop a project's models before them).
 */
import { openDatabase } from '../../src/db/database';
import { materialize } from '../../src/models/materialize';
import type { CompiledModel } from '../../src/models/types';
import { warehouseOf } from '../../src/warehouse/database-warehouse';

async function main(home: string, json: string): Promise<void> {
  const db = await openDatabase({ databaseUrl: undefined, home });
  try {
    const model = JSON.parse(json) as CompiledModel;
    const out = await materialize(warehouseOf(db), model, { file: model.lineMap[0]?.file }).then(
      (r) => ({ action: r.action }),
      (e: Error) => ({ error: e.message }),
    );
    process.stdout.write(JSON.stringify(out));
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
