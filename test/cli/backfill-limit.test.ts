import { spawn } from 'node:child_process';
import path from 'node:path';
import { dagFile, REPO, tempProject } from '../support/sandbox';
import { cliDatabases, type CliDatabase } from '../support/both-databases';

/*
 * A backfill of an hourly DAG over two months is 1,416 runs, of a per-minute DAG over a year half
 * a million: they were created without a word (and cut at 100,000 silently). The runs are counted
 * first; above the limit (1,000, --max-runs) nothing is created without --yes, and above 100,000
 * nothing at all.
 */
const p = tempProject();
p.write(
  'hourly.ts',
  dagFile(
    `export default defineDag({ id: 'hourly', schedule: '@hourly', startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
  ),
);
p.write(
  'minutely.ts',
  dagFile(
    `export default defineDag({ id: 'minutely', schedule: '* * * * *', startDate: '2025-01-01', tasks: [task('a', () => 1)] });`,
  ),
);
p.write(
  'daily.ts',
  dagFile(
    `export default defineDag({ id: 'daily', schedule: '@daily', startDate: '2026-01-01', tasks: [task('a', () => 1)] });`,
  ),
);

let dbs: CliDatabase[];
beforeAll(async () => {
  dbs = await cliDatabases('backfill_limit', p);
}, 60_000);
afterAll(async () => {
  for (const d of dbs ?? []) await d.close();
  p.cleanup();
});

const counts = (d: CliDatabase) =>
  d
    .query<{ runs: number; backfills: number }>(
      `SELECT (SELECT count(*)::int FROM sluice.dag_run) AS runs, (SELECT count(*)::int FROM sluice.backfill) AS backfills`,
    )
    .then((r) => r[0]);

test('a backfill over the limit is refused without --yes, naming the count, the limit and the flags; nothing is created', async () => {
  for (const d of dbs) {
    const big = await d.sluice([
      'backfill',
      'hourly',
      '--start',
      '2026-01-01',
      '--end',
      '2026-02-28T23:00',
      '--no-progress',
    ]);
    expect({ db: d.name, code: big.code }).toEqual({ db: d.name, code: 2 });
    expect(big.stderr.trim()).toBe(
      'error: backfill of hourly from 2026-01-01 to 2026-02-28T23:00 (schedule "@hourly") would create 1,416 runs, ' +
        'more than the limit of 1,000 (--max-runs): pass --yes to create all 1,416, or narrow --start/--end',
    );
    const many = await d.sluice([
      'backfill',
      'minutely',
      '--start',
      '2025-01-01',
      '--end',
      '2025-12-31',
      '--no-progress',
    ]);
    expect(many.stderr.trim()).toBe(
      'error: backfill of minutely from 2025-01-01 to 2025-12-31 (schedule "* * * * *") would create more than 10,000 runs, ' +
        'more than the limit of 1,000 (--max-runs): pass --yes to create them, or narrow --start/--end',
    );
    const huge = await d.sluice([
      'backfill',
      'minutely',
      '--start',
      '2025-01-01',
      '--end',
      '2025-12-31',
      '--yes',
      '--no-progress',
    ]);
    expect(huge.code).toBe(2);
    expect(huge.stderr.trim()).toBe(
      'error: backfill of minutely from 2025-01-01 to 2025-12-31 (schedule "* * * * *") covers more than 100,000 intervals, the most one backfill creates: split the range',
    );
    const over = await d.sluice([
      'backfill',
      'daily',
      '--start',
      '2026-01-01',
      '--end',
      '2026-01-03',
      '--max-runs',
      '2',
      '--no-progress',
    ]);
    expect(over.stderr).toMatch(/would create 3 runs, more than the limit of 2 \(--max-runs\): pass --yes/);
    expect(await counts(d)).toEqual({ runs: 0, backfills: 0 });
  }
}, 240_000);

test('with --yes the runs over the limit are all created and run', async () => {
  for (const d of dbs) {
    const r = await d.sluice([
      'backfill',
      'daily',
      '--start',
      '2026-01-01',
      '--end',
      '2026-01-03',
      '--max-runs',
      '2',
      '--yes',
      '--no-progress',
    ]);
    expect(r.stdout).toMatch(/backfill of daily: 3 succeeded, 0 failed/);
    expect(await counts(d)).toEqual({ runs: 3, backfills: 1 });
    expect(await d.query(`SELECT DISTINCT dag_id FROM sluice.dag_run`)).toEqual([{ dag_id: 'daily' }]);
  }
}, 240_000);

/** `sluice <args>` on a terminal (a pseudo-terminal from script(1)), answering the prompt once it shows. */
function onTerminal(
  args: string[],
  env: Record<string, string>,
  answer: string,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, path.join(REPO, 'bin/sluice.js'), ...args]
    .map((a) => `'${a.replace(/'/g, "'\\''")}'`)
    .join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: p.dir,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  let answered = false;
  const take = (b: Buffer) => {
    output += b;
    if (!answered && output.includes('Create them? [y/N]')) {
      answered = true;
      child.stdin!.write(`${answer}\n`);
    }
  };
  child.stdout!.on('data', take);
  child.stderr!.on('data', take);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      child.stdin!.end();
      resolve({ code, output });
    }),
  );
}

test('on a terminal a backfill over the limit asks; "n" creates nothing, "y" creates and runs them', async () => {
  for (const d of dbs) {
    const env = {
      SLUICE_DAGS_FOLDER: p.dags,
      SLUICE_HOME: path.join(p.dir, '.sluice'),
      SLUICE_WORKERS: '2',
      DATABASE_URL: d.url,
    };
    expect((await d.sluice(['dags', 'list'])).code).toBe(0); // the database exists, whichever test ran first
    const before = await counts(d);
    const no = await onTerminal(
      ['backfill', 'daily', '--start', '2026-02-01', '--end', '2026-02-03', '--max-runs', '2', '--no-progress'],
      env,
      'n',
    );
    expect(no.output).toContain('This backfill creates 3 runs (more than 2). Create them? [y/N]');
    expect(no.output).toContain(
      'error: backfill of daily from 2026-02-01 to 2026-02-03 (schedule "@daily") cancelled: nothing was created',
    );
    expect(await counts(d)).toEqual(before);
    const yes = await onTerminal(
      ['backfill', 'daily', '--start', '2026-02-01', '--end', '2026-02-03', '--max-runs', '2', '--no-progress'],
      env,
      'y',
    );
    expect(yes.output).toMatch(/backfill of daily: 3 succeeded, 0 failed/);
    expect(await counts(d)).toEqual({ runs: before.runs + 3, backfills: before.backfills + 1 });
  }
}, 240_000);
