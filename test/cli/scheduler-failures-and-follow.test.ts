import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempProject } from '../support/sandbox';
import { createTestDatabase } from '../support/pg';
import { runSluice, startSluice, stopped, waitFor } from '../support/processes';

/*
 * A running scheduler logs why each task failed (not only that it did), and `tasks logs --follow`
 * prints a running try's log until the try ends. Real Postgres only: the embedded database serves
 * one process, so a second command cannot join a running scheduler there.
 */
const p = tempProject();
const release = path.join(p.dir, 'release');
p.write(
  'jobs.ts',
  `import { existsSync } from 'node:fs';
import { defineDag, task } from 'sluice';

export const failing = defineDag({
  id: 'failing', schedule: null, startDate: '2026-01-01',
  tasks: [task('boom', (ctx) => { ctx.log.info('about to fail'); throw new Error('kaboom'); })],
});

export const waiting = defineDag({
  id: 'waiting', schedule: null, startDate: '2026-01-01',
  tasks: [task('wait', async (ctx) => {
    ctx.log.info('waiting for the release file');
    while (!existsSync(${JSON.stringify(release)})) await new Promise((r) => setTimeout(r, 50));
    ctx.log.info('released');
  })],
});
`,
);

let db: { url: string; drop(): Promise<void> };
let env: Record<string, string>;
beforeAll(async () => {
  db = await createTestDatabase('sched_failures');
  env = {
    DATABASE_URL: db.url,
    SLUICE_DAGS_FOLDER: p.dags,
    SLUICE_HOME: path.join(p.dir, '.sluice'),
    SLUICE_HEARTBEAT_INTERVAL: '200ms',
    SLUICE_SCHEDULER_TICK: '200ms',
  };
});
afterAll(async () => {
  await db.drop();
  p.cleanup();
});

test('the scheduler logs a failed task with its error, file:line and log tail; tasks logs --follow ends with the try', async () => {
  const sluice = (args: string[]) => runSluice(args, { cwd: p.dir, env });
  expect((await sluice(['db', 'migrate'])).code).toBe(0);
  const sched = startSluice(['scheduler'], env, p.dir);
  try {
    await waitFor(async () => /parsed \d+ DAG file/.test(sched.output()), 60_000, 'the scheduler to parse the DAGs');
    expect((await sluice(['dags', 'trigger', 'failing'])).code).toBe(0);
    const logged = await waitFor(
      async () =>
        /ERROR \[sluice\] failing\.boom failed on try 1: Error: kaboom\n[\s\S]*?about to fail\n/.exec(sched.output()) ??
        undefined,
      60_000,
      'the failure in the scheduler log',
    );
    expect(logged[0]).toMatch(/\n {2}at \S*jobs\.ts:6:\d+\n/);
    expect(logged[0]).toMatch(/\n {2}last 1 log line\(s\) of try 1:\n {4}\| \S+ INFO {2}about to fail\n/);

    expect((await sluice(['dags', 'trigger', 'waiting'])).code).toBe(0);
    await waitFor(
      async () => {
        const r = await sluice(['runs', 'list', '--dag', 'waiting', '--state', 'running', '--json']);
        return r.code === 0 && JSON.parse(r.stdout).length > 0;
      },
      60_000,
      'the run to start',
    );
    await waitFor(async () => (await sluice(['tasks', 'logs', 'waiting', 'wait'])).code === 0, 60_000, 'the try');
    const follow = startSluice(['tasks', 'logs', 'waiting', 'wait', '--follow'], env, p.dir);
    // The executor writes a running try's log at every heartbeat; --follow prints it as it comes.
    await waitFor(async () => follow.output().includes('waiting for the release file'), 60_000, 'the first line');
    expect(follow.exitCode).toBe(null);
    writeFileSync(release, '');
    await stopped(follow);
    expect(follow.exitCode).toBe(0);
    expect(follow.output()).toMatch(/INFO {2}waiting for the release file\n[\s\S]*INFO {2}released\n$/);
  } finally {
    sched.kill('SIGTERM');
    await stopped(sched);
  }
}, 180_000);
