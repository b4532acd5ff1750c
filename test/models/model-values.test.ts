/**
 * Values never change the meaning of SQL, on Postgres and on embedded PGlite, as a user meets it:
 * model files in a project, `sluice models run --vars …` and a DAG run with `--conf`. Every entry
 * point a value comes in by (var, vars.x, DAG params/conf, ds and the data interval, literal and
 * ident, a macro's argument, the keys of a var object) prints a self-delimiting literal; a value
 * Postgres would reject, or one printed where it would end a string or comment or join a word, is
 * an error naming the value and the file and line; names longer than 63 bytes are refused.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempProject } from '../support/sandbox';
import { DB_KINDS, openTestDb, type TestDb } from './databases';
import { writeProject } from './fixture';

/** g in 1..20 with g > 10 - n and g < 15: 3 rows for n = -1; `10--1` would comment out "and g < 15" (10 rows). */
const filtered = (value: string) =>
  `/* config\nmaterialized: table\n*/\nselect count(*)::int as n from generate_series(1, 20) g where g > 10-${value} and g < 15\n`;
const EVIL_KEY = "x'; drop table raw.keep; --";
const LONG = 'a'.repeat(64);

describe.each(DB_KINDS)('%s', (kind) => {
  let db: TestDb;
  const p = tempProject();
  const root = p.dir;
  const run = (...args: string[]) => db.sluice(['models', 'run', ...args], root);

  beforeAll(async () => {
    db = await openTestDb(kind, `values_${kind}`);
    p.write(
      'values.ts',
      `
import { defineDag } from 'sluice';
import { sqlModels } from 'sluice/operators';
export default defineDag({ id: 'values', schedule: null, startDate: '2026-01-01',
  tasks: sqlModels({ projectDir: ${JSON.stringify(root)}, select: 'path:sql/marts', vars: { n: 0, labels: {} } }) });
`,
    );
    const files: Record<string, string> = {
      'sql/macros/ten_minus.sql': '10-{{value}}\n',
      'sql/marts/by_var.sql': filtered('{{var "n"}}'),
      'sql/marts/by_vars_path.sql': filtered('{{vars.n}}'),
      'sql/marts/by_literal.sql': filtered('{{literal -1}}'),
      'sql/marts/by_macro.sql':
        '/* config\nmaterialized: table\n*/\nselect count(*)::int as n from generate_series(1, 20) g where g > {{> ten_minus value=(var "n")}} and g < 15\n',
      'sql/marts/by_key.sql': 'select {{#each vars.labels}}{{@key}}::text as k{{@index}}{{/each}}\n',
      'sql/marts/by_context.sql':
        'select ({{ds}} - 1)::text as before, {{data_interval_end}} - {{data_interval_start}} as span\n',
      'sql/bad/nul.sql': 'select {{var "s"}} as s\n',
      'sql/bad/surrogate.sql': 'select 1 as x,\n  {{vars.lone}} as s\n',
      'sql/bad/big.sql': 'select {{var "big"}} as b\n',
      'sql/bad/in_string.sql': "select 'day {{ds}}' as s\n",
      'sql/bad/glued.sql': 'select x{{var "n"}} from (select 1 as x) t\n',
      'sql/bad/in_comment.sql': 'select 1 as x -- {{var "t"}}\n  , 2 as y\n',
      'sql/bad/long_ident.sql': `select 1 as {{ident "${LONG}"}}\n`,
      'sql/bad/macro_nul.sql': 'select {{> ten_minus value=(var "s")}} as v\n',
    };
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      writeFileSync(path.join(root, rel), text);
    }
    await db.sql('CREATE SCHEMA raw; CREATE TABLE raw.keep (id int); INSERT INTO raw.keep VALUES (1), (2)');
  }, 120_000);
  afterAll(async () => {
    await db?.close();
    p.cleanup();
  });

  test('var, vars.x, literal, a macro argument, the keys of a var object and the run context print as self-delimiting literals', async () => {
    const r = await run(
      '--select',
      'path:sql/marts',
      '--date',
      '2026-03-01',
      '--vars',
      JSON.stringify({ n: -1, labels: { [EVIL_KEY]: 1 } }),
    );
    expect(r.stderr).toBe(r.stderr.replace(/error in/, '')); // no model failed
    expect(r.code).toBe(0);
    for (const t of ['by_var', 'by_vars_path', 'by_literal', 'by_macro']) {
      expect([t, await db.sql(`SELECT n FROM marts.${t}`)]).toEqual([t, [{ n: 3 }]]);
    }
    expect(await db.sql('SELECT k0 FROM marts.by_key')).toEqual([{ k0: EVIL_KEY }]);
    expect(await db.sql('SELECT before, span::text FROM marts.by_context')).toEqual([
      { before: '2026-02-28', span: '1 day' },
    ]);
    expect(await db.sql('SELECT count(*)::int AS n FROM raw.keep')).toEqual([{ n: 2 }]);
  }, 120_000);

  test('DAG params (run conf vars) print as literals too', async () => {
    const r = await db.sluice(
      ['dags', 'test', 'values', '--date', '2026-03-02', '--conf', JSON.stringify({ vars: { n: -1 } })],
      root,
      { SLUICE_DAGS_FOLDER: p.dags },
    );
    expect(r.stdout).toMatch(/^by_var\s+success/m);
    expect(await db.sql('SELECT n FROM marts.by_var')).toEqual([{ n: 3 }]);
    const bad = await db.sluice(
      ['dags', 'test', 'values', '--date', '2026-03-02', '--conf', '{"vars": {"n": "a\\u0000b"}}'],
      root,
      { SLUICE_DAGS_FOLDER: p.dags },
    );
    // A run's conf is stored as jsonb, which cannot hold a NUL byte: refused before the run, naming the param.
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(
      /error: --conf: \$\.vars\.n contains a NUL character \(\\u0000\) at position 1, which Postgres cannot store/,
    );
    // A DAG's own vars (its sqlModels params) reach the template as they are: the model fails naming the var, file and line.
    const dagParams = await db.sluice(
      ['dags', 'test', 'values', '--date', '2026-03-03', '--conf', '{"vars": {"n": 12345678901234567890}}'],
      root,
      { SLUICE_DAGS_FOLDER: p.dags },
    );
    expect(dagParams.stdout).toMatch(/^by_var\s+failed/m);
    const [failure] = await db.sql(`SELECT t.error FROM sluice.task_try t JOIN sluice.task_instance i ON i.id = t.ti_id
      WHERE i.task_id = 'by_var' AND t.error IS NOT NULL ORDER BY t.ti_id DESC, t.try_number DESC LIMIT 1`);
    expect(failure.error).toMatch(/sql\/marts\/by_var\.sql:4:\d+: var "n" is 12345678901234567000, beyond 2\^53/);
    expect(await db.sql('SELECT n FROM marts.by_var')).toEqual([{ n: 3 }]);
  }, 120_000);

  test('a value Postgres rejects, or printed where it would end a string or comment or join a word, is an error naming it and its file and line', async () => {
    const vars =
      '{"s": "a\\u0000b", "lone": "\\ud800", "big": 12345678901234567890, "n": -1, "t": "x\\ndrop table raw.keep"}';
    const r = await run('--select', 'path:sql/bad', '--vars', vars);
    expect(r.code).toBe(1);
    const out = r.stderr;
    expect(out).toMatch(
      /sql\/bad\/nul\.sql:1:8: var "s" contains a NUL byte \(\\u0000\), which Postgres text cannot hold/,
    );
    expect(out).toMatch(/sql\/bad\/surrogate\.sql:2:3: var "lone" contains an unpaired UTF-16 surrogate/);
    expect(out).toMatch(
      /sql\/bad\/big\.sql:1:8: var "big" is 12345678901234567000, beyond 2\^53: it was rounded when read as JSON/,
    );
    expect(out).toMatch(/sql\/bad\/in_string\.sql:1:13: ds is printed inside a quoted string \('day …/);
    expect(out).toMatch(/sql\/bad\/glued\.sql:1:9: var "n" is glued to the "x" before it/);
    expect(out).toMatch(/sql\/bad\/in_comment\.sql:1:18: var "t" is printed inside a comment and would end it/);
    expect(out).toMatch(
      new RegExp(
        `sql/bad/long_ident\\.sql:1:13: ident: the name "a{20}…" is 64 bytes; Postgres identifiers hold at most 63 bytes`,
      ),
    );
    expect(out).toMatch(/sql\/macros\/ten_minus\.sql:1:4: var "s" contains a NUL byte/);
    expect(r.stdout).toMatch(/0 built, 8 failed/);
    expect(
      await db.sql(
        `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'bad'`,
      ),
    ).toEqual([{ n: 0 }]);
    expect(await db.sql('SELECT count(*)::int AS n FROM raw.keep')).toEqual([{ n: 2 }]);
  }, 120_000);

  test('model names longer than Postgres keeps (63 bytes, less what a side or CTE name adds) are refused at compile time', async () => {
    const dir = writeProject({
      [`sql/marts/${'v'.repeat(64)}.sql`]: 'select 1 as x\n',
      [`sql/marts/${'t'.repeat(52)}.sql`]: '/* config\nmaterialized: table\n*/\nselect 1 as x\n',
      [`sql/marts/${'t'.repeat(51)}.sql`]: '/* config\nmaterialized: table\n*/\nselect 1 as x\n',
      'sql/marts/ok.sql': `/* config\nunique_key: ${'k'.repeat(64)}\nmaterialized: incremental\n*/\nselect 1 as x\n`,
    });
    const r = await db.sluice(['models', 'run'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`sql/marts/v{64}\\.sql:1:1: model name "v{64}" is 64 bytes; a view model's name may have at most 63`),
    );
    expect(r.stderr).toMatch(
      new RegExp(
        `sql/marts/t{52}\\.sql:1:1: model name "t{52}" is 52 bytes; a table model's name may have at most 51: .*side name "t{52}__sluice_new"`,
      ),
    );
    expect(r.stderr).not.toMatch(/[^t]t{51}\.sql/);
    expect(r.stderr).toMatch(
      /sql\/marts\/ok\.sql:2:13: unique_key "k{24}…" is 64 bytes; Postgres identifiers hold at most 63 bytes/,
    );
    expect(
      await db.sql(`SELECT count(*)::int AS n FROM pg_class WHERE relname LIKE 'ttttt%' OR relname LIKE 'vvvvv%'`),
    ).toEqual([{ n: 0 }]);
  }, 120_000);
});
