import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkDagFiles } from '../../src/actions/check-dag-files';
import { lintSuites } from '../../src/checks/lint';
import { resolveConfig } from '../../src/config/config';
import { runSluice } from '../support/processes';
import { tempProject } from '../support/sandbox';

/*
 * Every duration goes through one parser: plain seconds (30 or "30") as the README says, or
 * "500ms", "30s", "5m", "2h", "1d"; zero, negative and absurd values are refused naming the setting
 * and the allowed range. Each entry point is tried: env settings, task options and the DAG's
 * defaults, the sensor's pokeInterval/timeout, and a suite's freshness max_age.
 */
const errorOf = (fn: () => unknown): Error & { code?: string } => {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
};

describe('env duration settings', () => {
  const SETTINGS = {
    SLUICE_PARSE_TIMEOUT: ['100ms', '1h', (c: ReturnType<typeof resolveConfig>) => c.parse.timeoutMs],
    SLUICE_POLL_INTERVAL: ['10ms', '10m', (c: ReturnType<typeof resolveConfig>) => c.executor.pollMs],
    SLUICE_HEARTBEAT_INTERVAL: ['100ms', '10m', (c: ReturnType<typeof resolveConfig>) => c.executor.heartbeatMs],
    SLUICE_TASK_TIMEOUT: ['100ms', '24d', (c: ReturnType<typeof resolveConfig>) => c.executor.defaultTimeoutMs],
    SLUICE_SCHEDULER_TICK: ['10ms', '10m', (c: ReturnType<typeof resolveConfig>) => c.scheduler.tickMs],
    SLUICE_ZOMBIE_THRESHOLD: ['1s', '1d', (c: ReturnType<typeof resolveConfig>) => c.scheduler.zombieThresholdMs],
  } as const;

  test.each(Object.entries(SETTINGS))(
    '%s takes plain seconds and units, and refuses zero, negative, absurd and unit-less words',
    (name, [min, max, read]) => {
      // The two that are checked against each other get a partner that leaves room.
      const partner =
        name === 'SLUICE_HEARTBEAT_INTERVAL'
          ? { SLUICE_ZOMBIE_THRESHOLD: '1d' }
          : name === 'SLUICE_ZOMBIE_THRESHOLD'
            ? { SLUICE_HEARTBEAT_INTERVAL: '100ms' }
            : {};
      const env = (v: string) => ({ [name]: v, ...partner });
      expect(read(resolveConfig(env('2')))).toBe(2000);
      expect(read(resolveConfig(env(' 1.5 ')))).toBe(1500);
      expect(read(resolveConfig(env('2s')))).toBe(2000);
      expect(read(resolveConfig(env('3m')))).toBe(180_000);
      for (const bad of ['0', '0s', '400d']) {
        const e = errorOf(() => resolveConfig(env(bad)));
        expect(e).toMatchObject({
          code: 'CONFIG_INVALID',
          message: `${name} must be ${bad === '400d' ? '' : 'more than zero, '}between ${min} and ${max}; got "${bad}"`,
        });
      }
      for (const bad of ['-5s', '5 minutes', '5x']) {
        expect(errorOf(() => resolveConfig(env(bad))).message).toBe(
          `${name} must be a duration: seconds (30 or "30") or a number with a unit ("500ms", "30s", "5m", "2h", "1d"); got the string ${JSON.stringify(bad)}`,
        );
      }
    },
  );

  test('the zombie threshold must cover two heartbeats; several bad settings are reported together', () => {
    expect(
      errorOf(() => resolveConfig({ SLUICE_HEARTBEAT_INTERVAL: '20s', SLUICE_ZOMBIE_THRESHOLD: '30s' })).message,
    ).toBe(
      'SLUICE_ZOMBIE_THRESHOLD (30s) must be at least twice SLUICE_HEARTBEAT_INTERVAL (20s), or running tasks count as lost between two heartbeats',
    );
    const e = errorOf(() =>
      resolveConfig({ SLUICE_PARSE_TIMEOUT: '0s', SLUICE_WORKERS: '10000', SLUICE_POLL_INTERVAL: 'soon' }),
    );
    expect(e.message).toBe(
      'configuration: 3 problems\n' +
        '  - SLUICE_PARSE_TIMEOUT must be more than zero, between 100ms and 1h; got "0s"\n' +
        '  - SLUICE_WORKERS must be a whole number from 1 to 256, got "10000"\n' +
        '  - SLUICE_POLL_INTERVAL must be a duration: seconds (30 or "30") or a number with a unit ("500ms", "30s", "5m", "2h", "1d"); got the string "soon"',
    );
  });

  test('a zero heartbeat stops the CLI at start with the setting named, before any database is opened', async () => {
    const p = tempProject();
    try {
      const r = await runSluice(['dags', 'list'], {
        cwd: p.dir,
        env: {
          SLUICE_HEARTBEAT_INTERVAL: '0',
          DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
          SLUICE_DAGS_FOLDER: p.dags,
        },
      });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(
        'error: SLUICE_HEARTBEAT_INTERVAL must be more than zero, between 100ms and 10m; got "0"',
      );
    } finally {
      p.cleanup();
    }
  });
});

