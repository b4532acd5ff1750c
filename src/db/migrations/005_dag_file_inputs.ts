import type { Knex } from 'knex';

/** What a DAG file's shape was read from besides itself (sql/, expectations/), so changes there re-parse it. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE sluice.dag_file ADD COLUMN inputs text[] NOT NULL DEFAULT '{}',
                                ADD COLUMN inputs_fingerprint text;
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
