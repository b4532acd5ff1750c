import { compileModel } from '../../src/models/compile';
import { loadProject } from '../../src/models/project';
import type { RunContext } from '../../src/models/types';
import { CTX, errorOf, issueLines, withVars, writeProject } from './fixture';

const SOURCES = 'shop:\n  tables: [orders]\n';

/** Compiles `template` as model `m` (in sql/marts/) of a small project and returns its SQL. */
function sqlOf(
  template: string,
  ctx: RunContext = CTX,
  opts: { isIncremental?: boolean; files?: Record<string, string> } = {},
): string {
  const root = writeProject({
    'sql/sources.yml': SOURCES,
    'sql/staging/stg_orders.sql': 'select 1 as id',
    'sql/macros/cents_to_dollars.sql': '({{column}} / 100.0)::numeric(16, 2)\n',
    'sql/marts/m.sql': template,
    ...opts.files,
  });
  return compileModel(loadProject(root), 'm', ctx, { isIncremental: opts.isIncremental ?? false }).sql;
}

function renderErrors(template: string, ctx: RunContext = CTX, files: Record<string, string> = {}): string[] {
  return issueLines(errorOf(() => sqlOf(template, ctx, { files })));
}

describe('helpers', () => {
  test('ref, source and this render quoted, qualified relations', () => {
    expect(sqlOf('select * from {{ref "stg_orders"}} join {{source "shop" "orders"}} using (id)')).toBe(
      'select * from "staging"."stg_orders" join "raw"."shop_orders" using (id)',
    );
    expect(sqlOf('/* config\nschema: Reporting\n*/\nselect max(x) from {{this}}')).toBe(
      'select max(x) from "Reporting"."m"',
    );
  });

  test('run context values are SQL literals', () => {
    expect(sqlOf('select {{ds}}, {{data_interval_start}}, {{data_interval_end}}')).toBe(
      "select E'2026-03-01'::date, E'2026-03-01T00:00:00.000Z'::timestamptz, E'2026-03-02T00:00:00.000Z'::timestamptz",
    );
  });

  test('vars render as literals of their type; defaults; lists', () => {
    const ctx = withVars({ s: "it's", n: 42, f: 1.5, t: true, no: false, nil: null, list: ['eu', 'us'], empty: [] });
    expect(sqlOf('select {{var "s"}}, {{var "n"}}, {{var "f"}}, {{var "t"}}, {{var "no"}}, {{var "nil"}}', ctx)).toBe(
      "select E'it''s', (42), (1.5), TRUE, FALSE, NULL",
    );
    expect(sqlOf('select {{var "missing" "fallback"}}, {{var "missing" 7}}, {{var "s" "unused"}}', ctx)).toBe(
      "select E'fallback', (7), E'it''s'",
    );
    expect(sqlOf('where r in ({{vars.list}}) and x in ({{var "empty"}})', ctx)).toBe(
      "where r in (E'eu', E'us') and x in (NULL)",
    );
    expect(sqlOf('{{#each vars.list}}{{@index}}={{this}}{{#unless @last}}, {{/unless}}{{/each}}', ctx)).toBe(
      "0=E'eu', 1=E'us'",
    );
    expect(sqlOf('{{#each (var "list") as |r|}}[{{r}}]{{/each}}{{#each vars.empty}}x{{else}}none{{/each}}', ctx)).toBe(
      "[E'eu'][E'us']none",
    );
  });

  test('an injection attempt through a var stays a literal, in every position', () => {
    const evil = "'; drop table x; --";
    const ctx = withVars({ evil, list: [evil], col: 'a"; drop table x; --' });
    expect(sqlOf('select * from t where name = {{var "evil"}}', ctx)).toBe(
      "select * from t where name = E'''; drop table x; --'",
    );
    expect(sqlOf('where name in ({{vars.list}}) or name = {{vars.evil}} or name = {{literal vars.evil}}', ctx)).toBe(
      "where name in (E'''; drop table x; --') or name = E'''; drop table x; --' or name = E'''; drop table x; --'",
    );
    expect(sqlOf('{{#each vars.list}}{{this}}{{/each}}', ctx)).toBe("E'''; drop table x; --'");
    expect(sqlOf('select {{ident (var "col")}}', ctx)).toBe('select "a""; drop table x; --"');
  });

  test('nothing is HTML-escaped', () => {
    expect(sqlOf('select 1 where a < b & c > \'d\' and e = "f"')).toBe('select 1 where a < b & c > \'d\' and e = "f"');
    expect(sqlOf('select {{var "v"}}', withVars({ v: 'a < b & c' }))).toBe("select E'a < b & c'");
    expect(sqlOf('select {{> cents_to_dollars column="a < b & c"}}')).toBe(
      'select (a < b & c / 100.0)::numeric(16, 2)',
    );
  });

  test('literal and ident quote what they are given', () => {
    expect(sqlOf('select {{literal "it\'s"}}, {{literal 3}}, {{literal true}}, {{literal null}}')).toBe(
      "select E'it''s', (3), TRUE, NULL",
    );
    expect(sqlOf('select {{ident "Order Id"}} from {{ident "my schema" "t"}}')).toBe(
      'select "Order Id" from "my schema"."t"',
    );
  });

  test('{{#if is_incremental}}: only an incremental model built incrementally', () => {
    const model =
      '/* config\nmaterialized: incremental\nunique_key: id\n*/\nselect 1\n{{#if is_incremental}}\nwhere x > (select max(x) from {{this}})\n{{else}}\nwhere true\n{{/if}}';
    expect(sqlOf(model, CTX, { isIncremental: true })).toBe('select 1\nwhere x > (select max(x) from "marts"."m")');
    expect(sqlOf(model, CTX, { isIncremental: false })).toBe('select 1\nwhere true');
    expect(sqlOf('select 1 {{#if is_incremental}}where false{{/if}}', CTX, { isIncremental: true })).toBe('select 1');
  });

  test('conditions see var values: false, 0, empty lists are false', () => {
    const ctx = withVars({ no: false, zero: 0, empty: [], yes: 'y' });
    expect(
      sqlOf(
        '{{#if vars.no}}a{{/if}}{{#if vars.zero}}b{{/if}}{{#if vars.empty}}c{{/if}}{{#if vars.yes}}d{{/if}}{{#unless vars.no}}e{{/unless}}',
        ctx,
      ),
    ).toBe('de');
  });

  test('macros: partials from sql/macros with hash arguments, inline or on their own line', () => {
    expect(sqlOf('select {{> cents_to_dollars column="amount"}} as amount')).toBe(
      'select (amount / 100.0)::numeric(16, 2) as amount',
    );
    expect(sqlOf('select\n  id,\n  {{> cents_to_dollars column="amount"}}\nfrom t')).toBe(
      'select\n  id,\n  (amount / 100.0)::numeric(16, 2)\nfrom t',
    );
    const files = { 'sql/macros/finance/cols.sql': 'id,\n{{> cents_to_dollars column=col}} as amount\n' };
    expect(sqlOf('select\n    {{> finance/cols col="x"}}\nfrom t', CTX, { files })).toBe(
      'select\n    id,\n    (x / 100.0)::numeric(16, 2) as amount\nfrom t',
    );
  });

  test('a trailing semicolon and blank lines are dropped (the SQL is wrapped in other statements)', () => {
    expect(sqlOf('\n\nselect 1;\n\n')).toBe('select 1');
  });
});