describe('duration options in DAG files', () => {
  const p = tempProject();
  afterAll(() => p.cleanup());

  test("retryDelay, maxRetryDelay, executionTimeout (task and defaults) and the sensor's pokeInterval/timeout: each bad one named with file:line", async () => {
    const file = p.write(
      'durations.ts',
      `import { defineDag, task } from 'sluice';
import { waitForObjects } from 'sluice/operators';

export default defineDag({
  id: 'durations', schedule: '@daily', startDate: '2026-01-01',
  defaults: { retryDelay: 300000, maxRetryDelay: '0s' },
  tasks: [
    task({ id: 'ok', retryDelay: '30', maxRetryDelay: 600, executionTimeout: '2h', run: () => 1 }),
    task({ id: 'zero', retryDelay: '0', maxRetryDelay: '1h', executionTimeout: 0, run: () => 1 }),
    task({ id: 'long', retryDelay: '1m', maxRetryDelay: '1h', executionTimeout: '30d', run: () => 1 }),
    waitForObjects({ id: 'busy', bucket: 'raw', key: 'x/', pokeInterval: 0, timeout: '5m' }),
    waitForObjects({ id: 'slow', bucket: 'raw', key: 'x/', pokeInterval: '10m', timeout: '5m' }),
    waitForObjects({ id: 'fine', bucket: 'raw', key: 'x/', pokeInterval: '5', timeout: 600 }),
  ],
});
`,
    );
    const r = await checkDagFiles(p.dags, { processes: 1, timeoutMs: 10_000 });
    expect(r.issues.every((i) => i.file === file && i.code === 'DAG_INVALID')).toBe(true);
    expect(r.issues.map((i) => `${i.line}: ${i.message}`).sort()).toEqual(
      [
        '4: defaults: retryDelay must be between 0s and 1d; got 300000 (seconds)',
        '4: defaults: maxRetryDelay must be more than zero, between 1s and 7d; got "0s"',
        '9: task "zero": executionTimeout must be more than zero, between 100ms and 24d; got 0 (seconds)',
        '10: task "long": executionTimeout must be between 100ms and 24d; got "30d"',
        '11: task "busy": pokeInterval must be more than zero, between 10ms and 1d; got 0 (seconds)',
        '12: task "slow": pokeInterval (10m) is longer than timeout (5m): the sensor would look once and fail',
      ].sort(),
    );
  });
});

test('a freshness max_age of zero or with a unit slip is a lint problem naming the suite file and kwarg', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-suites-'));
  writeFileSync(
    path.join(dir, 'fresh.json'),
    JSON.stringify(
      {
        name: 'fresh',
        table: 'raw.t',
        expectations: [
          { type: 'expect_column_max_to_be_within', kwargs: { column: 'ts', max_age: '0s' } },
          { type: 'expect_column_max_to_be_within', kwargs: { column: 'ts', max_age: '90' } },
        ],
      },
      null,
      2,
    ),
  );
  const r = lintSuites(dir);
  expect(r.issues.map((i) => ({ file: path.basename(i.file ?? ''), pointer: i.pointer, message: i.message }))).toEqual([
    {
      file: 'fresh.json',
      pointer: '/expectations/0/kwargs/max_age',
      message: expect.stringContaining('max_age must be more than zero, between 1s and 3650d; got "0s"'),
    },
  ]);
});
