import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runToCompletion } from '../../src/actions/run-to-completion';
import { triggerDag } from '../../src/actions/trigger-dag';
import { isAlive } from '../../src/db/embedded';
import { TryDirs } from '../../src/executor/try-dirs';
import { dagFileProcessor, type Runtime } from '../../src/actions/runtime';
import { readLog } from '../../src/state/task-instances';
import { runSluice, startSluice, stopped, waitFor } from '../support/processes';
import { dagFile, REPO, tempProject, testRuntime } from '../support/sandbox';

const execFileAsync = promisify(execFile);

// What a task can do to the process that runs it: print without end, crash its worker, start
// processes that outlive it, leave files in the temp folder.
const DAGS = dagFile(`
import { execSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bashOperator } from 'sluice/operators';

export const loud = defineDag({
  id: 'loud', schedule: null, startDate: '2026-01-01',
  tasks: [task('shout', () => {
    const mb = 'x'.repeat(1024 * 1024 - 1) + '\\n';
    for (let i = 0; i < 40; i++) process.stdout.write(mb);
    console.log('the end');
    return 'done';
  })],
});

export const quiet = defineDag({
  id: 'quiet', schedule: null, startDate: '2026-01-01',
  tasks: [task('hello', (ctx) => { ctx.log.info('hello'); return 1; })],
});

export const meddles = defineDag({
  id: 'meddles', schedule: null, startDate: '2026-01-01',
  tasks: [task('sends', async () => { process.send!(null); await new Promise((r) => setTimeout(r, 30_000)); })],
});

export const crashes = defineDag({
  id: 'crashes', schedule: null, startDate: '2026-01-01',
  tasks: [task({ id: 'dies', retries: 2, retryDelay: 0, run: () => { process.kill(process.pid, 'SIGKILL'); } })],
});

export const leaves = defineDag({
  id: 'leaves', schedule: null, startDate: '2026-01-01',
  tasks: [
    bashOperator({ id: 'background', command: 'sleep 300 & echo $!' }),
    task({ id: 'spawner', run: () => {
      const child = spawn('sleep', ['301'], { stdio: 'ignore' });
      child.unref();
      return child.pid;
    } }),
    task({ id: 'sync_spawner', run: async () => {
      // execSync is not seen starting anything; a try this long is swept anyway.
      const pid = Number(execSync('sleep 304 > /dev/null 2>&1 & echo $!').toString().trim());
      await new Promise((r) => setTimeout(r, 400));
      return pid;
    } }),
    task({ id: 'spool', run: () => {
      const file = path.join(os.tmpdir(), 'spool-' + process.pid + '.csv');
      writeFileSync(file, 'a,b\\n');
      return file;
    } }),
  ],
});

export const orphan = defineDag({
  id: 'orphan', schedule: null, startDate: '2026-01-01',
  tasks: [task({ id: 'waits', run: async () => {
    const child = spawn('sleep', ['303'], { stdio: 'ignore' });
    writeFileSync(process.env.PID_FILE ?? path.join(os.tmpdir(), 'pid'), String(child.pid));
    await new Promise(() => undefined);
  } })],
});

export const hangs = defineDag({
  id: 'hangs', schedule: null, startDate: '2026-01-01',
  tasks: [task({ id: 'stuck', executionTimeout: '5s', run: async (ctx) => {
    const child = spawn('sleep', ['302'], { stdio: 'ignore' });
    writeFileSync(path.join(os.tmpdir(), 'partial.csv'), 'half a file');
    ctx.log.info('child %d tmp %s', child.pid, os.tmpdir());
    await new Promise(() => undefined);
  } })],
});
`);

const p = tempProject();
p.write('isolation.ts', DAGS);
const LIMIT = 1024 * 1024;

let rt: Runtime & { url: string };
beforeAll(async () => {
  rt = await testRuntime('isolation', p, { executor: { pollMs: 100, heartbeatMs: 200, logLimitBytes: LIMIT } });
  const files = dagFileProcessor(rt);
  try {
    expect(await files.sync()).toMatchObject({ errors: 0 });
  } finally {
    await files.close();
  }
});
afterAll(async () => {
  await rt.close();
  p.cleanup();
});

async function runOf(dagId: string) {
  const run = await triggerDag(rt, dagId);
  const [outcome] = await runToCompletion(rt, [run.id]);
  const tis = await rt.db.query<{ id: number; task_id: string; state: string; try_number: number }>(
    `SELECT id, task_id, state, try_number FROM sluice.task_instance WHERE run_id = $1 ORDER BY task_id`,
    [run.id],
  );
  const values = await rt.db.query<{ task_id: string; value: unknown }>(
    `SELECT task_id, value FROM sluice.task_return WHERE run_id = $1`,
    [run.id],
  );
  return {
    state: outcome.state,
    tis: tis.rows,
    value: Object.fromEntries(values.rows.map((v) => [v.task_id, v.value])),
  };
}