describe('render errors', () => {
  test('missing vars: every one, at the helper call, with did-you-mean', () => {
    expect(renderErrors('select\n  {{var "regoin"}},\n  {{var "other"}}', withVars({ region: 'eu' }))).toEqual([
      'sql/marts/m.sql:2:3 var "regoin" is not set (did you mean "region"?) and has no default ({{var "regoin" "default"}})',
      'sql/marts/m.sql:3:3 var "other" is not set and has no default ({{var "other" "default"}})',
    ]);
  });

  test('positions below a config block and inside macros', () => {
    const files = { 'sql/macros/where_region.sql': 'where\n  region = {{var "region"}}' };
    expect(renderErrors('/* config\ntags: [a]\n*/\nselect 1\n{{> where_region}}', CTX, files)).toEqual([
      'sql/macros/where_region.sql:2:12 var "region" is not set and has no default ({{var "region" "default"}})',
    ]);
  });

  test('a misspelt var path is an error naming what is there', () => {
    expect(renderErrors('select 1\nwhere r in ({{vars.regionz}})', withVars({ regions: ['eu'] }))).toEqual([
      'sql/marts/m.sql:2:15 "vars.regionz" is not defined: vars has no "regionz" (did you mean "regions"?)',
    ]);
  });

  test('a misspelt name in a block is an error at its position, not an empty loop or the else branch', () => {
    const ctx = withVars({ payment_methods: ['credit_card', 'coupon'], flag: true });
    expect(
      renderErrors(
        [
          'select',
          '{{#each vars.payment_method as |m|}}{{m}},{{/each}}',
          '{{#let payment_methods=(var "payment_methods")}}{{#each payment_method}}{{this}},{{/each}}{{/let}}',
          '{{#if vars.flags}}1{{else}}2{{/if}},',
          '{{#unless vars.flga}}1{{/unless}}{{#with vars.typo}}{{this}}{{else}}3{{/with}}',
          '{{#each vars.payment_methods as |m|}}{{ident (concat m vars.sufix)}}, {{#if m.x}}{{/if}}{{/each}}',
        ].join('\n'),
        ctx,
      ),
    ).toEqual([
      'sql/marts/m.sql:2:9 "vars.payment_method" is not defined: vars has no "payment_method" (did you mean "payment_methods"?)',
      'sql/marts/m.sql:3:57 "payment_method" is not defined: the template context has no "payment_method" (did you mean "payment_methods"?)',
      'sql/marts/m.sql:4:7 "vars.flags" is not defined: vars has no "flags" (did you mean "flag"?)',
      'sql/marts/m.sql:5:11 "vars.flga" is not defined: vars has no "flga" (did you mean "flag"?)',
      'sql/marts/m.sql:5:42 "vars.typo" is not defined: vars has no "typo"',
      // Once per template position, not once per loop item.
      'sql/marts/m.sql:6:56 "vars.sufix" is not defined: vars has no "sufix"',
      'sql/marts/m.sql:6:77 "m.x" is not defined: m has no "x"',
    ]);
  });

  test('a misspelt name at the top level is found before rendering', () => {
    expect(renderErrors('select 1 {{#each nope}}x{{/each}}')).toEqual([
      'sql/marts/m.sql:1:18 unknown name "nope"; a model sees ds, data_interval_start, data_interval_end, is_incremental, vars',
    ]);
  });

  test('what may legitimately be absent: keys of loop items, a macro argument its caller left out', () => {
    const ctx = withVars({
      rows: [{ name: 'a', opt: 1 }, { name: 'b' }],
      regions: { eu: { vat: 20 }, us: {} },
      methods: ['m1', 'm2'],
    });
    const files = {
      'sql/macros/col.sql': '{{name}}{{#if alias}} as {{ident alias}}{{/if}}{{#if vars.regions.eu}}!{{/if}}',
    };
    expect(
      sqlOf(
        [
          'select',
          '{{#each vars.rows as |r|}}{{#if r.opt}}{{r.opt}}{{else}}0{{/if}}{{#if opt}} + 1{{/if}}, {{/each}}',
          '{{#each vars.regions as |r code|}}{{#if r.vat}}{{ident code}}, {{/if}}{{/each}}',
          '{{#each vars.methods as |m i|}}{{#if @first}}{{i}} {{/if}}{{#unless @last}}{{m}}, {{/unless}}{{#if this}}{{../vars.methods.[1]}}{{/if}}, {{/each}}',
          '{{> col name="x"}}, {{> col name="y" alias="z"}}, {{#each vars.methods}}{{> col name="w"}}, {{/each}}',
          '{{#if is_incremental}}never{{/if}}1',
        ].join('\n'),
        ctx,
        { files },
      ),
    ).toBe(['select', '(1) + 1, 0, ', '"eu", ', "0 E'm1', E'm2', E'm2', ", 'x!, y as "z"!, w!, w!, ', '1'].join('\n'));
  });

  test('bad helper arguments', () => {
    expect(renderErrors('select {{ident 3}}, {{literal vars.nope}}, {{ident ""}}')).toEqual([
      'sql/marts/m.sql:1:8 ident takes one or more names (non-empty strings), e.g. {{ident "schema" "table"}}; got 3',
      'sql/marts/m.sql:1:31 "vars.nope" is not defined: vars has no "nope"',
      'sql/marts/m.sql:1:44 ident takes one or more names (non-empty strings), e.g. {{ident "schema" "table"}}; got ""',
    ]);
  });

  test('{{this}} in an ephemeral model has no relation', () => {
    const root = writeProject({
      'sql/intermediate/e.sql': '/* config\nmaterialized: ephemeral\n*/\nselect * from {{this}}',
      'sql/marts/m.sql': 'select * from {{ref "e"}}',
    });
    const e = errorOf(() => compileModel(loadProject(root), 'm', CTX, { isIncremental: false }));
    expect(e.code).toBe('MODEL_INVALID');
    expect(issueLines(e)).toEqual([
      'sql/intermediate/e.sql:4:15 {{this}}: ephemeral model e has no relation of its own (it is inlined where it is used)',
    ]);
  });

  test('a model that renders to nothing', () => {
    expect(renderErrors('{{#if is_incremental}}select 1{{/if}}')).toEqual([
      'sql/marts/m.sql:1:1 model m renders to no SQL',
    ]);
  });
});

describe('values stay whole tokens', () => {
  test('numbers are parenthesised: a negative number cannot start a comment', () => {
    expect(sqlOf('select 10-{{var "n"}} - {{literal -2}}', withVars({ n: -1 }))).toBe('select 10-(-1) - (-2)');
  });

  test('a value running into the text after it, or inside a string or quoted name, is an error at its position', () => {
    const ctx = withVars({ s: 'v', n: 1 });
    expect(renderErrors('select {{var "s"}}\'x\'', ctx)).toEqual([
      expect.stringMatching(/^sql\/marts\/m\.sql:1:8 var "s" would run into the "'x'" after it/),
    ]);
    expect(renderErrors('select {{var "n"}}x', ctx)).toEqual([
      expect.stringMatching(/^sql\/marts\/m\.sql:1:8 var "n" is glued to the "x" after it/),
    ]);
    expect(renderErrors('select "a{{var "s"}}"', ctx)).toEqual([
      expect.stringMatching(/^sql\/marts\/m\.sql:1:10 var "s" is printed inside a quoted identifier/),
    ]);
    expect(sqlOf('select 1 -- {{var "s"}} is fine in a comment', ctx)).toBe("select 1 -- E'v' is fine in a comment");
  });
});
