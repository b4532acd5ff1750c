import type { AlertMessage } from '../message';

// Every character a template must escape, in every text of the message.
const TRICKY = '"quoted" \\back\\slash\\ <!channel> <b>&amp;</b> ``` tab\tend 😀';

/**
 * A message with every field set and awkward text in each, rendered through the templates when they
 * load: a template that breaks on some message (a helper that does not exist, JSON that does not
 * parse once a quote shows up) fails at start-up rather than in the middle of an incident.
 */
export const SAMPLE_ALERT: AlertMessage = {
  kind: 'failure',
  severity: 'error',
  title: `orders_daily failed: load_orders ${TRICKY}`,
  dagId: 'orders_daily',
  runId: 'scheduled__2026-11-22T02:00:00+00:00',
  logicalDate: new Date('2026-11-22T02:00:00Z'),
  since: new Date('2026-11-22T02:05:00Z'),
  at: new Date('2026-11-22T02:06:41Z'),
  owner: `data-eng ${TRICKY}`,
  tasks: [
    {
      taskId: 'load_orders',
      state: 'failed',
      tryNumber: 3,
      maxTries: 3,
      durationMs: 41_000,
      error: `relation "staging.stg_orders" does not exist\n${TRICKY}`,
      logUrl: 'http://localhost:8080/dags/orders_daily/runs/r/tasks/load_orders?try=3',
      url: 'http://localhost:8080/dags/orders_daily/runs/r/tasks/load_orders',
    },
    { taskId: 'publish', state: 'upstream_failed' },
  ],
  expectations: [
    {
      suite: 'orders',
      table: 'raw.orders',
      type: 'expect_column_values_to_not_be_null',
      column: 'customer_id',
      severity: 'error',
      summary: `12 of 1,000 rows (1.2%) are null ${TRICKY}`,
      unexpectedCount: 12,
      elementCount: 1_000,
      sampleValues: ['', TRICKY],
    },
  ],
  deadline: { name: 'by 6am', reference: 'logical date', due: new Date('2026-11-22T06:00:00Z'), taskId: 'load_orders' },
  file: { path: 'dags/orders.ts', line: 12, message: `SyntaxError ${TRICKY}` },
  suppressed: 2,
  detail: `A note ${TRICKY}`,
  links: {
    run: 'http://localhost:8080/dags/orders_daily/runs/r',
    dag: 'http://localhost:8080/dags/orders_daily',
    log: 'http://localhost:8080/dags/orders_daily/runs/r/tasks/load_orders?try=3',
    alerts: 'http://localhost:8080/alerts',
    dataDocs: 'http://localhost:8080/data-docs/orders/index.html',
  },
  dedupeKey: `orders_daily:failure ${TRICKY}`,
};
