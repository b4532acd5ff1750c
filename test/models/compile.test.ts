import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { compileModel, compileProject } from '../../src/models/compile';
import { loadProject } from '../../src/models/project';
import type { CompiledModel, ModelNode, ModelProject } from '../../src/models/types';
import { createTestDatabase } from '../support/pg';
import { CTX, errorOf, issueLines, withVars, writeProject } from './fixture';

const EPH = '/* config\nmaterialized: ephemeral\n*/\n';

/** `file:line` for each compiled line, next to the line: what a reader of the lineMap sees. */
const annotated = (m: CompiledModel) =>
  m.sql.split('\n').map((l, i) => `${m.lineMap[i].file}:${m.lineMap[i].line} | ${l}`);

describe('ephemeral models', () => {
  const root = writeProject({
    'sql/staging/stg_orders.sql': 'select 1 as id, 10 as amount',
    // e_paid and e_big form a chain; e_big is used twice below (directly and through e_top).
    'sql/intermediate/e_paid.sql': `${EPH}select * from {{ref "stg_orders"}}\nwhere amount > 0`,
    'sql/intermediate/e_big.sql': `${EPH}select *\nfrom {{ref "e_paid"}}\nwhere amount > 5;`,
    'sql/intermediate/e_top.sql': `${EPH}with t as (select * from {{ref "e_big"}})\nselect * from t`,
    'sql/intermediate/e_unused.sql': `${EPH}select 1`,
    'sql/marts/plain.sql': 'select * from {{ref "e_paid"}}',
    'sql/marts/own_with.sql':
      '-- a leading comment\nwith recent as (\n  select * from {{ref "e_big"}}\n)\nselect * from recent join {{ref "e_top"}} using (id)\n{{#if is_incremental}}join {{ref "e_unused"}} using (id){{/if}}',
    'sql/marts/recursive.sql':
      'WITH RECURSIVE n(i) AS (select 1 union all select i + 1 from n where i < 3)\nselect * from n, {{ref "e_paid"}} p',
  });
  const project = loadProject(root);
  const compile = (name: string) => compileModel(project, name, CTX, { isIncremental: false });

  test('an ephemeral ref becomes a CTE prepended as WITH', () => {
    const m = compile('plain');
    expect(m.relation).toBe('"marts"."plain"');
    expect(m.sql).toBe(
      'WITH "__ephemeral_e_paid" AS (\nselect * from "staging"."stg_orders"\nwhere amount > 0\n)\nselect * from "__ephemeral_e_paid"',
    );
    expect(project.upstream.get('plain')).toEqual(['e_paid']);
  });

  test("merged into the model's own WITH, nested ephemerals each once, upstream first; unused ones left out", () => {
    const m = compile('own_with');
    expect(annotated(m)).toEqual([
      'sql/marts/own_with.sql:1 | -- a leading comment',
      'sql/marts/own_with.sql:2 | with "__ephemeral_e_paid" AS (',
      'sql/intermediate/e_paid.sql:4 | select * from "staging"."stg_orders"',
      'sql/intermediate/e_paid.sql:5 | where amount > 0',
      'sql/intermediate/e_big.sql:4 | ), "__ephemeral_e_big" AS (',
      'sql/intermediate/e_big.sql:4 | select *',
      'sql/intermediate/e_big.sql:5 | from "__ephemeral_e_paid"',
      'sql/intermediate/e_big.sql:6 | where amount > 5',
      'sql/intermediate/e_top.sql:4 | ), "__ephemeral_e_top" AS (',
      'sql/intermediate/e_top.sql:4 | with t as (select * from "__ephemeral_e_big")',
      'sql/intermediate/e_top.sql:5 | select * from t',
      'sql/intermediate/e_top.sql:5 | ),',
      'sql/marts/own_with.sql:2 |  recent as (',
      'sql/marts/own_with.sql:3 |   select * from "__ephemeral_e_big"',
      'sql/marts/own_with.sql:4 | )',
      'sql/marts/own_with.sql:5 | select * from recent join "__ephemeral_e_top" using (id)',
    ]);
    expect(m.lineMap[12].column).toBe(5);
  });

  test('WITH RECURSIVE keeps RECURSIVE first', () => {
    expect(compile('recursive').sql.split('\n').slice(0, 2)).toEqual([
      'WITH RECURSIVE "__ephemeral_e_paid" AS (',
      'select * from "staging"."stg_orders"',
    ]);
  });

  test('an ephemeral model compiles on its own too, with its ephemeral upstreams inlined', () => {
    const m = compile('e_big');
    expect(m).toMatchObject({ materialized: 'ephemeral', relation: '"__ephemeral_e_big"', schema: 'intermediate' });
    expect(m.sql).toBe(
      'WITH "__ephemeral_e_paid" AS (\nselect * from "staging"."stg_orders"\nwhere amount > 0\n)\nselect *\nfrom "__ephemeral_e_paid"\nwhere amount > 5',
    );
  });

  test('the compiled SQL runs on Postgres, and an error position maps back to the file and line', async () => {
    const db = await createTestDatabase('models_compile');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query('CREATE SCHEMA staging; CREATE VIEW staging.stg_orders AS SELECT 1 AS id, 10 AS amount');
      for (const name of ['plain', 'own_with', 'recursive']) await client.query(compile(name).sql);
      const broken = loadProject(
        writeProject({
          'sql/staging/stg_orders.sql': 'select 1 as id',
          'sql/intermediate/e.sql': `${EPH}select id,\n  id / 0 as boom,\n  no_such_column\nfrom {{ref "stg_orders"}}`,
          'sql/marts/m.sql': 'with x as (select 1 as id)\nselect * from x join {{ref "e"}} using (id)',
        }),
      );
      const m = compileModel(broken, 'm', CTX, { isIncremental: false });
      const err = await client.query(m.sql).then(
        () => undefined,
        (e: { position: string }) => e,
      );
      const offset = Number(err!.position) - 1;
      const line = m.sql.slice(0, offset).split('\n').length;
      expect(m.lineMap[line - 1]).toEqual({ file: 'sql/intermediate/e.sql', line: 6, column: 1 });
    } finally {
      await client.end();
      await db.drop();
    }
  });
});

