import { loadSources, parseSources } from '../../src/models/sources';
import { writeProject } from './fixture';

const F = 'sql/sources.yml';
const issues = (text: string) =>
  parseSources(text, F).issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.message}`);

describe('sources.yml', () => {
  test('tables as names or { name, identifier }; raw.<source>_<table> by default', () => {
    const { catalog, issues: problems } = parseSources(
      [
        'shop:',
        '  tables: [customers, orders]',
        'crm:',
        '  schema: landing',
        '  description: The CRM export',
        '  tables:',
        '    - contacts',
        '    - name: deals',
        '      identifier: hubspot_deals',
        '      description: Open deals',
      ].join('\n'),
      F,
    );
    expect(problems).toEqual([]);
    expect(catalog.get('shop')!.get('orders')).toEqual({
      source: 'shop',
      table: 'orders',
      schema: 'raw',
      identifier: 'shop_orders',
      relation: '"raw"."shop_orders"',
    });
    expect(catalog.get('crm')!.get('contacts')!.relation).toBe('"landing"."crm_contacts"');
    expect(catalog.get('crm')!.get('deals')).toEqual({
      source: 'crm',
      table: 'deals',
      schema: 'landing',
      identifier: 'hubspot_deals',
      relation: '"landing"."hubspot_deals"',
    });
  });

  test('no file means no sources; an empty file too', () => {
    expect(loadSources(writeProject({ 'sql/staging/a.sql': 'select 1' })).catalog.size).toBe(0);
    expect(parseSources('', F)).toEqual({ catalog: new Map(), issues: [] });
  });

  test('malformed entries are reported with file:line:column, all of them', () => {
    expect(
      issues(
        [
          'shop:',
          '  tabels: [orders]',
          'crm:',
          '  schema: 5',
          '  tables:',
          '    - contacts',
          '    - contacts',
          '    - { identifier: x }',
          '    - name: deals',
          '      identifer: y',
          'web: [a]',
          'app:',
          '  tables: orders',
        ].join('\n'),
      ),
    ).toEqual([
      `${F}:2:3 unknown key "tabels" in source shop (did you mean "tables"?) (known: schema, tables, description)`,
      `${F}:1:1 source shop needs tables: [ … ]`,
      `${F}:4:11 the schema of source crm must be a non-empty string (got 5)`,
      `${F}:7:7 source crm lists table contacts twice`,
      `${F}:8:7 a table of source crm needs a name`,
      `${F}:10:7 unknown key "identifer" in a table of source crm (did you mean "identifier"?) (known: name, identifier, description)`,
      `${F}:11:6 source web must be a mapping (key: value)`,
      `${F}:13:11 tables of source app must be a list`,
    ]);
  });

  test('YAML syntax errors carry their position', () => {
    expect(issues('shop:\n  tables: [a, b\n')).toEqual([expect.stringMatching(new RegExp(`^${F}:3:1 YAML: `))]);
  });
});
