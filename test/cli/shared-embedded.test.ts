import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { dagFile, tempProject } from '../support/sandbox';
import { runSluice, startSluice, stopped, waitFor } from '../support/processes';

/*
 * While `sluice standalone` owns the embedded database, other sluice processes connect to its
 * server (the URL in $SLUICE_HOME/embedded.url) instead of stopping with "in use": they list,
 * trigger and query, several at once, and the owner's scheduler keeps running what they trigger.
 */
const p = tempProject();
p.write(
  'hello.ts',
  dagFile(`
export default defineDag({
  id: 'hello', schedule: null, startDate: '2026-01-01', owner: 'ops',
  tasks: [task('say', () => 'hi'), task({ id: 'again', upstream: ['say'], run: () => 'again' })],
});`),
);
const home = path.join(p.dir, '.sluice');
const env = {
  SLUICE_DAGS_FOLDER: p.dags,
  SLUICE_HOME: home,
  DATABASE_URL: '',
  SLUICE_WORKERS: '2',
  SLUICE_WEB_PORT: '0',
};
const sluice = (args: string[]) => runSluice(args, { cwd: p.dir, env, timeoutMs: 90_000 });
const urlFile = path.join(home, 'embedded.url');
const lockFile = path.join(home, 'embedded.lock');

afterAll(() => p.cleanup());

test('dags list, dags trigger and sql run against a running standalone; stopping it removes its URL file', async () => {
  const owner = startSluice(['standalone'], env, p.dir);
  try {
    await waitFor(async () => existsSync(urlFile) && /running scheduler/.test(owner.output()), 90_000, 'standalone');
    expect(readFileSync(lockFile, 'utf8')).toBe(String(owner.pid));
    expect(readFileSync(urlFile, 'utf8')).toMatch(/^postgresql:\/\/postgres@127\.0\.0\.1:\d+\/postgres/);

    const list = await sluice(['dags', 'list']);
    expect([list.code, list.stderr]).toEqual([0, '']);
    expect(list.stdout).toMatch(/hello\s+manual\s+ops\s+dags\/hello\.ts/);

    const trigger = await sluice(['dags', 'trigger', 'hello']);
    expect([trigger.code, trigger.stderr]).toEqual([0, '']);
    expect(trigger.stdout).toMatch(/^triggered hello: run manual__/);

    // Several clients at once, while the owner schedules and runs the triggered run.
    const queries = await Promise.all(
      [1, 2, 3].map((n) => sluice(['sql', `select dag_id, ${n} as n from sluice.dag_run`, '--json'])),
    );
    queries.forEach((q, i) => {
      expect([q.code, q.stderr]).toEqual([0, '']);
      expect(JSON.parse(q.stdout)).toEqual([{ dag_id: 'hello', n: i + 1 }]);
    });
    const state = await waitFor(
      async () => {
        const r = await sluice(['sql', `select state from sluice.dag_run where dag_id = 'hello'`, '--csv']);
        expect(r.code).toBe(0);
        return /^state\n(success|failed)\n$/.exec(r.stdout)?.[1];
      },
      90_000,
      'the triggered run to finish',
    );
    expect(state).toBe('success');
    expect(owner.exitCode).toBeNull();
  } finally {
    owner.kill('SIGTERM');
    await stopped(owner);
  }
  expect(owner.exitCode).toBe(0);
  expect(existsSync(urlFile)).toBe(false);
  expect(existsSync(lockFile)).toBe(false);

  // The owner gone, the next command opens the database itself and sees what the clients did.
  const after = await sluice(['sql', `select count(*) as runs from sluice.dag_run`, '--csv']);
  expect(after.stdout).toBe('runs\n1\n');
}, 300_000);

test('a URL file left by a dead process is ignored: the command opens the database itself', async () => {
  mkdirSync(home, { recursive: true });
  const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
  writeFileSync(lockFile, String(dead));
  writeFileSync(urlFile, 'postgresql://postgres@127.0.0.1:1/postgres?sslmode=disable\n');
  const r = await sluice(['sql', 'select 1 as one']);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toMatch(/^one\n1\n\(1 row\)\n$/);
  expect(existsSync(urlFile)).toBe(false);
  expect(existsSync(lockFile)).toBe(false);
}, 120_000);

test('standalone --trigger watches the run its first tick created for the interval instead of starting a second', async () => {
  p.write(
    'daily.ts',
    dagFile(
      `export default defineDag({ id: 'daily', schedule: '@daily', startDate: '2026-01-01', catchup: false, tasks: [task('t', () => 1)] });`,
    ),
  );
  const owner = startSluice(['standalone', '--trigger', 'daily'], env, p.dir);
  try {
    await waitFor(async () => / daily run \S+ success: t=success/.test(owner.output()), 90_000, 'the run to end');
    expect(owner.output()).toMatch(
      /daily already has run scheduled__\S+ of that interval: watching it \(no second run\)/,
    );
    expect(owner.output()).toMatch(/web UI and API at http:\/\/127\.0\.0\.1:\d+ /);
  } finally {
    owner.kill('SIGTERM');
    await stopped(owner);
  }
  expect(owner.output()).toMatch(/stopped\n$/);
  const runs = await sluice(['sql', `select run_type from sluice.dag_run where dag_id = 'daily'`, '--csv']);
  expect(runs.stdout).toBe('run_type\nscheduled\n');
}, 180_000);
