import type { Knex } from 'knex';

/**
 * What a task instance did, for its page and the API. `task_try.details`: what a try recorded
 * (`ctx.recordDetails`: the compiled SQL of a model task, say), written by the statement that ends
 * the try. The indexes find a task instance's loads, validations and events without a scan.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE sluice.task_try ADD COLUMN details jsonb;
    CREATE INDEX ingestion_log_task ON sluice.ingestion_log (run_id, task_id);
    CREATE INDEX validation_task ON sluice.validation (run_id, task_id);
    CREATE INDEX event_run ON sluice.event (run_id) WHERE run_id IS NOT NULL;
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