describe('line map', () => {
  test('lines through config blocks, skipped {{#if}} blocks, {{#each}} repetitions and macros', () => {
    const root = writeProject({
      'sql/macros/two_lines.sql': 'a,\nb',
      'sql/marts/m.sql': [
        '/* config',
        'tags: [x]',
        '*/',
        'select', // 4
        '{{#if is_incremental}}', // 5
        '  skipped,', // 6
        '{{/if}}', // 7
        '{{#each vars.cols}}', // 8
        '  {{ident this}},', // 9
        '{{/each}}', // 10
        '  {{> two_lines}}', // 11: alone on its line, indented
        '  x {{> two_lines}} y', // 12: inside a line
        'from t', // 13
      ].join('\n'),
    });
    const m = compileModel(loadProject(root), 'm', withVars({ cols: ['p', 'q'] }), { isIncremental: false });
    expect(annotated(m)).toEqual([
      'sql/marts/m.sql:4 | select',
      'sql/marts/m.sql:9 |   "p",',
      'sql/marts/m.sql:9 |   "q",',
      'sql/macros/two_lines.sql:1 |   a,',
      'sql/macros/two_lines.sql:2 |   b',
      'sql/marts/m.sql:12 |   x a,',
      'sql/macros/two_lines.sql:2 | b y',
      'sql/marts/m.sql:13 | from t',
    ]);
  });
});

describe('a ModelProject built by hand (not by loadProject)', () => {
  test("compiles from its nodes' templates, with sources and macros read from its root", () => {
    const root = writeProject({ 'sql/sources.yml': 'shop:\n  tables: [orders]\n', 'sql/macros/one.sql': '1' });
    const node = (
      name: string,
      schema: string,
      template: string,
      materialized: 'view' | 'ephemeral' = 'view',
    ): ModelNode => ({
      name,
      file: path.join(root, `sql/${schema}/${name}.sql`),
      path: `sql/${schema}/${name}.sql`,
      template,
      templateLine: 1,
      refs: [],
      sources: [],
      config: { materialized, schema, uniqueKey: [], tags: [], columns: {} },
    });
    const models = new Map([
      ['e', node('e', 'intermediate', 'select {{> one}} from {{source "shop" "orders"}}', 'ephemeral')],
      ['m', node('m', 'marts', 'select * from {{ref "e"}}')],
    ]);
    const project: ModelProject = {
      root,
      seeds: new Map(),
      models,
      upstream: new Map([
        ['e', []],
        ['m', ['e']],
      ]),
    };
    expect(compileModel(project, 'm', CTX, { isIncremental: false }).sql).toBe(
      'WITH "__ephemeral_e" AS (\nselect 1 from "raw"."shop_orders"\n)\nselect * from "__ephemeral_e"',
    );
  });
});

describe('compileProject', () => {
  test('writes <outDir>/<schema>/<name>.sql for the models named, ephemeral ones included', () => {
    const root = writeProject({
      'sql/staging/a.sql': 'select {{ds}} as ds',
      'sql/intermediate/e.sql': `${EPH}select * from {{ref "a"}}`,
      'sql/marts/b.sql':
        '/* config\nmaterialized: incremental\nunique_key: id\n*/\nselect * from {{ref "e"}}\n{{#if is_incremental}}where false{{/if}}',
    });
    const out = path.join(root, 'target');
    const r = compileProject(loadProject(root), CTX, ['a', 'e', 'b'], out);
    expect(r.files).toEqual(['staging/a.sql', 'intermediate/e.sql', 'marts/b.sql'].map((f) => path.join(out, f)));
    expect(readFileSync(path.join(out, 'staging/a.sql'), 'utf8')).toBe("select E'2026-03-01'::date as ds\n");
    expect(readFileSync(path.join(out, 'marts/b.sql'), 'utf8')).toBe(
      'WITH "__ephemeral_e" AS (\nselect * from "staging"."a"\n)\nselect * from "__ephemeral_e"\n',
    );
    expect(r.models.map((m) => m.name)).toEqual(['a', 'e', 'b']);
  });

  test('every render error of every model at once, and no files written', () => {
    const root = writeProject({
      'sql/staging/a.sql': 'select {{var "x"}}',
      'sql/intermediate/e.sql': `${EPH}select {{var "y"}}`,
      'sql/marts/b.sql': 'select * from {{ref "e"}}',
      'sql/marts/c.sql': 'select * from {{ref "e"}}, {{ref "a"}}',
      'sql/marts/ok.sql': 'select 1',
    });
    const out = path.join(root, 'target');
    const e = errorOf(() => compileProject(loadProject(root), CTX, ['a', 'b', 'c', 'ok', 'nope'], out));
    expect(e.code).toBe('MODEL_INVALID');
    expect(issueLines(e).slice(0, 2)).toEqual([
      'sql/staging/a.sql:1:8 var "x" is not set and has no default ({{var "x" "default"}})',
      // The ephemeral model's problem once, though two models inline it.
      'sql/intermediate/e.sql:4:8 var "y" is not set and has no default ({{var "y" "default"}})',
    ]);
    expect(e.issues.slice(2)).toEqual([{ message: 'unknown model "nope"' }]);
    expect(existsSync(out)).toBe(false);
  });
});
