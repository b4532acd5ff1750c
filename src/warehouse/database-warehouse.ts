import type { Database } from '../db/database';
import type { Warehouse } from '../db/queryable';

/** The warehouse over the process's own database handle (CLI commands; tasks get theirs from the worker). */
export function warehouseOf(db: Database): Warehouse {
  return {
    query: async (sql, params) => {
      const r = await db.query(sql, params as unknown[]);
      return { rows: r.rows as never[], rowCount: r.rowCount ?? 0 };
    },
    transaction: (fn) =>
      db.transaction((c) =>
        fn({
          query: async (sql, params) => {
            const r = await c.query(sql, params as unknown[]);
            return { rows: r.rows as never[], rowCount: r.rowCount ?? 0 };
          },
        }),
      ),
  };
}
