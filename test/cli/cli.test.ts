import path from 'node:path';
import { dagFile, tempProject } from '../support/sandbox';
import { runSluice } from '../support/processes';
import { createTestDatabase } from '../support/pg';

const p = tempProject();
p.write(
  'hello.ts',
  dagFile(`
export default defineDag({
  id: 'hello', schedule: '@daily', startDate: '2026-01-01', owner: 'ops', catchup: false,
  tasks: [
    task('say', (ctx) => { ctx.log.info('hello %s', ctx.ds); return ctx.ds; }),
    task({ id: 'shout', upstream: ['say'], run: (ctx) => String(ctx.upstream.say).toUpperCase() }),
  ],
});`),
);
p.write(
  'failing.ts',
  dagFile(`
export default defineDag({ id: 'failing', schedule: null, startDate: '2026-01-01', tasks: [task('boom', () => { throw new Error('kaboom'); })] });`),
);

let db: { url: string; drop(): Promise<void> };
beforeAll(async () => {
  db = await createTestDatabase('cli');
});
afterAll(async () => {
  await db.drop();
  p.cleanup();
});

async function sluice(args: string[], embedded = false) {
  return runSluice(args, {
    cwd: p.dir,
    env: {
      SLUICE_DAGS_FOLDER: p.dags,
      SLUICE_HOME: path.join(p.dir, '.sluice'),
      SLUICE_WORKERS: '2',
      DATABASE_URL: embedded ? '' : db.url,
    },
  });
}

test('dags list shows schedule, owner, file, paused and next run', async () => {
  const r = await sluice(['dags', 'list']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/dag_id\s+schedule\s+owner\s+file\s+paused\s+next run/);
  expect(r.stdout).toMatch(/hello\s+@daily\s+ops\s+dags\/hello.ts\s+no\s+\d{4}-/);
  const json = JSON.parse((await sluice(['dags', 'list', '--json'])).stdout);
  expect(json.dags.map((d: { dagId: string }) => d.dagId)).toEqual(['failing', 'hello']);
});

test('dags test runs the DAG and exits 0 only when it succeeded', async () => {
  const ok = await sluice(['dags', 'test', 'hello', '--date', '2026-03-04']);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toMatch(/say\s+success\s+1/);
  expect(ok.stdout).toMatch(/shout\s+success\s+1/);
  expect(ok.stdout).toMatch(/: success$/m);
  const bad = await sluice(['dags', 'test', 'failing']);
  expect(bad.code).toBe(1);
  expect(bad.stdout).toMatch(/boom\s+failed/);
});

test('tasks test prints the task log; trigger, pause and unpause', async () => {
  const t = await sluice(['tasks', 'test', 'hello', 'say', '--date', '2026-03-04']);
  expect(t.code).toBe(0);
  expect(t.stdout).toMatch(/INFO {2}hello 2026-03-04/);
  expect(t.stdout).toMatch(/returned "2026-03-04"/);
  const tr = JSON.parse(
    (await sluice(['dags', 'trigger', 'hello', '--date', '2026-02-01', '--conf', '{"k":1}', '--json'])).stdout,
  );
  expect(tr.runId).toMatch(/^manual__/);
  expect(tr.interval.start).toBe('2026-02-01T00:00:00.000Z');
  expect((await sluice(['dags', 'pause', 'hello'])).stdout).toMatch(/hello paused/);
  expect((await sluice(['dags', 'list'])).stdout).toMatch(/hello\s+@daily\s+ops\s+dags\/hello.ts\s+yes/);
  expect((await sluice(['dags', 'unpause', 'hello'])).code).toBe(0);
});

test('backfill runs each interval of the range', async () => {
  const r = await sluice(['backfill', 'hello', '--start', '2026-01-10', '--end', '2026-01-12', '--no-progress']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/3\/3 runs finished/);
  expect(r.stdout).toMatch(/backfill of hello: 3 succeeded, 0 failed/);
});

test('mistakes get one clear message and a non-zero exit, never a stack trace', async () => {
  const unknown = await sluice(['dags', 'trigger', 'helo']);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr.trim()).toBe('error: no DAG "helo" (did you mean "hello"?); see `sluice dags list`');
  const conf = await sluice(['dags', 'trigger', 'hello', '--conf', '[1]']);
  expect(conf.code).toBe(2);
  expect(conf.stderr).toMatch(/--conf must be a JSON object/);
  const usage = await sluice(['dags', 'bogus']);
  expect(usage.code).toBe(2);
  expect((await sluice(['dags', 'test', '--help'])).stdout).toMatch(/--date <date>/);
});

test('dags check reports every broken file with file:line and exits 1', async () => {
  const broken = tempProject();
  broken.write('bad.ts', `import { defineDag } from 'sluice';\n\nconst x: number = ;\n`);
  try {
    const r = await sluice(['dags', 'check', broken.dags]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/bad\.ts:3:19: Unexpected ";"/);
    expect((await sluice(['dags', 'check'])).code).toBe(0);
  } finally {
    broken.cleanup();
  }
});

test('the embedded database (PGlite) runs the same DAG with the same results', async () => {
  const r = await sluice(['dags', 'test', 'hello', '--date', '2026-03-04', '--json'], true);
  expect(r.stderr).not.toMatch(/error/);
  const out = JSON.parse(r.stdout);
  expect(out.state).toBe('success');
  expect(out.tasks.map((t: { task_id: string; state: string }) => [t.task_id, t.state])).toEqual([
    ['say', 'success'],
    ['shout', 'success'],
  ]);
});
