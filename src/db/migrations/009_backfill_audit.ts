import type { Knex } from 'knex';

/**
 * Backfills from the web UI and the API: who created one and with what conf, who cancelled it and
 * when (its runs that had not started end failed; running ones finish). A backfill's progress is
 * read from its runs, so they are indexed by backfill.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE sluice.backfill
      ADD COLUMN conf          jsonb NOT NULL DEFAULT '{}',
      ADD COLUMN created_by    text,
      ADD COLUMN cancelled_at  timestamptz,
      ADD COLUMN cancelled_by  text;
    CREATE INDEX backfill_dag ON sluice.backfill (dag_id, id DESC);
    CREATE INDEX dag_run_backfill ON sluice.dag_run (backfill_id, logical_date) WHERE backfill_id IS NOT NULL;
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
