import type { Readable } from 'node:stream';

/**
 * The one shape of "something that runs SQL": a pool, a client inside a transaction, the
 * warehouse handle a task receives. `pg.Pool` and `pg.PoolClient` fit it as they are.
 */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number | null;
}

export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's row type; callers name their row shape
  query<R extends Record<string, any> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
}

/** What the warehouse handle returns: `rowCount` is always a number there. */
export interface WarehouseResult<R> extends QueryResult<R> {
  readonly rowCount: number;
}

/** A warehouse transaction's client. `copyFrom` exists only where `COPY … FROM STDIN` works (real Postgres, not PGlite's socket). */
export interface WarehouseTx extends Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Queryable
  query<R extends Record<string, any> = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<WarehouseResult<R>>;
  copyFrom?(copySql: string, body: Readable): Promise<number>;
}

/** The warehouse as task code sees it (`ctx.warehouse`): plain SQL with parameters, and transactions. */
export interface Warehouse extends Omit<WarehouseTx, 'copyFrom'> {
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: WarehouseTx) => Promise<T>): Promise<T>;
}
