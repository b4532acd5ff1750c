import path from 'node:path';
import { loadProject } from '../../src/models/project';
import { compileModel, compileProject } from '../../src/models/compile';
import { tablesRead } from '../../src/models/tables';
import { generateModelProject } from '../../bench/lib/models-compile';
import { CTX, errorOf, issueLines, withVars, writeProject } from './fixture';

const SOURCES = 'shop:\n  tables: [customers, orders]\n';

describe('loadProject', () => {
  test('models, schemas from folders, refs and sources found anywhere in the template', () => {
    const root = writeProject({
      'sql/sources.yml': SOURCES,
      'sql/macros/recent.sql': 'select * from {{ref "stg_customers"}}\n',
      'sql/staging/shop/stg_orders.sql': 'select * from {{source "shop" "orders"}}\n',
      'sql/staging/stg_customers.sql': '/* config\ntags: [shop]\n*/\nselect * from {{source "shop" "customers"}}\n',
      'sql/marts/orders.sql': [
        '/* config',
        'materialized: table',
        'schema: reporting',
        '*/',
        'select * from {{ref "stg_orders"}}',
        '{{#if is_incremental}}',
        '  join {{lookup (ref "stg_customers") 0}} on true',
        '{{/if}}',
        '{{#each vars.regions}} {{this}} {{/each}}',
        '{{> recent}}',
      ].join('\n'),
      'sql/README.md': 'not a model',
    });
    const p = loadProject(root);
    expect(p.root).toBe(path.resolve(root));
    expect([...p.models.keys()].sort()).toEqual(['orders', 'stg_customers', 'stg_orders']);
    const orders = p.models.get('orders')!;
    expect(orders).toMatchObject({
      path: 'sql/marts/orders.sql',
      file: path.join(root, 'sql/marts/orders.sql'),
      templateLine: 5,
    });
    expect(orders.config).toMatchObject({ materialized: 'table', schema: 'reporting' });
    expect(orders.refs).toEqual([
      { name: 'stg_orders', at: { file: 'sql/marts/orders.sql', line: 5, column: 15 } },
      { name: 'stg_customers', at: { file: 'sql/marts/orders.sql', line: 7, column: 17 } },
      // Refs in a macro the model includes are its dependencies, at the macro's position.
      { name: 'stg_customers', at: { file: 'sql/macros/recent.sql', line: 1, column: 15 } },
    ]);
    expect(p.models.get('stg_orders')!.config.schema).toBe('staging');
    expect(p.models.get('stg_orders')!.sources).toEqual([
      { source: 'shop', table: 'orders', at: { file: 'sql/staging/shop/stg_orders.sql', line: 1, column: 15 } },
    ]);
    expect(p.models.get('stg_customers')!.config.tags).toEqual(['shop']);
    expect(p.upstream.get('orders')).toEqual(['stg_orders', 'stg_customers']);
    expect(p.upstream.get('stg_orders')).toEqual([]);
  });

  test('a folder without sql/ is an empty project', () => {
    expect(loadProject(writeProject({ 'README.md': '' })).models.size).toBe(0);
  });

  test('template syntax errors point at the offending token, below the config block', () => {
    const root = writeProject({
      'sql/staging/a.sql': '/* config\ntags: [x]\n*/\nselect 1\nwhere {{#if is_incremental}} x\n',
      'sql/staging/b.sql': 'select {{ref "a" }}}\n',
      'sql/staging/c.sql': 'select 1 {{#if is_incremental}}\n{{/each}}\n',
      // Reported at the closing tag that is wrong, past nested blocks and comments.
      'sql/staging/d.sql':
        'select\n  {{#each (var "m" (list 1)) as |m|}}\n    {{#if m}}{{m}}{{/if}}{{!-- {{/each}} --}},\n    {{~/eahc}} 1\n',
    });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      'sql/staging/a.sql:6:1 template syntax error: got the end of the file, expected {{else …}} or {{else}} or {{/',
      'sql/staging/b.sql:1:18 template syntax error: got }}}, expected }} or ( or a name or a string or a number or boolean',
      "sql/staging/c.sql:2:1 template syntax error: if doesn't match each",
      "sql/staging/d.sql:4:5 template syntax error: each doesn't match eahc",
    ]);
  });

  test('unknown refs, sources and tables with did-you-mean', () => {
    const root = writeProject({
      'sql/sources.yml': SOURCES,
      'sql/staging/stg_orders.sql':
        'select * from {{source "shop" "order"}}\nunion all select * from {{source "shopp" "orders"}}\n',
      'sql/marts/daily.sql': 'select *\n  from {{ref "stg_order"}}\n  join {{ref "nothing_like_it"}} using (id)\n',
    });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      'sql/marts/daily.sql:2:8 ref to unknown model or seed "stg_order" (did you mean "stg_orders"?)',
      'sql/marts/daily.sql:3:8 ref to unknown model or seed "nothing_like_it"',
      'sql/staging/stg_orders.sql:1:15 source "shop" has no table "order" (did you mean "orders"?) (tables: customers, orders)',
      'sql/staging/stg_orders.sql:2:25 unknown source "shopp" (did you mean "shop"?)',
    ]);
  });

  test('a ref names a model or a seed; a seed reads its table and is no model in the graph', () => {
    const root = writeProject({
      'sluice_project.yml': 'seeds:\n  schema: reference\n',
      'seeds/countries.csv': 'code\nDE\n',
      'seeds/ref/payment_methods.csv': 'method\ncard\n',
      'sql/staging/stg_payments.sql': 'select * from {{ref "payment_methods"}} join {{ref "countries"}} on true\n',
      'sql/intermediate/eph.sql': '/* config\nmaterialized: ephemeral\n*/\nselect * from {{ref "countries"}}\n',
      'sql/marts/m.sql': 'select * from {{ref "eph"}}, {{ref "stg_payments"}}\n',
    });
    const p = loadProject(root);
    expect([...p.seeds.values()]).toEqual([
      { name: 'countries', schema: 'reference', path: 'seeds/countries.csv' },
      { name: 'payment_methods', schema: 'ref', path: 'seeds/ref/payment_methods.csv' },
    ]);
    expect(p.upstream.get('stg_payments')).toEqual([]);
    expect(compileModel(p, 'stg_payments', CTX, { isIncremental: false }).sql).toBe(
      'select * from "ref"."payment_methods" join "reference"."countries" on true',
    );
    // Through an ephemeral model too: the task consumes the seed's table, so it runs after its load.
    expect(tablesRead(p, 'm')).toEqual({ models: ['stg_payments'], sources: [], seeds: ['reference.countries'] });
    expect(tablesRead(p, 'stg_payments').seeds).toEqual(['ref.payment_methods', 'reference.countries']);
  });

  test('a model and a seed of one name, and a ref to a seed that is not there, are errors', () => {
    const root = writeProject({
      'seeds/countries.csv': 'code\nDE\n',
      'sql/staging/countries.sql': 'select 1\n',
      'sql/marts/m.sql': 'select * from {{ref "countrys"}}\n',
    });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      'sql/marts/m.sql:1:15 ref to unknown model or seed "countrys" (did you mean "countries"?)',
      'sql/staging/countries.sql:1:1 model name "countries" is also the seed seeds/countries.csv: {{ref "countries"}} must name one table, so rename one of them',
    ]);
  });

  test('refs must be string literals: dependencies are static', () => {
    const root = writeProject({
      'sql/staging/a.sql': 'select 1',
      'sql/marts/m.sql':
        'select * from {{ref vars.model}}\njoin {{ref "a" "b"}}\njoin {{source "shop"}}\njoin {{ref (lookup vars "x")}}\n',
    });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      'sql/marts/m.sql:1:15 ref takes one model name as quoted strings, e.g. {{ref "stg_orders"}}; got the name vars.model (not a quoted string) (dependencies must be known without rendering)',
      'sql/marts/m.sql:2:6 ref takes one model name as quoted strings, e.g. {{ref "stg_orders"}}; got 2 arguments (dependencies must be known without rendering)',
      'sql/marts/m.sql:3:6 source takes a source name and a table name as quoted strings, e.g. {{source "shop" "orders"}}; got 1 argument (dependencies must be known without rendering)',
      'sql/marts/m.sql:4:6 ref takes one model name as quoted strings, e.g. {{ref "stg_orders"}}; got a computed value (dependencies must be known without rendering)',
    ]);
  });

  test('cycles are reported once each, as a -> b -> a, at a ref that closes them', () => {
    const root = writeProject({
      'sql/staging/a.sql': 'select * from {{ref "b"}}',
      'sql/staging/b.sql': 'select * from\n  {{ref "a"}}',
      'sql/staging/c.sql': 'select * from {{ref "c"}}',
      'sql/staging/d.sql': 'select * from {{ref "a"}}',
    });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      'sql/staging/b.sql:2:3 cycle: a -> b -> a',
      'sql/staging/c.sql:1:15 cycle: c -> c',
    ]);
  });

  test('duplicate model names list both paths', () => {
    const root = writeProject({ 'sql/staging/orders.sql': 'select 1', 'sql/marts/orders.sql': 'select 2' });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      'sql/staging/orders.sql:1:1 model name "orders" is used by 2 files: sql/marts/orders.sql, sql/staging/orders.sql (model names are file names and must be unique)',
    ]);
  });

  test('unknown macros, with did-you-mean; macros that include each other', () => {
    const root = writeProject({
      'sql/macros/cents_to_dollars.sql': '({{column}} / 100.0)',
      'sql/macros/finance/a.sql': '{{> finance/b}}',
      'sql/macros/finance/b.sql': '{{> finance/a}}',
      'sql/staging/a.sql': 'select {{> cents_to_dollar column="x"}}, {{> finance/a}}',
    });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      // finance/b includes finance/a, closing the cycle.
      'sql/macros/finance/b.sql:1:1 macros include each other: finance/a -> finance/b -> finance/a',
      'sql/staging/a.sql:1:8 unknown macro "cents_to_dollar" (did you mean "cents_to_dollars"?); partials are the files in sql/macros/ (sql/macros/cents_to_dollar.sql)',
    ]);
  });

  test('misspelt names and helpers are caught at load time, not as empty text', () => {
    const root = writeProject({
      'sql/staging/a.sql':
        'select {{dss}}, {{vars.x}}, {{refs "b"}}\n{{#each vars.list}}{{anything_goes_here}}{{/each}}\n{{#if is_incremantal}}x{{/if}}',
    });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      'sql/staging/a.sql:1:10 unknown name "dss" (did you mean "ds"?); a model sees ds, data_interval_start, data_interval_end, is_incremental, vars',
      'sql/staging/a.sql:1:29 unknown helper "refs" (did you mean "ref"?); helpers are ref, source, var, literal, ident, concat, list, dict, this_relation, if, unless, each, with, let, lookup',
      'sql/staging/a.sql:3:7 unknown name "is_incremantal" (did you mean "is_incremental"?); a model sees ds, data_interval_start, data_interval_end, is_incremental, vars',
    ]);
  });

  test('every kind of problem across the project in one error, in file order', () => {
    const root = writeProject({
      'sql/loose.sql': 'select 1',
      'sql/sources.yml': 'shop:\n  tables: [orders]\n  schema: [x]\n',
      'sql/staging/a.sql': '/* config\nmaterialized: tabl\n*/\nselect * from {{ref "b"}}',
      'sql/staging/b.sql': 'select * from {{ref "a"}} {{#if}}',
    });
    const e = errorOf(() => loadProject(root));
    expect(e.code).toBe('MODEL_INVALID');
    expect(issueLines(e)).toEqual([
      'sql/loose.sql:1:1 a model lives in a schema folder (sql/staging/loose.sql, sql/marts/loose.sql, …), not directly in sql/',
      'sql/sources.yml:3:11 the schema of source shop must be a non-empty string (got a list)',
      'sql/staging/a.sql:2:15 materialized must be one of view, table, incremental, ephemeral (got "tabl") (did you mean "table"?)',
      expect.stringMatching(/^sql\/staging\/b\.sql:1:\d+ template syntax error: /),
    ]);
    expect(e.message).toMatch(/4 problems\n {2}- sql\/loose\.sql:1:1: a model lives/);
  });

  test('the benchmark project (2,000 models) loads and compiles cleanly, in seconds at worst', () => {
    // A smoke check for gross regressions only; `npm run bench -- models` measures properly.
    const root = writeProject({});
    generateModelProject(root, 2000);
    const t0 = performance.now();
    const p = loadProject(root);
    const compiled = compileProject(
      p,
      withVars({ statuses: ['paid'] }),
      [...p.models.keys()],
      path.join(root, 'target'),
    );
    expect(p.models.size).toBe(2000);
    expect(compiled.files).toHaveLength(2000);
    expect(performance.now() - t0).toBeLessThan(8000);
  });
});
