import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runToCompletion } from '../../src/actions/run-to-completion';
import { triggerDag } from '../../src/actions/trigger-dag';
import { syncDagFiles, type Runtime } from '../../src/actions/runtime';
import { tempProject, testRuntime } from '../support/sandbox';
import { runSluice } from '../support/processes';
import { checkpoint } from '../../operators/checkpoint';

const p = tempProject();
const suites = path.join(p.dir, 'expectations');
const suite = (name: string, body: object) => {
  mkdirSync(suites, { recursive: true });
  writeFileSync(path.join(suites, `${name}.json`), JSON.stringify({ name, ...body }, null, 2));
};
suite('items_strict', {
  table: 'public.items',
  where: "ds = '{{ds}}'",
  expectations: [
    { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id' } },
    { type: 'expect_column_values_to_be_between', kwargs: { column: 'price', min_value: 0 } },
  ],
});
suite('items_soft', {
  table: 'public.items',
  expectations: [
    {
      type: 'expect_column_values_to_be_between',
      kwargs: { column: 'price', min_value: 0, mostly: 0.99 },
      severity: 'warn',
    },
  ],
});
p.write(
  'gates.ts',
  `
import { defineDag, task } from 'sluice';
import { checkpoint } from 'sluice/operators';

const opts = { suitesDir: ${JSON.stringify(suites)} };
export default defineDag({
  id: 'gates', schedule: null, startDate: '2026-01-01', defaults: { retries: 2, retryDelay: 0 },
  tasks: [
    task({ id: 'load', produces: ['public.items'], run: async (ctx) => {
      await ctx.warehouse.query('CREATE TABLE IF NOT EXISTS public.items (id int PRIMARY KEY, price numeric, ds date)');
      await ctx.warehouse.query('DELETE FROM public.items');
      await ctx.warehouse.query("INSERT INTO public.items SELECT g, CASE WHEN g = 7 THEN -1 ELSE g END, $1::date FROM generate_series(1, 20) g", [ctx.ds]);
    } }),
    checkpoint({ id: 'soft_gate', suites: ['items_soft'], ...opts }),
    task({ id: 'after_soft', upstream: ['soft_gate'], run: () => 'built' }),
    checkpoint({ id: 'strict_gate', suites: ['items_strict'], ...opts }),
    task({ id: 'after_strict', upstream: ['strict_gate'], run: () => 'built' }),
  ],
});
`,
);

let rt: Runtime & { url: string };
beforeAll(async () => {
  rt = await testRuntime('checkpoint', p);
  await syncDagFiles(rt);
});
afterAll(async () => {
  await rt.close();
  p.cleanup();
});

test('an error-severity failure stops everything downstream; a warning lets the run go on; results, events and Data Docs are kept', async () => {
  const t = await triggerDag(rt, 'gates', { date: new Date('2026-03-01T00:00:00Z') });
  await runToCompletion(rt, [t.id]);
  const tis = await rt.db.query<{ task_id: string; state: string; try_number: number; id: number; upstream: string[] }>(
    `SELECT id, task_id, state, try_number, upstream FROM sluice.task_instance WHERE run_id = $1`,
    [t.id],
  );
  const by = Object.fromEntries(tis.rows.map((x) => [x.task_id, x]));
  expect(Object.fromEntries(tis.rows.map((x) => [x.task_id, x.state]))).toEqual({
    load: 'success',
    soft_gate: 'success',
    after_soft: 'success',
    strict_gate: 'failed',
    after_strict: 'upstream_failed',
  });
  expect(by.strict_gate.upstream).toEqual(['load']); // through the table it checks
  expect(by.strict_gate.try_number).toBe(1); // a closed gate is not retried
  const err = await rt.db.query(`SELECT error FROM sluice.task_try WHERE ti_id = $1`, [by.strict_gate.id]);
  expect(err.rows[0].error).toMatch(
    /^quality gate items_strict failed on public\.items: 1 expectation\(s\) failed\n {2}- \[1\] expect_column_values_to_be_between: 1 of 20/,
  );
  expect(err.rows[0].error).not.toMatch(/\n\s+at /); // no stack trace for a finding about the data

  const v = await rt.db.query(
    `SELECT suite, success, errors, warnings, where_clause, docs_path FROM sluice.validation ORDER BY suite`,
  );
  expect(v.rows).toEqual([
    {
      suite: 'items_soft',
      success: true,
      errors: 0,
      warnings: 1,
      where_clause: null,
      docs_path: expect.stringMatching(/^validations\/items_soft\/\d+\.html$/),
    },
    {
      suite: 'items_strict',
      success: false,
      errors: 1,
      warnings: 0,
      where_clause: "ds = '2026-03-01'",
      docs_path: expect.stringMatching(/^validations\/items_strict\/\d+\.html$/),
    },
  ]);
  const r = await rt.db
    .query(`SELECT r.idx, r.success, r.unexpected_count::int, r.sample FROM sluice.validation_result r
    JOIN sluice.validation v ON v.id = r.validation_id WHERE v.suite = 'items_strict' ORDER BY r.idx`);
  expect(r.rows[1]).toMatchObject({ idx: 1, success: false, unexpected_count: 1 });
  expect(r.rows[1].sample).toEqual([expect.objectContaining({ id: 7 })]);
  const events = await rt.db.query(`SELECT kind FROM sluice.event WHERE kind LIKE 'check_%' ORDER BY id`);
  expect(events.rows.map((e) => e.kind).sort()).toEqual(['check_failed', 'check_warned']);

  const docs = path.join(p.dir, '.sluice', 'data-docs');
  const index = readFileSync(path.join(docs, 'index.html'), 'utf8');
  expect(index).toMatch(/items_soft[\s\S]*passed with warnings[\s\S]*items_strict[\s\S]*failed/);
  const page = readFileSync(path.join(docs, String(v.rows[1].docs_path)), 'utf8');
  expect(page).toContain('expect_column_values_to_be_between');
  expect(page).toContain('SQL for every failing row');
});

test('the expectations CLI: lint names file, line and JSON pointer; validate exits 1 only when the gate closes', async () => {
  const sluice = (...args: string[]) =>
    runSluice(args, {
      cwd: p.dir,
      env: { DATABASE_URL: rt.url, SLUICE_DAGS_FOLDER: p.dags, SLUICE_HOME: path.join(p.dir, '.sluice') },
    });
  const soft = await sluice('expectations', 'validate', 'items_soft');
  expect(soft.code).toBe(0);
  expect(soft.stdout).toMatch(/items_soft on public\.items: passed — 0 error\(s\), 1 warning\(s\)/);
  const strict = await sluice('expectations', 'validate', 'items_strict', '--date', '2026-03-01');
  expect(strict.code).toBe(1);
  expect(strict.stdout).toMatch(/FAILED/);

  suite('broken', {
    table: 'public.items',
    expectations: [
      { type: 'expect_column_values_to_be_uniqe', kwargs: { column: 'id' } },
      { type: 'expect_column_values_to_be_between', kwargs: { column: 'price', min_vaule: 0 } },
    ],
  });
  const lint = await sluice('expectations', 'lint');
  expect(lint.code).toBe(1);
  expect(lint.stdout).toMatch(
    /expectations\/broken\.json:\d+:\d+: \/expectations\/0\/type: .*expect_column_values_to_be_unique/,
  );
  expect(lint.stdout).toMatch(/expectations\/broken\.json:\d+:\d+: \/expectations\/1\/kwargs\/min_vaule: .*min_value/);
  expect(existsSync(path.join(p.dir, '.sluice', 'data-docs', 'index.html'))).toBe(true);
});

test('a checkpoint reads its suites when the DAG file is parsed: a missing or invalid suite, or a table that names nothing, is a problem of the task', () => {
  const q = tempProject();
  try {
    const dir = path.join(q.dir, 'expectations');
    mkdirSync(dir);
    mkdirSync(path.join(q.dir, 'sql', 'staging'), { recursive: true });
    writeFileSync(path.join(q.dir, 'sql', 'staging', 'stg_payments.sql'), 'select 1 as payment_id\n');
    const write = (name: string, text: string) => writeFileSync(path.join(dir, `${name}.json`), text);
    const one = (name: string, table: string, kwargs?: object) =>
      write(
        name,
        JSON.stringify(
          {
            name,
            table,
            expectations: [
              kwargs
                ? { type: 'expect_table_row_count_to_equal_other_table', kwargs }
                : { type: 'expect_table_row_count_to_be_between', kwargs: { min_value: 1 } },
            ],
          },
          null,
          2,
        ),
      );
    one('stg_payments', 'stg_payments');
    one('typo_table', 'stg_payment');
    one('typo_other', 'stg_payments', { other_table_name: 'stg_paymnts' });
    one('outside', 'public.legacy_payments', { other_table_name: 'stg_payments' });
    write('not_json', '{\n  "name": "not_json",\n  "table": "stg_payments",,\n}\n');
    write(
      'invalid',
      '{\n  "name": "invalid",\n  "table": "stg_payments",\n  "expectations": [{ "type": "expect_table_row_count_to_be_betwen" }]\n}\n',
    );
    const opts = { suitesDir: dir, projectDir: q.dir };

    const good = checkpoint({ id: 'gate', suites: ['stg_payments', 'outside'], ...opts });
    expect(good.problems).toBeUndefined();
    expect(good.consumes).toEqual(['staging.stg_payments', 'public.legacy_payments']);

    const bad = checkpoint({
      id: 'gate',
      suites: ['stg_payment', 'typo_table', 'typo_other', 'not_json', 'invalid'],
      ...opts,
    });
    const hint = (t: string) => `; a table outside the project is written schema.table, e.g. "public.${t}"`;
    expect(bad.problems).toEqual([
      `suite "stg_payment": no expectation suite "stg_payment" in ${dir} (did you mean "stg_payments"?) (suites: invalid, not_json, outside, stg_payments, typo_other, typo_table)`,
      `suite "typo_table": ${dir}/typo_table.json:3:12: /table: table "stg_payment" is no model, seed or source (did you mean "stg_payments"?)${hint('stg_payment')}`,
      `suite "typo_other": ${dir}/typo_other.json:8:29: /expectations/0/kwargs/other_table_name: table "stg_paymnts" is no model, seed or source (did you mean "stg_payments"?)${hint('stg_paymnts')}`,
      `suite "not_json": ${dir}/not_json.json:3:27: not valid JSON: expected a property name in double quotes, found ","`,
      `suite "invalid": ${dir}/invalid.json:4:30: /expectations/0/type: unknown expectation type "expect_table_row_count_to_be_betwen" (did you mean "expect_table_row_count_to_be_between"?)`,
    ]);
  } finally {
    q.cleanup();
  }
});
