import type { Knex } from 'knex';

/**
 * Alerts. Events (written in the transaction of the change they describe) are the outbox: a router
 * turns each unrouted event into alert rows, one per channel and target, and marks it routed, in
 * one transaction; a dispatcher claims alerts (SKIP LOCKED, with a lease, paced per target) and
 * records what the provider answered. Incidents group a DAG's failures until it recovers (and a
 * file's import errors until it imports). Events from before this migration are history: marked
 * routed, so an upgrade sends nothing for them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE sluice.event ADD COLUMN routed_at timestamptz;
    UPDATE sluice.event SET routed_at = created_at;
    CREATE INDEX event_unrouted ON sluice.event (id) WHERE routed_at IS NULL;

    -- Wakes dispatchers when an event commits (NOTIFY is delivered at commit, once per transaction
    -- for equal payloads). Per row: a statement that inserts no event (the deadline check, most
    -- passes) must not wake every dispatcher.
    CREATE FUNCTION sluice.notify_alerts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('sluice_alerts', ''); RETURN NULL; END $$;
    CREATE TRIGGER event_notify_alerts AFTER INSERT ON sluice.event
      FOR EACH ROW EXECUTE FUNCTION sluice.notify_alerts();

    CREATE TABLE sluice.alert_incident (
      id               bigserial PRIMARY KEY,
      key              text NOT NULL,
      kind             text NOT NULL,
      dag_id           text,
      file_path        text,
      opened_at        timestamptz NOT NULL DEFAULT now(),
      opened_by_event  bigint,
      last_event_at    timestamptz NOT NULL DEFAULT now(),
      events           integer NOT NULL DEFAULT 1,
      closed_at        timestamptz,
      closed_by_event  bigint
    );
    CREATE UNIQUE INDEX alert_incident_open ON sluice.alert_incident (key) WHERE closed_at IS NULL;
    CREATE INDEX alert_incident_recent ON sluice.alert_incident (opened_at DESC);

    CREATE TABLE sluice.alert (
      id               bigserial PRIMARY KEY,
      kind             text NOT NULL,
      dedupe_key       text NOT NULL,
      incident_id      bigint REFERENCES sluice.alert_incident (id) ON DELETE SET NULL,
      channel          text NOT NULL,
      target           text NOT NULL,
      dag_id           text,
      run_id           bigint REFERENCES sluice.dag_run (id) ON DELETE SET NULL,
      task_id          text,
      file_path        text,
      event_id         bigint,
      state            text NOT NULL DEFAULT 'pending',
      reason           text,
      attempts         integer NOT NULL DEFAULT 0,
      next_attempt_at  timestamptz NOT NULL DEFAULT now(),
      claimed_by       text,
      claimed_until    timestamptz,
      answer           text,
      provider_id      text,
      message          jsonb,
      created_at       timestamptz NOT NULL DEFAULT now(),
      sent_at          timestamptz,
      updated_at       timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT alert_state CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'suppressed'))
    );
    CREATE INDEX alert_due ON sluice.alert (channel, target, id) WHERE state IN ('pending', 'sending');
    CREATE INDEX alert_dedupe ON sluice.alert (dedupe_key, channel, target, id DESC);
    CREATE INDEX alert_run ON sluice.alert (run_id, kind) WHERE run_id IS NOT NULL;
    CREATE INDEX alert_incident_alerts ON sluice.alert (incident_id) WHERE incident_id IS NOT NULL;

    -- When a target may be sent to next (Slack takes about one message per second per channel).
    CREATE TABLE sluice.alert_pace (
      channel  text NOT NULL,
      target   text NOT NULL,
      next_at  timestamptz NOT NULL,
      PRIMARY KEY (channel, target)
    );

    -- One router at a time, across processes: it holds this row's lock while it routes.
    CREATE TABLE sluice.alert_router (id integer PRIMARY KEY CHECK (id = 1));
    INSERT INTO sluice.alert_router VALUES (1);

    CREATE TABLE sluice.alert_mute (
      dag_id      text PRIMARY KEY,
      until       timestamptz NOT NULL,
      muted_by    text,
      reason      text,
      created_at  timestamptz NOT NULL DEFAULT now()
    );

    -- A deadline passed for a run: recorded once, whatever the number of dispatchers.
    CREATE TABLE sluice.alert_deadline_miss (
      run_id       bigint NOT NULL REFERENCES sluice.dag_run (id) ON DELETE CASCADE,
      name         text NOT NULL,
      due_at       timestamptz NOT NULL,
      recorded_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (run_id, name)
    );
  `);
}

export async function down(): Promise<void> {
  throw new Error('Sluice migrations are forward-only');
}
