import pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { WarehouseResult, Warehouse, WarehouseTx } from '../db/queryable';
import { withTransaction } from '../db/transaction';
import type { SqlOp } from './protocol';

/** The warehouse client in a worker child: its own small pool against real Postgres. */
export function directWarehouse(url: string): Warehouse & { close(): Promise<void> } {
  let pool: pg.Pool | undefined;
  const get = () => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, max: 4 });
      pool.on('error', () => undefined); // an idle client's lost connection is reported by its next query
    }
    return pool;
  };
  const wrap = (r: pg.QueryResult): WarehouseResult<never> => ({ rows: r.rows as never[], rowCount: r.rowCount ?? 0 });
  return {
    query: async (sql, params) => wrap(await get().query(sql, params as unknown[])),
    async transaction(fn) {
      const client = await get().connect();
      let broken: Error | undefined;
      // A connection lost mid-transaction fails the pending query; without a listener it would also crash the process.
      const onError = (e: Error) => {
        broken = e;
      };
      client.on('error', onError);
      try {
        return await withTransaction(
          client,
          () =>
            fn({
              query: async (sql, params) => wrap(await client.query(sql, params as unknown[])),
              async copyFrom(copySql, body) {
                const sink = client.query(copyFrom(copySql));
                await pipeline(body, sink);
                return Number(sink.rowCount ?? 0);
              },
            }),
          {
            onRollbackFailure: (r) => {
              broken = r;
            },
          },
        );
      } finally {
        client.off('error', onError);
        client.release(broken); // a connection that cannot roll back is dropped, not reused
      }
    },
    async close() {
      await pool?.end();
      pool = undefined;
    },
  };
}

type Send = (
  op: SqlOp,
  args: { sql?: string; params?: unknown[]; txId?: number },
) => Promise<{ rows?: unknown[]; rowCount?: number; txId?: number }>;

/** The warehouse client in a worker child when the database is embedded: SQL travels to the parent. */
export function proxyWarehouse(send: Send): Warehouse {
  const queryVia = (txId?: number): WarehouseTx => ({
    async query<R>(sql: string, params?: readonly unknown[]) {
      const r = await send('query', { sql, params: params ? [...params] : undefined, txId });
      return { rows: (r.rows ?? []) as R[], rowCount: r.rowCount ?? 0 };
    },
  });
  return {
    ...queryVia(),
    async transaction(fn) {
      const { txId } = await send('begin', {});
      try {
        const out = await fn(queryVia(txId));
        await send('commit', { txId });
        return out;
      } catch (e) {
        await send('rollback', { txId }).catch(() => undefined);
        throw e;
      }
    },
  };
}
