import knexFactory, { type Knex } from 'knex';
import * as m001 from './migrations/001_platform_schema';
import * as m002 from './migrations/002_open_task_index';
import * as m003 from './migrations/003_ingestion';
import * as m004 from './migrations/004_validations';
import * as m005 from './migrations/005_dag_file_inputs';

/** Numbered, forward-only migrations, imported statically so they load under any runtime. */
const MIGRATIONS: ReadonlyArray<readonly [name: string, module: Knex.Migration]> = [
  ['001_platform_schema', m001],
  ['002_open_task_index', m002],
  ['003_ingestion', m003],
  ['004_validations', m004],
  ['005_dag_file_inputs', m005],
];

const source: Knex.MigrationSource<Knex.Migration> = {
  getMigrations: async () => MIGRATIONS.map(([, m]) => m),
  getMigrationName: (m) => MIGRATIONS.find(([, x]) => x === m)![0],
  getMigration: async (m) => m,
};

/** Brings the platform schema up to date; returns the names of the migrations it applied. */
export async function migrate(connectionString: string): Promise<string[]> {
  const knex = knexFactory({ client: 'pg', connection: connectionString, pool: { min: 0, max: 1 } });
  try {
    // Two processes starting together on a new database may both get here: the loser's error is harmless.
    await knex.raw('CREATE SCHEMA IF NOT EXISTS sluice').catch((e: { code?: string }) => {
      if (e.code !== '23505' && e.code !== '42P06') throw e;
    });
    const [, applied] = await knex.migrate.latest({ migrationSource: source, schemaName: 'sluice', tableName: 'knex_migrations' });
    return applied as string[];
  } finally {
    await knex.destroy();
  }
}
