import type { Readable } from 'node:stream';

/** The warehouse as task code sees it: plain SQL with parameters, and transactions. */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

export interface Queryable {
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

/** A transaction's client. `copyFrom` exists only where `COPY … FROM STDIN` works (real Postgres, not PGlite's socket). */
export interface WarehouseTx extends Queryable {
  copyFrom?(copySql: string, body: Readable): Promise<number>;
}

export interface Warehouse extends Queryable {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T>;
}
