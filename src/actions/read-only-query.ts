import Cursor from 'pg-cursor';
import type { Database } from '../db/database';
import { withTransaction } from '../db/transaction';

export interface QueryColumn {
  readonly name: string;
  /** The column's type OID (`pg_type.oid`), for output formats that type their values. */
  readonly typeId: number;
}

/** Rows as Postgres prints them: each value its text output, SQL NULL as null. */
export interface QueryRows {
  readonly columns: readonly QueryColumn[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
  /** Rows were left out: the query returned more than the limit. */
  readonly truncated: boolean;
}

// Every value stays Postgres's own text (dates ISO, numeric exact): no JavaScript conversion.
const AS_TEXT = { getTypeParser: () => (value: string) => value };
const BATCH = 1000;

/**
 * Runs one statement in a READ ONLY transaction and reads at most `limit` rows (all without one).
 * A cursor sends it with the extended protocol, which refuses several statements in one string:
 * `COMMIT; DELETE …` cannot leave the read-only transaction. A database error is thrown as it is.
 */
export async function readOnlyQuery(db: Database, sql: string, limit?: number): Promise<QueryRows> {
  return db.withClient((client) =>
    withTransaction(
      client,
      async (tx) => {
        const cursor = tx.query(new Cursor<string[]>(sql, [], { rowMode: 'array', types: AS_TEXT }));
        try {
          const rows: Array<Array<string | null>> = [];
          let columns: QueryColumn[] = [];
          const want = limit === undefined ? Infinity : limit + 1; // one more tells whether rows were left out
          while (rows.length < want) {
            const batch = await read(cursor, Math.min(BATCH, want - rows.length));
            if (batch.fields.length) columns = batch.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID }));
            rows.push(...batch.rows);
            if (batch.rows.length === 0) break;
          }
          const truncated = limit !== undefined && rows.length > limit;
          return { columns, rows: truncated ? rows.slice(0, limit) : rows, truncated };
        } finally {
          await cursor.close().catch(() => undefined);
        }
      },
      { beginWith: 'SET TRANSACTION READ ONLY' },
    ),
  );
}

function read(
  cursor: Cursor<string[]>,
  n: number,
): Promise<{ rows: Array<Array<string | null>>; fields: Array<{ name: string; dataTypeID: number }> }> {
  return new Promise((resolve, reject) =>
    cursor.read(n, (err, rows, result) => (err ? reject(err) : resolve({ rows, fields: result?.fields ?? [] }))),
  );
}
