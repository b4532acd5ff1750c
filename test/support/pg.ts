import { createDatabase, dropDatabase } from '../../src/db/databases';

/** Tests use the Postgres in TEST_DATABASE_URL / DATABASE_URL, else the local one (CI and this machine). */
export const ADMIN_URL =
  process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
// Its own name per checkout (SLUICE_TEST_TEMPLATE), so two suites can run side by side on one server.
export const TEMPLATE_DB = process.env.SLUICE_TEST_TEMPLATE || 'sluice_test_template';

/** A fresh database for one test file, cloned from the migrated template. */
export async function createTestDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sluice_t_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  const url = await createDatabase(ADMIN_URL, name, { template: TEMPLATE_DB });
  return { url, drop: () => dropDatabase(ADMIN_URL, name) };
}
