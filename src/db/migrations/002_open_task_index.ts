import type { Knex } from 'knex';

/**
 * Every completion asks "is any task of this run still open?"; a partial index on the open task
 * instances answers with one probe instead of a scan of the run's finished ones (a fan-out of n
 * tasks would otherwise read O(n²) rows).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE INDEX task_instance_open ON sluice.task_instance (run_id)
      WHERE state NOT IN ('success', 'failed', 'upstream_failed', 'skipped');
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
