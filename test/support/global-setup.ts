import { createDatabase } from '../../src/db/databases';
import { migrate } from '../../src/db/migrate';
import { ADMIN_URL, TEMPLATE_DB } from './pg';

/** Builds the migrated template database every test file clones its own database from. */
export default async function globalSetup(): Promise<void> {
  await migrate(await createDatabase(ADMIN_URL, TEMPLATE_DB, { replace: true }));
}
