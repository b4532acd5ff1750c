import type { Knex } from 'knex';

/**
 * Lake and raw-load bookkeeping: one ingestion_log row per object landed or loaded, and one
 * watermark per incremental source. A watermark only moves in the transaction that commits the
 * load reaching it, so a crash can neither skip nor repeat rows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE sluice.ingestion_log (
      id              bigserial PRIMARY KEY,
      run_id          bigint REFERENCES sluice.dag_run (id) ON DELETE SET NULL,
      dag_id          text,
      task_id         text,
      kind            text NOT NULL CHECK (kind IN ('land', 'load')),
      status          text NOT NULL CHECK (status IN ('success', 'failed')),
      source          text NOT NULL,
      bucket          text,
      object_key      text,
      target          text,
      ds              date,
      rows            bigint,
      rejected_rows   bigint NOT NULL DEFAULT 0,
      bytes           bigint,
      checksum        text,
      watermark       text,
      duration_ms     integer,
      error           text,
      created_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX ingestion_log_source ON sluice.ingestion_log (source, created_at DESC);

    CREATE TABLE sluice.watermark (
      source          text PRIMARY KEY,
      value           text NOT NULL,
      object_key      text,
      run_id          bigint REFERENCES sluice.dag_run (id) ON DELETE SET NULL,
      updated_at      timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
