import { defineDag, task } from '../../src/index';
import { errorOf } from '../support/error-of';
import { serializeDag, structureHash } from '../../src/dag/serialized-dag';

const base = { schedule: '@daily', startDate: '2026-01-01' } as const;

describe('alerts on defineDag and tasks', () => {
  test('routes, window and deadlines are stored as plain lists and milliseconds', () => {
    const dag = defineDag({
      ...base,
      id: 'orders',
      alerts: {
        slack: '#data-eng',
        email: ['oncall@example.com', 'oncall@example.com', 'lead@example.com'],
        webhook: 'ops',
        on: ['failure', 'retry'],
        window: '10m',
        deadlines: [
          { reference: 'data_interval_end', after: '2h' },
          { name: 'load_late', reference: 'queued_at', after: '30m', task: 'load' },
        ],
      },
      tasks: [
        task({ id: 'load', run: () => 1 }),
        task({ id: 'check', upstream: ['load'], alerts: { slack: ['#analytics'], on: ['warning'] }, run: () => 1 }),
      ],
    });
    const s = serializeDag(dag);
    expect(s.alerts).toEqual({
      slack: ['#data-eng'],
      webhook: ['ops'],
      email: ['oncall@example.com', 'lead@example.com'],
      on: ['failure', 'retry'],
      windowMs: 600_000,
      deadlines: [
        { name: 'run_2h', reference: 'data_interval_end', afterMs: 7_200_000, task: null },
        { name: 'load_late', reference: 'queued_at', afterMs: 1_800_000, task: 'load' },
      ],
    });
    expect(s.tasks.find((t) => t.id === 'check')?.alerts).toEqual({
      slack: ['#analytics'],
      webhook: [],
      email: [],
      on: ['warning'],
    });
    expect(s.tasks.find((t) => t.id === 'load')).not.toHaveProperty('alerts');
  });

  test('a DAG without alerts keeps its structure hash (no new version on upgrade)', () => {
    const plain = defineDag({ ...base, id: 'same', tasks: [task({ id: 'a', run: () => 1 })] });
    const s = serializeDag(plain);
    expect(s).not.toHaveProperty('alerts');
    expect(JSON.stringify(s)).not.toContain('alerts');
    const withAlerts = defineDag({
      ...base,
      id: 'same',
      alerts: { slack: '#x' },
      tasks: [task({ id: 'a', run: () => 1 })],
    });
    expect(structureHash(serializeDag(withAlerts))).not.toBe(structureHash(s));
  });

  test('every mistake is reported together, named', () => {
    const e = errorOf(() =>
      defineDag({
        ...base,
        id: 'bad',
        alerts: {
          slack: ['data eng'],
          email: 'not-an-address',
          webhook: 'https://hooks.slack.com/services/T/B/x',
          on: ['failures' as never],
          window: '10 minutes' as never,
          deadlines: [
            { reference: 'logical' as never, after: '1h' },
            { reference: 'queued_at', after: 'soon' as never, task: 'lod' },
          ],
          sla: '1h',
        } as never,
        tasks: [task({ id: 'load', alerts: { slak: '#x' } as never, run: () => 1 })],
      }),
    );
    const text = e.issues.map((i) => i.message).join('\n');
    expect(e.code).toBe('DAG_INVALID');
    expect(text).toContain('alerts.slack has "data eng", which is not a channel name');
    expect(text).toContain('alerts.email has "not-an-address", which is not an email address');
    expect(text).toContain('alerts.webhook has "https://hooks.slack.com/services/T/B/x", which is not a webhook name');
    expect(text).toContain('alerts.on has "failures", not an event (did you mean "failure"?');
    expect(text).toContain('alerts.window must be a duration');
    expect(text).toContain(
      'alerts.deadlines[0].reference must be one of data_interval_end, logical_date, queued_at, got the string "logical"',
    );
    expect(text).toContain('alerts.deadlines[1].after must be a duration');
    expect(text).toContain('alerts.deadlines[1].task "lod" is not a task of the DAG (did you mean "load"?)');
    expect(text).toContain('alerts: unknown option "sla"');
    expect(text).toContain('task "load": alerts: unknown option "slak" (did you mean "slack"?)');
  });
});
