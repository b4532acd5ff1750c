import { defineDag, task } from '../../src/index';
import { defineTask } from '../../src/dag/task';
import { serializeDag, structureHash } from '../../src/dag/serialized-dag';

// DAG versions are keyed by the structure hash: the stored JSON of a task, down to its key order, must not drift.
test('a stored task is its resolved options in a fixed order, with null for a missing doc or config and lineage only when present', () => {
  const dag = defineDag({
    id: 'pinned',
    schedule: '@daily',
    startDate: '2026-01-01',
    defaults: { retries: 1, retryDelay: '10s' },
    tasks: [
      task({ id: 'load', produces: ['raw.orders'], doc: 'loads orders', run: () => 1 }),
      defineTask(
        'bash',
        { id: 'report', consumes: ['raw.orders'], executionTimeout: '1m', run: () => 1 },
        { command: 'echo hi' },
      ),
    ],
  });
  const s = serializeDag(dag);
  expect(JSON.stringify(s.tasks)).toBe(
    '[{"id":"load","operator":"task","upstream":[],"triggerRule":"all_success","retries":1,"retryDelayMs":10000,' +
      '"retryExponentialBackoff":false,"maxRetryDelayMs":86400000,"executionTimeoutMs":null,"priorityWeight":1,' +
      '"doc":"loads orders","config":null,"produces":["raw.orders"]},' +
      '{"id":"report","operator":"bash","upstream":["load"],"triggerRule":"all_success","retries":1,"retryDelayMs":10000,' +
      '"retryExponentialBackoff":false,"maxRetryDelayMs":86400000,"executionTimeoutMs":60000,"priorityWeight":1,' +
      '"doc":null,"config":{"command":"echo hi"},"consumes":["raw.orders"]}]',
  );
  expect(structureHash(s)).toBe('e95e68d22bf2e139b393019bb826caac');
});
