/**
 * concat, list/dict, let, each over lists and objects with @index/@first/@last/@key and block
 * params, and dbt's loop over payment methods, compiled and built on both databases.
 */
import { compileModel } from '../../src/models/compile';
import { loadProject } from '../../src/models/project';
import type { RunContext } from '../../src/models/types';
import { DB_KINDS, openTestDb, type TestDb } from './databases';
import { CTX, errorOf, issueLines, withVars, writeProject } from './fixture';

function sqlOf(template: string, ctx: RunContext = CTX, files: Record<string, string> = {}): string {
  const root = writeProject({ 'sql/marts/m.sql': template, ...files });
  return compileModel(loadProject(root), 'm', ctx, { isIncremental: false }).sql;
}
const errorsOf = (template: string, ctx: RunContext = CTX) => issueLines(errorOf(() => sqlOf(template, ctx)));

/** dbt: {% for m in methods %} sum(case when method = '{{m}}' then amount end) as {{m}}_amount{% if not loop.last %},{% endif %}{% endfor %} */
const PAYMENTS = `select order_id,
{{#each (var "methods") as |m|}}
  sum(case when method = {{m}} then amount end) as {{ident (concat m "_amount")}}{{#unless @last}},{{/unless}}
{{/each}}
  from {{ref "stg_payments"}}
 group by 1
`;
const PAYMENTS_SQL = `select order_id,
  sum(case when method = E'credit_card' then amount end) as "credit_card_amount",
  sum(case when method = E'coupon' then amount end) as "coupon_amount",
  sum(case when method = E'bank_transfer' then amount end) as "bank_transfer_amount"
  from "staging"."stg_payments"
 group by 1`;
const PAYMENTS_PROJECT = {
  'sluice_project.yml':
    'vars:\n  methods: [credit_card, coupon, bank_transfer]\nmodels:\n  marts:\n    materialized: table\n',
  'sql/staging/stg_payments.sql':
    "select * from (values (1, 'credit_card', 10), (1, 'coupon', 2), (2, 'bank_transfer', 5), (2, 'credit_card', 1)) as p(order_id, method, amount)\n",
  'sql/marts/order_payments.sql': PAYMENTS,
};

describe('concat', () => {
  const ctx = withVars({ m: 'credit_card', n: 3, evil: 'x"; drop table t; --' });
  test('bare it prints as a literal; under ident as a quoted name', () => {
    expect(sqlOf('select {{concat vars.m "_amount"}}, {{ident (concat vars.m "_" vars.n)}}', ctx)).toBe(
      `select E'credit_card_amount', "credit_card_3"`,
    );
    expect(sqlOf('select 1 as {{ident (concat vars.evil "_x")}}', ctx)).toBe('select 1 as "x""; drop table t; --_x"');
    expect(sqlOf('select {{literal (concat "it" "\'s")}}', ctx)).toBe("select E'it''s'");
  });
  test('glued to a word it is refused like any value; bad parts are errors at the call', () => {
    expect(errorsOf('select 1 as {{vars.m}}_amount', ctx)).toEqual([
      `sql/marts/m.sql:1:13 var "m" is glued to the "_amount" after it: a value prints as a SQL literal, here E'credit_card', not as part of a name; to build a name write {{ident (concat vars.m "_amount")}}`,
    ]);
    expect(errorsOf('select {{concat vars.m (list 1)}},\n {{concat}}', ctx)).toEqual([
      'sql/marts/m.sql:1:8 concat joins strings and numbers, e.g. {{ident (concat m "_amount")}}; got a list as part 2',
      'sql/marts/m.sql:2:2 concat joins strings and numbers, e.g. {{ident (concat m "_amount")}}; got nothing',
    ]);
  });
});

describe('a value where a name or a literal was meant (dbt habits)', () => {
  const ctx = withVars({ methods: ['credit_card', 'coupon', 'bank_transfer', 'gift_card'], n: 3 });
  test('glued to a word: the fix is ident and concat, once per template position', () => {
    expect(
      errorsOf(
        'select\n{{#each vars.methods as |m|}}\n  sum(x) as {{m}}_amount, t_{{var "n"}}, {{concat "a" m}}_x,\n{{/each}}\n  1',
        ctx,
      ),
    ).toEqual([
      `sql/marts/m.sql:3:13 var "methods[0]" is glued to the "_amount" after it: a value prints as a SQL literal, here E'credit_card', not as part of a name; to build a name write {{ident (concat m "_amount")}}`,
      `sql/marts/m.sql:3:29 var "n" is glued to the "t_" before it: a value prints as a SQL literal, here (3), not as part of a name; to build a name write {{ident (concat "t_" (var "n"))}}`,
      `sql/marts/m.sql:3:42 concat is glued to the "_x" after it: a value prints as a SQL literal, here E'acredit_card', not as part of a name; to build a name write {{ident (concat (concat "a" m) "_x")}}`,
    ]);
    // A number run into digits, and what is not a value (ident, a relation), keep the plain hint.
    expect(errorsOf('select {{vars.n}}0, {{ident "a"}}b', ctx)).toEqual([
      'sql/marts/m.sql:1:8 var "n" is glued to the "0" after it; put a space or an operator between them',
      'sql/marts/m.sql:1:21 ident is glued to the "b" after it; put a space or an operator between them',
    ]);
  });
  test("quoted by hand ('{{m}}'): the fix is to drop the quotes, once per template position", () => {
    expect(errorsOf("select 1 where method in ({{#each vars.methods as |m|}}'{{m}}', {{/each}}'x')", ctx)).toEqual([
      `sql/marts/m.sql:1:57 var "methods[0]" is printed inside a quoted string ('E'credit_card''): a value prints as a whole SQL literal, so write {{m}} without the quotes`,
    ]);
  });
});

