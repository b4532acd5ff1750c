import type { Knex } from 'knex';

/**
 * Users of the web UI and API, their sessions and API tokens, and login attempts (the rate limit):
 * all in Postgres so any web server can serve any user and a limit holds across servers. Session
 * and token secrets are stored only as SHA-256 hashes; passwords as scrypt hashes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE sluice.web_user (
      id             bigserial PRIMARY KEY,
      username       text NOT NULL UNIQUE CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
      role           text NOT NULL CHECK (role IN ('Viewer', 'Op', 'Admin')),
      password_hash  text NOT NULL,
      created_at     timestamptz NOT NULL DEFAULT now(),
      password_set_at timestamptz NOT NULL DEFAULT now(),
      last_login_at  timestamptz
    );
    CREATE TABLE sluice.web_session (
      token_hash     text PRIMARY KEY,
      user_id        bigint NOT NULL REFERENCES sluice.web_user (id) ON DELETE CASCADE,
      csrf_token     text NOT NULL,
      created_at     timestamptz NOT NULL DEFAULT now(),
      expires_at     timestamptz NOT NULL
    );
    CREATE INDEX web_session_user ON sluice.web_session (user_id);
    CREATE TABLE sluice.api_token (
      id             bigserial PRIMARY KEY,
      user_id        bigint NOT NULL REFERENCES sluice.web_user (id) ON DELETE CASCADE,
      name           text NOT NULL,
      token_hash     text NOT NULL UNIQUE,
      created_at     timestamptz NOT NULL DEFAULT now(),
      expires_at     timestamptz,
      last_used_at   timestamptz,
      UNIQUE (user_id, name)
    );
    CREATE TABLE sluice.login_attempt (
      id             bigserial PRIMARY KEY,
      username       text NOT NULL,
      client         text NOT NULL,
      at             timestamptz NOT NULL DEFAULT now(),
      succeeded      boolean NOT NULL
    );
    CREATE INDEX login_attempt_username ON sluice.login_attempt (username, at);
    CREATE INDEX login_attempt_client ON sluice.login_attempt (client, at);
    -- The UI's DAG list and grid read each DAG's newest runs.
    CREATE INDEX dag_run_recent ON sluice.dag_run (dag_id, id DESC);
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
