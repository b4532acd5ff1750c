import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import * as m001 from './migrations/001_platform_schema';
import * as m002 from './migrations/002_open_task_index';
import * as m003 from './migrations/003_ingestion';
import * as m004 from './migrations/004_validations';
import * as m005 from './migrations/005_dag_file_inputs';
import * as m006 from './migrations/006_seeds';
import * as m007 from './migrations/007_users';
import * as m008 from './migrations/008_task_instance_details';
import * as m009 from './migrations/009_backfill_audit';
import * as m010 from './migrations/010_alerts';

/** Numbered, forward-only migrations, imported statically so they load under any runtime. */
const MIGRATIONS: ReadonlyArray<readonly [name: string, module: Knex.Migration]> = [
  ['001_platform_schema', m001],
  ['002_open_task_index', m002],
  ['003_ingestion', m003],
  ['004_validations', m004],
  ['005_dag_file_inputs', m005],
  ['006_seeds', m006],
  ['007_users', m007],
  ['008_task_instance_details', m008],
  ['009_backfill_audit', m009],
  ['010_alerts', m010],
];

const source: Knex.MigrationSource<Knex.Migration> = {
  getMigrations: async () => MIGRATIONS.map(([, m]) => m),
  getMigrationName: (m) => MIGRATIONS.find(([, x]) => x === m)![0],
  getMigration: async (m) => m,
};

// Any number, the same in every process: the advisory lock that serialises migrations.
const MIGRATION_LOCK = 0x51c3_0001;

/**
 * Brings the platform schema up to date; returns the names of the migrations it applied. Several
 * schedulers, workers and web servers may start together on a new database: a session advisory
 * lock lets one migrate while the others wait, then find nothing left to do.
 */
export async function migrate(connectionString: string, opts: { lock?: boolean } = {}): Promise<string[]> {
  // The embedded database serves one process (its file lock) and two connections: no lock needed.
  const lock = opts.lock === false ? undefined : new pg.Client({ connectionString });
  lock?.on('error', () => undefined); // a lost lock connection surfaces as the next query's error
  await lock?.connect();
  const knex = knexFactory({ client: 'pg', connection: connectionString, pool: { min: 0, max: 1 } });
  try {
    await lock?.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await knex.raw('CREATE SCHEMA IF NOT EXISTS sluice');
    const [, applied] = await knex.migrate.latest({
      migrationSource: source,
      schemaName: 'sluice',
      tableName: 'knex_migrations',
    });
    return applied as string[];
  } finally {
    await knex.destroy();
    await lock?.end().catch(() => undefined); // ending the session releases the lock
  }
}
