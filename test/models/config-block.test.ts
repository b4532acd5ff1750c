import { parseConfigBlock } from '../../src/models/config-block';

const F = 'sql/marts/orders.sql';
const issues = (text: string) =>
  parseConfigBlock(text, F, 'marts').issues.map((i) => `${i.line}:${i.column} ${i.message}`);

describe('config block', () => {
  test('no block: defaults from the folder, the whole file is the template', () => {
    const r = parseConfigBlock('select 1\n', F, 'marts');
    expect(r.config).toEqual({ materialized: 'view', schema: 'marts', uniqueKey: [], tags: [], columns: {} });
    expect(r.template).toBe('select 1\n');
    expect(r.templateLine).toBe(1);
    expect(r.issues).toEqual([]);
  });

  test('a full block after blank lines; the template starts on the line after it', () => {
    const text = [
      '',
      '/* config',
      'materialized: incremental      # a comment',
      'unique_key: [order_id, line]',
      'tags: [finance, daily]',
      'description: One row per order, latest status.',
      'schema: reporting',
      'columns:',
      '  order_id: { description: The order id }',
      '  status: Latest status',
      '  amount:',
      '*/',
      'select 1',
    ].join('\n');
    const r = parseConfigBlock(text, F, 'marts');
    expect(r.issues).toEqual([]);
    expect(r.config).toEqual({
      materialized: 'incremental',
      schema: 'reporting',
      uniqueKey: ['order_id', 'line'],
      tags: ['finance', 'daily'],
      description: 'One row per order, latest status.',
      columns: { order_id: { description: 'The order id' }, status: { description: 'Latest status' }, amount: {} },
    });
    expect(r.template).toBe('select 1');
    expect(r.templateLine).toBe(13);
  });

  test('unique_key and tags may be a single string; an empty block is all defaults', () => {
    expect(
      parseConfigBlock('/* config\nmaterialized: incremental\nunique_key: id\ntags: daily\n*/\nselect 1', F, 'marts')
        .config,
    ).toMatchObject({ uniqueKey: ['id'], tags: ['daily'] });
    const empty = parseConfigBlock('/* config */\nselect 1', F, 'marts');
    expect(empty.issues).toEqual([]);
    expect(empty.config.materialized).toBe('view');
    expect(empty.templateLine).toBe(2);
  });

  test('SQL on the same line as */ keeps its columns', () => {
    const r = parseConfigBlock('/* config\ntags: [a]\n*/ select 1', F, 'marts');
    expect(r.templateLine).toBe(3);
    expect(r.template).toBe('   select 1');
  });

  test('an ordinary comment is not a config block', () => {
    const r = parseConfigBlock('/* configuration notes */\nselect 1', F, 'marts');
    expect(r.templateLine).toBe(1);
    expect(r.template).toContain('configuration notes');
  });

  test('unknown keys, with did-you-mean, at their own line and column', () => {
    expect(issues('\n\n/* config\nmaterialised: table\n  \ntag: [a]\n*/\nselect 1')).toEqual([
      '4:1 unknown key "materialised" in the config block (did you mean "materialized"?) (known: materialized, unique_key, tags, description, schema, columns)',
      '6:1 unknown key "tag" in the config block (did you mean "tags"?) (known: materialized, unique_key, tags, description, schema, columns)',
    ]);
  });

  test('wrong values name the key and point at the value', () => {
    expect(
      issues('/* config\nmaterialized: incremetal\ntags: 3\ndescription: [a]\nschema: ""\ncolumns: [a]\n*/'),
    ).toEqual([
      '2:15 materialized must be one of view, table, incremental, ephemeral (got "incremetal") (did you mean "incremental"?)',
      '3:7 tags must be a string or a list of strings (got 3)',
      '4:14 description must be a non-empty string (got a list)',
      '5:9 schema must be a non-empty string (got "")',
      '6:10 columns must be a mapping (key: value)',
    ]);
    expect(issues('/* config\ncolumns:\n  id: { descripton: x }\n*/')).toEqual([
      '3:9 unknown key "descripton" in column id (did you mean "description"?) (known: description)',
    ]);
    expect(issues('/* config\ntags: [a, [b]]\n*/')).toEqual([
      '2:11 each item of tags must be a non-empty string (got a list)',
    ]);
    expect(issues('/* config\ncolumns:\n  revenue: { description: Sum of payments, EUR }\n*/')).toEqual([
      '3:44 unknown key "EUR" in column revenue (known: description); inside { … } a comma starts a new key: quote text that contains commas',
    ]);
  });

  test('incremental needs unique_key', () => {
    expect(issues('/* config\nmaterialized: incremental\n*/\nselect 1')).toEqual([
      '2:15 materialized: incremental needs unique_key (the column or columns identifying a row)',
    ]);
  });

  test('YAML syntax errors are mapped to the file line and column', () => {
    // YAML notices the unclosed [ where the next key starts.
    expect(issues('\n/* config\ntags: [a, b\nmaterialized: table\n*/\nselect 1')).toEqual([
      '4:1 YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
    expect(issues('/* config\nmaterialized: table\n  tags: x\n*/')[0]).toBe(
      '2:15 YAML: Nested mappings are not allowed in compact mappings',
    );
    expect(issues('\n/* config\nmaterialized: table\nmaterialized: view\n*/')).toEqual([
      '4:1 YAML: Map keys must be unique',
    ]);
    expect(issues('/* config\n- a\n- b\n*/')).toEqual(['2:1 the config block must be a mapping (key: value)']);
  });

  test('an unclosed block is one error at its start', () => {
    const r = parseConfigBlock('\n  /* config\nmaterialized: table\nselect 1', F, 'marts');
    expect(r.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.message}`)).toEqual([
      `${F}:2:3 the config block is not closed with */`,
    ]);
  });
});
