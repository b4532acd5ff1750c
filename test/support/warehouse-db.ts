import pg from 'pg';
import { directWarehouse } from '../../src/executor/child-warehouse';
import { createTestDatabase } from './pg';

export interface WarehouseDb {
  readonly url: string;
  /** The warehouse a worker would use (with COPY). */
  readonly wh: ReturnType<typeof directWarehouse>;
  /** A separate connection for the test's own checks. */
  readonly client: pg.Client;
  close(): Promise<void>;
}

/** A fresh database for one test file, with a warehouse and a client on it. */
export async function warehouseTestDb(label: string): Promise<WarehouseDb> {
  const db = await createTestDatabase(label);
  const wh = directWarehouse(db.url);
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  return {
    url: db.url,
    wh,
    client,
    async close() {
      await client.end();
      await wh.close();
      await db.drop();
    },
  };
}
