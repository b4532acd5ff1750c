import type { Knex } from 'knex';

/** The platform schema: DAGs, their serialized versions, runs, task instances, logs, events. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE SCHEMA IF NOT EXISTS sluice;

    CREATE TABLE sluice.dag_file (
      path            text PRIMARY KEY,
      hash            text NOT NULL,
      mtime_ms        double precision NOT NULL DEFAULT 0,
      size            bigint NOT NULL DEFAULT 0,
      dag_ids         text[] NOT NULL DEFAULT '{}',
      parse_ms        integer,
      parsed_at       timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE sluice.import_error (
      id              bigserial PRIMARY KEY,
      file_path       text NOT NULL,
      line            integer,
      col             integer,
      code            text NOT NULL,
      message         text NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX import_error_file ON sluice.import_error (file_path);

    CREATE TABLE sluice.dag (
      dag_id                  text PRIMARY KEY,
      file_path               text NOT NULL,
      is_active               boolean NOT NULL DEFAULT true,
      is_paused               boolean NOT NULL DEFAULT false,
      description             text,
      owner                   text NOT NULL,
      tags                    text[] NOT NULL DEFAULT '{}',
      schedule                text,
      timezone                text NOT NULL,
      start_date              timestamptz NOT NULL,
      end_date                timestamptz,
      catchup                 boolean NOT NULL,
      max_active_runs         integer NOT NULL,
      max_active_tasks        integer NOT NULL,
      latest_version_id       bigint,
      next_run_after          timestamptz,
      created_at              timestamptz NOT NULL DEFAULT now(),
      updated_at              timestamptz NOT NULL DEFAULT now()
    );

    -- One row per distinct structure of a DAG; runs keep the version they started with.
    CREATE TABLE sluice.dag_version (
      id              bigserial PRIMARY KEY,
      dag_id          text NOT NULL REFERENCES sluice.dag (dag_id) ON DELETE CASCADE,
      hash            text NOT NULL,
      file_path       text NOT NULL,
      structure       jsonb NOT NULL,
      created_at      timestamptz NOT NULL DEFAULT now(),
      UNIQUE (dag_id, hash)
    );

    CREATE TABLE sluice.dag_run (
      id                  bigserial PRIMARY KEY,
      dag_id              text NOT NULL REFERENCES sluice.dag (dag_id) ON DELETE CASCADE,
      run_id              text NOT NULL,
      run_type            text NOT NULL CHECK (run_type IN ('scheduled', 'manual', 'backfill')),
      state               text NOT NULL CHECK (state IN ('queued', 'running', 'success', 'failed')),
      dag_version_id      bigint NOT NULL REFERENCES sluice.dag_version (id),
      logical_date        timestamptz NOT NULL,
      data_interval_start timestamptz NOT NULL,
      data_interval_end   timestamptz NOT NULL,
      conf                jsonb NOT NULL DEFAULT '{}',
      backfill_id         bigint,
      had_failure         boolean NOT NULL DEFAULT false,
      queued_at           timestamptz NOT NULL DEFAULT now(),
      start_date          timestamptz,
      end_date            timestamptz,
      UNIQUE (dag_id, run_id)
    );
    -- Two schedulers can never create the same scheduled interval twice.
    CREATE UNIQUE INDEX dag_run_interval ON sluice.dag_run (dag_id, logical_date) WHERE run_type <> 'manual';
    CREATE INDEX dag_run_active ON sluice.dag_run (dag_id, state) WHERE state IN ('queued', 'running');

    CREATE TABLE sluice.task_instance (
      id                  bigserial PRIMARY KEY,
      run_id              bigint NOT NULL REFERENCES sluice.dag_run (id) ON DELETE CASCADE,
      dag_id              text NOT NULL,
      task_id             text NOT NULL,
      operator            text NOT NULL,
      upstream            text[] NOT NULL DEFAULT '{}',
      state               text NOT NULL DEFAULT 'none' CHECK (state IN
                            ('none', 'scheduled', 'queued', 'running', 'success', 'failed',
                             'up_for_retry', 'upstream_failed', 'skipped')),
      try_number          integer NOT NULL DEFAULT 0,
      max_tries           integer NOT NULL,
      priority_weight     integer NOT NULL DEFAULT 1,
      worker_id           text,
      hostname            text,
      queued_at           timestamptz,
      start_date          timestamptz,
      end_date            timestamptz,
      duration_ms         integer,
      heartbeat_at        timestamptz,
      next_try_at         timestamptz,
      UNIQUE (run_id, task_id)
    );
    CREATE INDEX task_instance_waiting ON sluice.task_instance (state, priority_weight DESC, id)
      WHERE state IN ('scheduled', 'queued', 'up_for_retry');
    CREATE INDEX task_instance_running ON sluice.task_instance (worker_id) WHERE state = 'running';
    CREATE INDEX task_instance_dag_active ON sluice.task_instance (dag_id) WHERE state IN ('queued', 'running');

    -- Every finished try, for the grid's history and each try's log.
    CREATE TABLE sluice.task_try (
      ti_id               bigint NOT NULL REFERENCES sluice.task_instance (id) ON DELETE CASCADE,
      try_number          integer NOT NULL,
      state               text NOT NULL,
      worker_id           text,
      hostname            text,
      start_date          timestamptz,
      end_date            timestamptz NOT NULL DEFAULT now(),
      duration_ms         integer,
      error               text,
      PRIMARY KEY (ti_id, try_number)
    );

    CREATE TABLE sluice.task_log (
      id                  bigserial PRIMARY KEY,
      ti_id               bigint NOT NULL REFERENCES sluice.task_instance (id) ON DELETE CASCADE,
      try_number          integer NOT NULL,
      logged_at           timestamptz NOT NULL DEFAULT now(),
      content             text NOT NULL
    );
    CREATE INDEX task_log_ti ON sluice.task_log (ti_id, try_number, id);

    -- A task's return value, handed to its downstream tasks (Airflow's XCom return_value).
    CREATE TABLE sluice.task_return (
      run_id              bigint NOT NULL REFERENCES sluice.dag_run (id) ON DELETE CASCADE,
      task_id             text NOT NULL,
      value               jsonb NOT NULL,
      PRIMARY KEY (run_id, task_id)
    );

    CREATE TABLE sluice.worker (
      id                  text PRIMARY KEY,
      hostname            text NOT NULL,
      pid                 integer NOT NULL,
      kind                text NOT NULL,
      started_at          timestamptz NOT NULL DEFAULT now(),
      heartbeat_at        timestamptz NOT NULL DEFAULT now(),
      stopped_at          timestamptz
    );

    -- Notable events, recorded in the transaction that caused them; alerts and the UI read them.
    CREATE TABLE sluice.event (
      id                  bigserial PRIMARY KEY,
      kind                text NOT NULL,
      dag_id              text,
      run_id              bigint,
      task_id             text,
      try_number          integer,
      file_path           text,
      message             text NOT NULL,
      payload             jsonb NOT NULL DEFAULT '{}',
      created_at          timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX event_created ON sluice.event (created_at);

    CREATE TABLE sluice.backfill (
      id                  bigserial PRIMARY KEY,
      dag_id              text NOT NULL REFERENCES sluice.dag (dag_id) ON DELETE CASCADE,
      from_date           timestamptz NOT NULL,
      to_date             timestamptz NOT NULL,
      created_at          timestamptz NOT NULL DEFAULT now()
    );
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
