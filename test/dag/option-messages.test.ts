import { checkDagFiles } from '../../src/actions/check-dag-files';
import { defineDag, task, type ValidationError } from '../../src/index';
import { tempProject } from '../support/sandbox';

/*
 * Option mistakes as a user writes them in a DAG file (no type checker between them and the
 * parser): values are shown with their type ("retries: '3'" said "got 3"), a string where a list
 * is expected is named, typos get a suggestion, and every problem of the DAG comes at once with
 * its line.
 */
const p = tempProject();
afterAll(() => p.cleanup());

test('every option mistake of a DAG is reported together, values shown with their type, each at its line', async () => {
  const file = p.write(
    'opts.ts',
    `import { defineDag, task } from 'sluice';

export default defineDag({
  id: 'opts', schedule: '@daily', startDate: '2026-01-01', catchup: 'yes', maxActiveRuns: '2', shedule: '@hourly',
  defaults: { retries: '3', retyDelay: '1m' },
  tasks: [
    task('extract', () => 1),
    task({ id: 'load', upstream: 'extract', retries: 2.5, triggerRule: 'all_sucess', run: () => 1 }),
    task({ id: 'report', upstream: 7, retires: 3, priorityWeight: '1', retryExponentialBackoff: 'true', run: () => 1 }),
    task({ id: 'mail', upstream: ['load', { id: 'x' }], produces: 'mart.mail', run: 'send' }),
  ],
});
`,
  );
  p.write(
    'other.ts',
    `import { defineDag, task } from 'sluice';\nexport default defineDag({ id: 'other', schedule: null, startDate: '2026-01-01', tasks: [task('a', () => 1)] });\n`,
  );
  const r = await checkDagFiles(p.dags, { processes: 1, timeoutMs: 10_000 });
  expect(r.dags.map((d) => d.dagId)).toEqual(['other']);
  const issues = r.issues.filter((i) => i.file === file);
  expect(issues.every((i) => i.code === 'DAG_INVALID')).toBe(true);
  expect(issues.map((i) => `${i.line}: ${i.message}`).sort()).toEqual([
    '10: task "mail": has no run function (run is the string "send")',
    '10: task "mail": upstream[1] must be a string, got an object {"id":"x"}',
    '3: catchup must be true or false, got the string "yes"',
    '3: defaults: retries must be a whole number >= 0, got the string "3"',
    '3: defaults: unknown task option "retyDelay" (did you mean "retryDelay"?)',
    '3: maxActiveRuns must be a whole number >= 1, got the string "2"',
    '3: unknown DAG option "shedule" (did you mean "schedule"?)',
    '8: task "load": retries must be a whole number >= 0, got the number 2.5',
    '8: task "load": unknown trigger rule "all_sucess" (did you mean "all_success"? one of all_success, all_failed, all_done, one_success, one_failed, none_failed, none_failed_min_one_success, always)',
    '9: task "report": priorityWeight must be a whole number, got the string "1"',
    '9: task "report": retryExponentialBackoff must be true or false, got the string "true"',
    '9: task "report": unknown option "retires" (did you mean "retries"?)',
    '9: task "report": upstream must be a list of task ids (or one as a string), got the number 7',
  ]);
});

test("one upstream id (or table, or tag) given as a string is a one-element list, as Airflow's set_upstream takes one task or a list", () => {
  const dag = defineDag({
    id: 'single',
    schedule: null,
    startDate: '2026-01-01',
    tags: 'shop',
    tasks: [
      task({ id: 'extract', produces: 'raw.Orders', run: () => 1 }),
      task({ id: 'load', upstream: 'extract', consumes: 'raw.orders', run: () => 1 }),
    ],
  });
  expect(dag.tags).toEqual(['shop']);
  expect(dag.tasks.load.upstream).toEqual(['extract']);
  expect(dag.tasks.extract.produces).toEqual(['raw.orders']);
  expect(dag.tasks.load.consumes).toEqual(['raw.orders']);
});

test('a task object given where its id belongs is named, with the id to write', () => {
  const extract = task('extract', () => 1);
  expect(() =>
    defineDag({
      id: 'objects',
      schedule: null,
      startDate: '2026-01-01',
      tasks: [extract, task({ id: 'load', upstream: [extract as unknown as 'extract'], run: () => 1 })],
    }),
  ).toThrow(/task "load": upstream\[0\] is a task; give its id instead: "extract"/);
});

test('params that JSON cannot carry (a Date, a function, NaN) are named with their path', () => {
  let error: ValidationError | undefined;
  try {
    defineDag({
      id: 'params',
      schedule: null,
      startDate: '2026-01-01',
      params: { since: new Date('2026-01-01') as never, limit: Number.NaN, hooks: { notify: (() => 1) as never } },
      tasks: [task('a', () => 1)],
    });
  } catch (e) {
    error = e as ValidationError;
  }
  expect(error?.issues.map((i) => `${i.file === __filename}: ${i.message}`)).toEqual([
    'true: params: $.since is the Date 2026-01-01T00:00:00.000Z, not a JSON value',
    'true: params: $.limit is the number NaN, which JSON cannot carry',
    'true: params: $.hooks.notify is a function (notify), not a JSON value',
  ]);
});
