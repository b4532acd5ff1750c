/**
 * What an alert says, as data: the dispatcher builds one from the events of an incident, a channel
 * (Slack Web API, Slack incoming webhook, email) renders it through its templates and sends it.
 * Every text in it is already masked (task secrets and channel credentials): channels show it as is.
 */

/** What happened, as people on call sort it. */
export type AlertKind =
  | 'failure' // a run failed or is failing: tasks failed after their last try, gates closed
  | 'retry' // a try failed and another is scheduled (off unless routed)
  | 'warning' // a checkpoint passed with warn-severity expectations failing
  | 'deadline' // a run or task was not done by its deadline (sent while it is still going)
  | 'recovered' // the first success after an alerted failure: closes the incident
  | 'import_error' // a DAG file stopped importing
  | 'import_fixed' // ... and imports again: closes that incident
  | 'test'; // `sluice alerts test`

export type AlertSeverity = 'error' | 'warning' | 'ok' | 'info';

export interface AlertTask {
  readonly taskId: string;
  /** failed, upstream_failed, up_for_retry, running (a deadline), ... */
  readonly state: string;
  readonly tryNumber?: number;
  readonly maxTries?: number;
  readonly durationMs?: number;
  /** The error's first lines, masked; channels cut it further to their limits. */
  readonly error?: string;
  readonly logUrl?: string;
  readonly url?: string;
}

/** A failing expectation of a checkpoint, as the validation recorded it. */
export interface AlertExpectation {
  readonly suite: string;
  readonly table?: string;
  readonly type: string;
  readonly column?: string;
  readonly severity: 'error' | 'warn';
  /** The validation's one-line summary ("12 of 1,000 rows (1.2%) are null"). */
  readonly summary: string;
  readonly unexpectedCount?: number;
  readonly elementCount?: number;
  /** A few failing values, as text. */
  readonly sampleValues?: readonly string[];
}

export interface AlertMessage {
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  /** One line that says it all ("orders_daily failed: load_orders"); the notification fallback. */
  readonly title: string;
  readonly dagId?: string;
  /** The run's name (`scheduled__2026-11-22T02:00:00+00:00`). */
  readonly runId?: string;
  readonly logicalDate?: Date;
  /** When the incident began (its first event), for "since". */
  readonly since: Date;
  /** When the event that sends this message happened. */
  readonly at: Date;
  readonly owner?: string;
  /** Failed and upstream-failed tasks for a failure; the late task for a deadline; one for a retry. */
  readonly tasks: readonly AlertTask[];
  readonly expectations: readonly AlertExpectation[];
  readonly deadline?: {
    readonly name: string;
    readonly reference: string;
    readonly due: Date;
    readonly taskId?: string;
  };
  /** A DAG file that does not import. */
  readonly file?: { readonly path: string; readonly line?: number; readonly message: string };
  /** The same (DAG, task, kind) suppressed this many times since the last message of it was sent. */
  readonly suppressed: number;
  /** Free text (a test alert's note, a recovery's summary), masked. */
  readonly detail?: string;
  readonly links: {
    readonly run?: string;
    readonly dag?: string;
    readonly log?: string;
    readonly alerts?: string;
    readonly dataDocs?: string;
  };
  /** The incident's key (`orders_daily:failure`, `file:dags/x.ts:import_error`), shown in a context line. */
  readonly dedupeKey: string;
}

/** Where one delivery goes. A webhook is named, never shown by URL: the URL is itself a secret. */
export type AlertTarget =
  | { readonly channel: 'slack'; readonly to: string }
  | { readonly channel: 'webhook'; readonly to: string }
  | { readonly channel: 'email'; readonly to: string };

/** A provider's answer to one send. */
export type DeliveryAnswer =
  | { readonly ok: true; readonly answer: string; readonly providerId?: string }
  /** Try again later: down, timed out, rate limited (retryAfterMs from Retry-After when given). */
  | { readonly ok: false; readonly retry: true; readonly answer: string; readonly retryAfterMs?: number }
  /** Never going to work as configured (invalid_auth, channel_not_found, unknown webhook, no recipients). */
  | { readonly ok: false; readonly retry: false; readonly answer: string };
