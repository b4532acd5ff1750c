import type { Knex } from 'knex';

/**
 * Quality-gate results: one row per validation of a suite and one per expectation, with what was
 * observed, the counts and a sample of failing rows, so the UI and alerts can show why a gate closed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE sluice.validation (
      id              bigserial PRIMARY KEY,
      suite           text NOT NULL,
      table_name      text NOT NULL,
      where_clause    text,
      run_id          bigint REFERENCES sluice.dag_run (id) ON DELETE SET NULL,
      dag_id          text,
      task_id         text,
      ds              date,
      success         boolean NOT NULL,
      errors          integer NOT NULL,
      warnings        integer NOT NULL,
      expectations    integer NOT NULL,
      queries         integer NOT NULL,
      started_at      timestamptz NOT NULL,
      duration_ms     integer NOT NULL,
      docs_path       text,
      created_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX validation_suite ON sluice.validation (suite, id DESC);

    CREATE TABLE sluice.validation_result (
      validation_id       bigint NOT NULL REFERENCES sluice.validation (id) ON DELETE CASCADE,
      idx                 integer NOT NULL,
      type                text NOT NULL,
      severity            text NOT NULL CHECK (severity IN ('error', 'warn')),
      kwargs              jsonb NOT NULL,
      success             boolean NOT NULL,
      observed            jsonb,
      element_count       bigint,
      unexpected_count    bigint,
      unexpected_percent  double precision,
      null_count          bigint,
      sample              jsonb,
      failing_rows_sql    text,
      summary             text NOT NULL,
      PRIMARY KEY (validation_id, idx)
    );
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
