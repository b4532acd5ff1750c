import { compileModel } from '../../src/models/compile';
import { loadProject } from '../../src/models/project';
import { CTX, errorOf, issueLines, withVars, writeProject } from './fixture';

const PROJECT = `vars:
  methods: [credit_card, coupon, bank_transfer]
  labels: { credit_card: Credit card, coupon: Coupon }
  min_amount: 10
  strict: true
models:
  tags: [shop]
  staging:
    materialized: table
    schema: stg
    tags: [staging]
    shop:
      +materialized: ephemeral
  marts:
    materialized: table
seeds:
  schema: seeds
  column_types:
    payment_methods: { method: text }
`;

const files = (extra: Record<string, string> = {}) => ({
  'sluice_project.yml': PROJECT,
  'sql/staging/stg_a.sql': 'select 1 as id',
  'sql/staging/shop/stg_b.sql': 'select 2 as id',
  'sql/marts/m.sql': '/* config\nmaterialized: view\ntags: [daily]\n*/\nselect * from {{ref "stg_a"}}',
  'sql/marts/n.sql': 'select {{var "min_amount"}} as x',
  ...extra,
});

describe('sluice_project.yml', () => {
  test('folder defaults: nearest folder wins, the config block wins over all, tags add up', () => {
    const p = loadProject(writeProject(files()));
    const cfg = (n: string) => p.models.get(n)!.config;
    expect(cfg('stg_a')).toMatchObject({ materialized: 'table', schema: 'stg', tags: ['shop', 'staging'] });
    expect(cfg('stg_b')).toMatchObject({ materialized: 'ephemeral', schema: 'stg', tags: ['shop', 'staging'] });
    expect(cfg('m')).toMatchObject({ materialized: 'view', schema: 'marts', tags: ['shop', 'daily'] });
    expect(cfg('n')).toMatchObject({ materialized: 'table', schema: 'marts', tags: ['shop'] });
    expect(compileModel(p, 'm', CTX, { isIncremental: false }).sql).toBe('select * from "stg"."stg_a"');
  });

  test('project vars are the defaults; run vars override them key by key', () => {
    const p = loadProject(writeProject(files()));
    expect(compileModel(p, 'n', CTX, { isIncremental: false }).sql).toBe('select (10) as x');
    expect(compileModel(p, 'n', withVars({ min_amount: 25 }), { isIncremental: false }).sql).toBe('select (25) as x');
  });

  test('list and map vars from the project file in each', () => {
    const p = loadProject(
      writeProject(
        files({
          'sql/marts/k.sql':
            'select {{#each vars.methods as |m i|}}{{i}}:{{m}}{{#unless @last}}, {{/unless}}{{/each}}\n' +
            '{{#each vars.labels}}{{#if @first}}-- first{{/if}}\n{{ident @key}} = {{this}}{{/each}}',
        }),
      ),
    );
    expect(compileModel(p, 'k', CTX, { isIncremental: false }).sql).toBe(
      "select 0:E'credit_card', 1:E'coupon', 2:E'bank_transfer'\n-- first\n\"credit_card\" = E'Credit card'\n\"coupon\" = E'Coupon'",
    );
  });

  test('no file: no project settings', () => {
    const p = loadProject(writeProject({ 'sql/marts/m.sql': 'select 1' }));
    expect(p.models.get('m')!.config).toMatchObject({ materialized: 'view', schema: 'marts', tags: [] });
  });

  test('every mistake at its file:line:column, all together, with did-you-mean', () => {
    const bad = `vars:
  ok: 1
  when: !!binary aGVsbG8=
modles: {}
models:
  materialised: table
  staging:
    materialized: tabel
    tags: 3
    shopp: {}
  nowhere: {}
seeds:
  schema: ""
  colum_types: {}
`;
    const lines = issueLines(
      errorOf(() => loadProject(writeProject({ 'sluice_project.yml': bad, 'sql/staging/shop/a.sql': 'select 1' }))),
    );
    expect(lines).toEqual([
      expect.stringMatching(/^sluice_project\.yml:3:18 vars\.when: .* is not a value a var can hold/),
      expect.stringMatching(
        /^sluice_project\.yml:4:1 unknown key "modles" in sluice_project\.yml \(did you mean "models"\?\)/,
      ),
      expect.stringMatching(
        /^sluice_project\.yml:6:3 unknown key "materialised" in models \(did you mean "materialized"\?\)/,
      ),
      expect.stringMatching(
        /^sluice_project\.yml:8:19 models\.staging\.materialized must be one of .* \(got "tabel"\) \(did you mean "table"\?\)$/,
      ),
      expect.stringMatching(/^sluice_project\.yml:9:11 models\.staging\.tags must be a string or a list of strings/),
      expect.stringMatching(
        /^sluice_project\.yml:10:5 unknown key "shopp" in models\.staging \(did you mean "shop"\?\).*sql\/staging\/ \(shop\)/,
      ),
      expect.stringMatching(/^sluice_project\.yml:11:3 unknown key "nowhere" in models/),
      expect.stringMatching(/^sluice_project\.yml:13:11 seeds\.schema must be a non-empty string/),
      expect.stringMatching(
        /^sluice_project\.yml:14:3 unknown key "colum_types" in seeds \(did you mean "column_types"\?\)/,
      ),
    ]);
  });

  test('an incremental folder default needs the model to name its unique_key', () => {
    const root = writeProject({
      'sluice_project.yml': 'models:\n  marts:\n    materialized: incremental\n',
      'sql/marts/m.sql': 'select 1 as id',
      'sql/marts/ok.sql': '/* config\nunique_key: id\n*/\nselect 1 as id',
    });
    expect(issueLines(errorOf(() => loadProject(root)))).toEqual([
      "sql/marts/m.sql:1:1 materialized: incremental (from sluice_project.yml:3:19) needs unique_key in the model's config block (the column or columns identifying a row)",
    ]);
  });

  test('YAML syntax errors at their position', () => {
    const root = writeProject({ 'sluice_project.yml': 'vars:\n  a: [1, 2\n', 'sql/marts/m.sql': 'select 1' });
    expect(issueLines(errorOf(() => loadProject(root)))[0]).toMatch(/^sluice_project\.yml:\d+:\d+ YAML: /);
  });
});
