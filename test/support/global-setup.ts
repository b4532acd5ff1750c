import { Client } from 'pg';
import { migrate } from '../../src/db/migrate';
import { ADMIN_URL, TEMPLATE_DB, dbUrl } from './pg';

/** Builds the migrated template database every test file clones its own database from. */
export default async function globalSetup(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  await migrate(dbUrl(TEMPLATE_DB));
}
