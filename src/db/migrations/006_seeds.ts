import type { Knex } from 'knex';

/** Seeds loaded: which file (by checksum) each seed table holds, so an unchanged file is not loaded again. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE sluice.seed (
      schema_name   text NOT NULL,
      table_name    text NOT NULL,
      file_path     text NOT NULL,
      checksum      text NOT NULL,
      rows          bigint NOT NULL,
      loaded_at     timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (schema_name, table_name)
    );
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
