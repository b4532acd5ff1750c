import { defineDag, task } from '../../src/index';
import { errorOf } from '../support/error-of';
import { serializeDag, structureHash } from '../../src/dag/serialized-dag';

describe('defineDag', () => {
  test('a task consuming a table another task produces runs after it; two producers of one table are an error', () => {
    const dag = defineDag({
      id: 'tables',
      schedule: null,
      startDate: '2026-01-01',
      tasks: [
        task({ id: 'load', produces: ['raw.Shop_Orders'], run: () => 1 }),
        task({
          id: 'model',
          consumes: ['raw.shop_orders', 'raw.elsewhere'],
          produces: ['staging.stg_orders'],
          run: () => 1,
        }),
        task({ id: 'mart', upstream: ['model'], consumes: ['staging.stg_orders'], run: () => 1 }),
      ],
    });
    expect(dag.tasks.model.upstream).toEqual(['load']);
    expect(dag.tasks.mart.upstream).toEqual(['model']);
    const s = serializeDag(dag);
    expect(s.tasks.find((t) => t.id === 'load')).toMatchObject({ produces: ['raw.shop_orders'] });
    expect(s.tasks.find((t) => t.id === 'mart')).not.toHaveProperty('produces');
    const err = errorOf(() =>
      defineDag({
        id: 'twice',
        schedule: null,
        startDate: '2026-01-01',
        tasks: [
          task({ id: 'a', produces: ['raw.t'], run: () => 1 }),
          task({ id: 'b', produces: ['raw.t'], run: () => 1 }),
        ],
      }),
    );
    expect(err.message).toMatch(/task "b" produces raw\.t, which task "a" produces too/);
  });

  test('applies defaults and resolves durations', () => {
    const dag = defineDag({
      id: 'etl',
      schedule: '@daily',
      startDate: '2026-01-01',
      timezone: 'Europe/Amsterdam',
      defaults: {
        retries: 3,
        retryDelay: '10s',
        retryExponentialBackoff: true,
        maxRetryDelay: '1m',
        executionTimeout: 90,
      },
      tasks: [
        task('a', () => 1),
        task({ id: 'b', upstream: ['a'], retries: 0, triggerRule: 'all_done', run: () => 2 }),
      ],
    });
    expect(dag.startDate.toISOString()).toBe('2025-12-31T23:00:00.000Z');
    expect(dag.tasks.a).toMatchObject({
      retries: 3,
      retryDelayMs: 10_000,
      maxRetryDelayMs: 60_000,
      executionTimeoutMs: 90_000,
      triggerRule: 'all_success',
    });
    expect(dag.tasks.b).toMatchObject({ retries: 0, upstream: ['a'], triggerRule: 'all_done' });
    expect(dag.source?.file).toBe(__filename);
  });

  test('collects every problem at once, each with the file and line', () => {
    const line = new Error().stack!.split('\n')[1].match(/:(\d+):\d+\)?$/)![1];
    const err = errorOf(() =>
      defineDag({
        id: 'bad dag',
        schedule: '99 * * * *',
        startDate: 'soon',
        tasks: [
          task({ id: 'a', upstream: ['c'] as string[], run: () => 1 }),
          task({ id: 'b', upstream: ['a'], run: () => 1 }),
          task({ id: 'c', upstream: ['b', 'extrakt'] as string[], run: () => 1 }),
          task('a', () => 1),
          task({ id: 'e', upstream: ['extract'] as string[], run: () => 1 }),
          task('extract', () => 1),
        ],
      }),
    );
    expect(err.code).toBe('DAG_INVALID');
    const messages = err.issues.map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'DAG id "bad dag" is invalid: use letters, digits, "_", "." and "-"',
        expect.stringMatching(/^invalid cron "99 \* \* \* \*"/),
        'startDate "soon" is not a date (use YYYY-MM-DD or an ISO date-time)',
        'duplicate task id "a"',
        'task "c" has unknown upstream task "extrakt" (did you mean "extract"?)',
        'cycle: a -> b -> c -> a',
      ]),
    );
    expect(messages).toHaveLength(6);
    const dup = err.issues.find((i) => i.message.startsWith('duplicate'))!;
    expect(dup.file).toBe(__filename);
    expect(dup.line).toBe(Number(line) + 10);
  });

  test('reports each cycle once, self-dependencies and unknown trigger rules', () => {
    const err = errorOf(() =>
      defineDag({
        id: 'cycles',
        schedule: null,
        startDate: '2026-01-01',
        tasks: [
          task({ id: 'x', upstream: ['y'] as string[], run: () => 1 }),
          task({ id: 'y', upstream: ['x'] as string[], run: () => 1 }),
          task({ id: 's', upstream: ['s'] as string[], run: () => 1 }),
          task({ id: 't', triggerRule: 'sometimes' as never, run: () => 1 }),
        ],
      }),
    );
    expect(err.issues.map((i) => i.message).sort()).toEqual([
      'cycle: x -> y -> x',
      'task "s" depends on itself',
      'task "t": unknown trigger rule "sometimes" (one of all_success, all_failed, all_done, one_success, one_failed, none_failed, none_failed_min_one_success, always)',
    ]);
  });

  test('the serialized structure holds no code and its hash ignores the line', () => {
    const make = () =>
      defineDag({ id: 'h', schedule: '@hourly', startDate: '2026-01-01', tasks: [task('a', () => 1)] });
    const s = serializeDag(make());
    expect(JSON.parse(JSON.stringify(s)).tasks[0]).toEqual(
      expect.objectContaining({ id: 'a', operator: 'task', upstream: [] }),
    );
    expect(structureHash(s)).toBe(structureHash({ ...serializeDag(make()), line: 999 }));
  });
});