test('a task printing 40 MB keeps 1 MiB of log with a truncation note; the executor and other DAGs go on', async () => {
  const loudRun = triggerDag(rt, 'loud');
  const quietRun = triggerDag(rt, 'quiet');
  const outcomes = await runToCompletion(rt, [(await loudRun).id, (await quietRun).id]);
  expect(outcomes.map((o) => o.state)).toEqual(['success', 'success']);
  const ti = await rt.db.query<{ id: number }>(`SELECT id FROM sluice.task_instance WHERE run_id = $1`, [
    (await loudRun).id,
  ]);
  const log = await readLog(rt.db, ti.rows[0].id);
  expect(Buffer.byteLength(log)).toBeLessThan(LIMIT + 1000);
  expect(Buffer.byteLength(log)).toBeGreaterThan(LIMIT - 1000);
  expect(log).toMatch(
    /\[sluice\] log truncated: \d+ more bytes of output were dropped \(at most 1048576 bytes are kept per try; SLUICE_TASK_LOG_LIMIT sets it\)/,
  );
  const dropped = Number(/truncated: (\d+) more/.exec(log)![1]);
  expect(dropped + Buffer.byteLength(log.slice(0, log.indexOf('[sluice]')))).toBeGreaterThanOrEqual(40 * 1024 * 1024);
  // Written in bounded chunks, not as one row.
  const rows = await rt.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sluice.task_log WHERE ti_id = $1`, [
    ti.rows[0].id,
  ]);
  expect(rows.rows[0].n).toBeGreaterThan(1);
});

test('a task that kills its worker on every try ends failed after its retries; the other DAG runs meanwhile', async () => {
  const bad = await triggerDag(rt, 'crashes');
  const good = await triggerDag(rt, 'quiet');
  const outcomes = await runToCompletion(rt, [bad.id, good.id]);
  expect(outcomes.map((o) => o.state).sort()).toEqual(['failed', 'success']);
  const tries = await rt.db.query<{ try_number: number; state: string; error: string }>(
    `SELECT y.try_number, y.state, y.error FROM sluice.task_try y JOIN sluice.task_instance t ON t.id = y.ti_id WHERE t.run_id = $1 ORDER BY 1`,
    [bad.id],
  );
  expect(tries.rows.map((r) => r.state)).toEqual(['up_for_retry', 'up_for_retry', 'failed']);
  expect(tries.rows[2].error).toMatch(/the worker process running the task died \(signal SIGKILL\)/);
});

test('a task that sends its executor garbage fails alone; the executor goes on', async () => {
  const bad = await triggerDag(rt, 'meddles');
  const good = await triggerDag(rt, 'quiet');
  const outcomes = await runToCompletion(rt, [bad.id, good.id]);
  expect(outcomes.map((o) => o.state).sort()).toEqual(['failed', 'success']);
  const tries = await rt.db.query<{ error: string }>(
    `SELECT y.error FROM sluice.task_try y JOIN sluice.task_instance t ON t.id = y.ti_id WHERE t.run_id = $1`,
    [bad.id],
  );
  expect(tries.rows).toEqual([{ error: expect.stringMatching(/^the executor could not handle the task's output: /) }]);
});

test('processes a try started end with it, and so do its temp files', async () => {
  const r = await runOf('leaves');
  expect(r.state).toBe('success');
  const bgPid = Number(r.value.background);
  const spawnedPid = Number(r.value.spawner);
  const syncPid = Number(r.value.sync_spawner);
  expect(bgPid).toBeGreaterThan(0);
  expect(spawnedPid).toBeGreaterThan(0);
  expect(syncPid).toBeGreaterThan(0);
  await waitFor(
    async () => !isAlive(bgPid) && !isAlive(spawnedPid) && !isAlive(syncPid),
    5000,
    'the left-over processes to end',
  );
  const spool = String(r.value.spool);
  expect(spool.startsWith(path.join(os.tmpdir(), 'sluice-tries'))).toBe(true);
  expect(existsSync(spool)).toBe(false);
  expect(existsSync(path.join(os.tmpdir(), 'sluice-tries', String(process.pid)))).toBe(false); // the stopped executor left none
  const log = await readLog(rt.db, r.tis.find((t) => t.task_id === 'background')!.id);
  expect(log).toMatch(/ended 1 process\(es\) the task left running/);
});

test('an execution timeout ends the task, what it started, and the files it left in its temp folder', async () => {
  const r = await runOf('hangs');
  expect(r.state).toBe('failed');
  const log = await readLog(rt.db, r.tis[0].id);
  const [, pid, tmp] = /child (\d+) tmp (\S+)/.exec(log)!;
  await waitFor(async () => !isAlive(Number(pid)), 5000, "the timed-out task's child to end");
  expect(tmp.startsWith(path.join(os.tmpdir(), 'sluice-tries'))).toBe(true);
  expect(existsSync(path.join(tmp, 'partial.csv'))).toBe(false);
  const tries = await rt.db.query<{ error: string }>(`SELECT error FROM sluice.task_try WHERE ti_id = $1`, [
    r.tis[0].id,
  ]);
  expect(tries.rows[0].error).toMatch(/exceeded its execution timeout of 5s/);
});

test('a CLI killed while a task runs takes the task and what it started with it', async () => {
  const pidFile = path.join(p.dir, 'orphan.pid');
  const cli = startSluice(
    ['dags', 'test', 'orphan'],
    {
      DATABASE_URL: rt.url,
      SLUICE_DAGS_FOLDER: p.dags,
      SLUICE_HOME: path.join(p.dir, '.sluice'),
      PID_FILE: pidFile,
    },
    p.dir,
  );
  const pid = await waitFor(
    async () => existsSync(pidFile) && Number(readFileSync(pidFile, 'utf8')),
    60_000,
    'the task to start its child',
  );
  expect(isAlive(pid)).toBe(true);
  cli.kill('SIGKILL');
  await stopped(cli);
  await waitFor(async () => !isAlive(pid), 10_000, "the task's child to end with the CLI");
});

test('an executor sweeps the temp folders of executors that died', () => {
  const base = path.join(os.tmpdir(), `sluice-tries-test-${process.pid}`);
  const dead = path.join(base, '999999999', 'ti-1-try-1');
  mkdirSync(dead, { recursive: true });
  writeFileSync(path.join(dead, 'spool.csv'), 'x');
  const live = path.join(base, String(process.ppid));
  mkdirSync(live, { recursive: true });
  expect(new TryDirs(base).sweepStale()).toBe(1);
  expect(readdirSync(base)).toEqual([String(process.ppid)]);
});

test('the embedded database: the same log cap, and nothing the tasks started is left', async () => {
  const emb = tempProject();
  emb.write('isolation.ts', DAGS);
  const home = path.join(emb.dir, '.sluice');
  const env = {
    DATABASE_URL: '',
    SLUICE_HOME: home,
    SLUICE_DAGS_FOLDER: emb.dags,
    SLUICE_WORKERS: '2',
    SLUICE_TASK_LOG_LIMIT: '1MiB',
  };
  try {
    const loud = await runSluice(['dags', 'test', 'loud', '--json'], { cwd: emb.dir, env, timeoutMs: 90_000 });
    expect(JSON.parse(loud.stdout).state).toBe('success');
    const leaves = await runSluice(['dags', 'test', 'leaves', '--json'], { cwd: emb.dir, env, timeoutMs: 90_000 });
    expect(JSON.parse(leaves.stdout).state).toBe('success');
    const query = async (sql: string) => {
      const r = await execFileAsync(
        process.execPath,
        [path.join(REPO, 'bin/run-ts.js'), path.join(REPO, 'test/support/embedded-query.ts'), home, sql],
        { timeout: 60_000 },
      );
      return JSON.parse(r.stdout) as Array<Record<string, any>>;
    };
    const logs =
      await query(`SELECT octet_length(log) AS bytes, substring(log from 'log truncated: [0-9]+ more bytes') AS note
      FROM (SELECT string_agg(l.content, '' ORDER BY l.id) AS log FROM sluice.task_log l
              JOIN sluice.task_instance t ON t.id = l.ti_id WHERE t.task_id = 'shout') x`);
    expect(logs[0].bytes).toBeLessThan(LIMIT + 1000);
    expect(logs[0].note).toMatch(/log truncated: \d+ more bytes/);
    const values = await query(
      `SELECT v.task_id, v.value FROM sluice.task_return v WHERE v.task_id IN ('background', 'spawner', 'spool')`,
    );
    const byTask = Object.fromEntries(values.map((v) => [v.task_id, v.value]));
    await waitFor(
      async () => !isAlive(Number(byTask.background)) && !isAlive(Number(byTask.spawner)),
      5000,
      'left-over processes to end',
    );
    expect(existsSync(String(byTask.spool))).toBe(false);
  } finally {
    emb.cleanup();
  }
}, 180_000);