describe('list and map values', () => {
  test('a var default can be a list or a map', () => {
    expect(sqlOf('where m in ({{var "methods" (list "card" "coupon")}})')).toBe("where m in (E'card', E'coupon')");
    expect(sqlOf('{{#each (var "regions" (dict eu="Europe" us="USA"))}}{{ident @key}} = {{this}} {{/each}}')).toBe(
      `"eu" = E'Europe' "us" = E'USA'`,
    );
    expect(sqlOf('where m in ({{var "methods" (list "x")}})', withVars({ methods: ['y', 'z'] }))).toBe(
      "where m in (E'y', E'z')",
    );
  });
  test('a default from the run context or another var stays what it is', () => {
    expect(sqlOf('select {{var "day" ds}}, {{var "n" vars.m}}', withVars({ m: 2 }))).toBe(
      "select E'2026-03-01'::date, (2)",
    );
  });
  test('a map default cannot print as a whole', () => {
    expect(errorsOf('select {{var "r" (dict a=1)}}')).toEqual([
      'sql/marts/m.sql:1:8 var "r" is an object and cannot be printed; use one of its fields (vars.r.field)',
    ]);
  });
});

describe('each', () => {
  const ctx = withVars({ list: ['a', 'b', 'c'], map: { x: 1, y: 2 } });
  test('over a list: @index, @first, @last, block params for item and index', () => {
    expect(
      sqlOf(
        '{{#each vars.list as |v i|}}{{#if @first}}[{{/if}}{{i}}/{{@index}}={{v}}{{#if @last}}]{{else}}, {{/if}}{{/each}}',
        ctx,
      ),
    ).toBe("[0/0=E'a', 1/1=E'b', 2/2=E'c']");
  });
  test('over an object: @key and block params for value and key (keys are values too)', () => {
    expect(
      sqlOf('{{#each vars.map as |v k|}}{{k}}: {{v}} {{ident @key}}{{#unless @last}}, {{/unless}}{{/each}}', ctx),
    ).toBe(`E'x': (1) "x", E'y': (2) "y"`);
  });
  test('outer names stay in reach inside a loop', () => {
    expect(sqlOf('{{#each vars.list as |v|}}{{#if @first}}{{v}} {{ds}} {{../vars.map.x}}{{/if}}{{/each}}', ctx)).toBe(
      "E'a' E'2026-03-01'::date (1)",
    );
  });
});

describe('let: local names', () => {
  test('names bound for a block; the context stays', () => {
    expect(
      sqlOf(
        '{{#each (list "card" "coupon") as |m|}}{{#let col=(concat m "_amount") total=(var "t" 0)}}{{total}} as {{ident col}}, {{ds}} {{/let}}{{/each}}',
      ),
    ).toBe(`(0) as "card_amount", E'2026-03-01'::date (0) as "coupon_amount", E'2026-03-01'::date`);
    expect(sqlOf('{{#let (concat "a" "b") as |ab|}}select {{ab}}{{/let}}')).toBe("select E'ab'");
    expect(issueLines(errorOf(() => loadProject(writeProject({ 'sql/marts/m.sql': 'select 1 {{let x=1}}' }))))).toEqual(
      ['sql/marts/m.sql:1:10 let names values for a block: {{#let x=(…)}}…{{x}}…{{/let}}'],
    );
  });
});

describe('the payment-methods loop (dbt) renders exactly', () => {
  test('compiled SQL', () => {
    const root = writeProject(PAYMENTS_PROJECT);
    expect(compileModel(loadProject(root), 'order_payments', CTX, { isIncremental: false }).sql).toBe(PAYMENTS_SQL);
  });
});

describe.each(DB_KINDS)('the payment-methods loop builds on %s', (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(kind, `tmpl_${kind}`);
  }, 120_000);
  afterAll(async () => {
    await db?.close();
  });

  test('project vars, folder defaults, and DAG-level (--vars) override', async () => {
    const root = writeProject(PAYMENTS_PROJECT);
    const run = await db.sluice(['models', 'run'], root);
    expect(run.code).toBe(0);
    expect(
      await db.sql(
        `SELECT c.relkind::text AS k FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'marts' AND c.relname = 'order_payments'`,
      ),
    ).toEqual([{ k: 'r' }]);
    expect(await db.sql('SELECT * FROM marts.order_payments ORDER BY order_id')).toEqual([
      { order_id: 1, credit_card_amount: 10, coupon_amount: 2, bank_transfer_amount: null },
      { order_id: 2, credit_card_amount: 1, coupon_amount: null, bank_transfer_amount: 5 },
    ]);
    const over = await db.sluice(['models', 'run', '--vars', '{"methods": ["coupon"]}'], root);
    expect(over.code).toBe(0);
    expect(await db.sql('SELECT * FROM marts.order_payments ORDER BY order_id')).toEqual([
      { order_id: 1, coupon_amount: 2 },
      { order_id: 2, coupon_amount: null },
    ]);
  }, 120_000);
});
