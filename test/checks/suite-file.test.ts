import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lintSuites } from '../../src/checks/lint';
import { EXPECTATION_TYPES } from '../../src/checks/registry';
import { loadSuite, parseSuiteText } from '../../src/checks/suite-file';
import { ValidationError } from '../../src/errors/errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'sluice-suites-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  writeFileSync(f, text);
  return f;
};
const issuesOf = (text: string) => parseSuiteText(text, '/x/orders.json').issues;

describe('suite files', () => {
  test('a valid suite loads, severity defaulting to error', () => {
    const file = write(
      'orders.json',
      JSON.stringify({
        name: 'orders',
        table: 'shop.orders',
        where: "_ds = '2026-03-01'",
        expectations: [
          { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id' } },
          {
            type: 'expect_column_mean_to_be_between',
            kwargs: { column: 'amount', min_value: 1 },
            severity: 'warn',
            meta: { owner: 'ana' },
          },
        ],
      }),
    );
    const s = loadSuite(file);
    expect(s).toEqual({
      name: 'orders',
      table: 'shop.orders',
      where: "_ds = '2026-03-01'",
      file,
      expectations: [
        { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id' }, severity: 'error' },
        {
          type: 'expect_column_mean_to_be_between',
          kwargs: { column: 'amount', min_value: 1 },
          severity: 'warn',
          meta: { owner: 'ana' },
        },
      ],
    });
  });

  test('unknown type and misspelled kwarg get a did-you-mean, with pointer, line and column', () => {
    const text = [
      '{',
      '  "name": "orders", "table": "shop.orders",',
      '  "expectations": [',
      '    { "type": "expect_column_values_to_be_uniqe", "kwargs": { "column": "id" } },',
      '    { "type": "expect_column_values_to_not_be_null", "kwargs": { "colum": "id" } }',
      '  ]',
      '}',
    ].join('\n');
    const issues = issuesOf(text);
    expect(issues.map((i) => [i.pointer, i.line, i.column, i.message])).toEqual([
      [
        '/expectations/0/type',
        4,
        15,
        '/expectations/0/type: unknown expectation type "expect_column_values_to_be_uniqe" (did you mean "expect_column_values_to_be_unique"?)',
      ],
      [
        '/expectations/1/kwargs',
        5,
        64,
        '/expectations/1/kwargs: missing required kwarg "column" for expect_column_values_to_not_be_null',
      ],
      [
        '/expectations/1/kwargs/colum',
        5,
        66,
        '/expectations/1/kwargs/colum: unknown kwarg "colum" for expect_column_values_to_not_be_null (did you mean "column"?); expected "column", "mostly"',
      ],
    ]);
  });

  test('wrong kwarg types, out-of-range mostly, bad severity, bounds and durations: all reported together', () => {
    const issues = issuesOf(
      JSON.stringify({
        name: 'orders',
        table: 'shop.orders',
        expectations: [
          { type: 'expect_column_values_to_be_in_set', kwargs: { column: 'status', value_set: 'paid' } },
          { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id', mostly: 1.5 } },
          { type: 'expect_table_row_count_to_equal', kwargs: { value: 3 }, severity: 'fatal' },
          { type: 'expect_column_values_to_be_between', kwargs: { column: 'x', min_value: 5, max_value: 1 } },
          { type: 'expect_column_values_to_be_between', kwargs: { column: 'x' } },
          { type: 'expect_column_max_to_be_within', kwargs: { column: 'ts', max_age: '26 hours' } },
          {
            type: 'expect_column_quantile_values_to_be_between',
            kwargs: { column: 'x', quantile_ranges: { quantiles: [0.5, 0.9], value_ranges: [[1, 2]] } },
          },
        ],
      }),
    );
    expect(issues.map((i) => i.message)).toEqual([
      '/expectations/2/severity: must be one of "error", "warn"',
      '/expectations/0/kwargs/value_set: must be array',
      '/expectations/1/kwargs/mostly: must be <= 1',
      '/expectations/3/kwargs/max_value: max_value (1) is below min_value (5)',
      '/expectations/4/kwargs/min_value: give min_value, max_value or both',
      expect.stringMatching(
        /^\/expectations\/5\/kwargs\/max_age: max_age must be a duration: .*; got the string "26 hours"$/,
      ),
      '/expectations/6/kwargs/quantile_ranges/value_ranges: needs one [min, max] range per quantile',
    ]);
  });

  test('envelope problems: missing table, unknown property, a ";" in where, GX-only kwargs explained', () => {
    const issues = issuesOf(
      JSON.stringify({
        name: 'orders',
        where: 'a = 1; DROP TABLE x',
        expectation: [],
        expectations: [
          { type: 'expect_column_values_to_not_be_null', kwargs: { column: 'id', row_condition: 'a > 1' } },
          { type: 'unexpected_rows_expectation', kwargs: { unexpected_rows_query: 'SELECT 1; SELECT 2' } },
        ],
      }),
    );
    expect(issues.map((i) => i.message)).toEqual([
      'missing required property "table"',
      expect.stringContaining('/expectation: unknown property "expectation" (did you mean "expectations"?)'),
      '/where: must not contain ";" (one query, spliced into a larger one)',
      '/expectations/0/kwargs/row_condition: kwarg "row_condition" is not supported for expect_column_values_to_not_be_null: filter rows with the suite\'s "where" instead',
      '/expectations/1/kwargs/unexpected_rows_query: must not contain ";" (one query, spliced into a larger one)',
    ]);
  });

  test('a JSON syntax error points at its line and column', () => {
    const issues = issuesOf('{\n  "name": "orders",\n  "table": "a.b"\n  "expectations": []\n}');
    expect(issues).toEqual([
      {
        file: '/x/orders.json',
        line: 4,
        column: 3,
        pointer: '',
        message: 'not valid JSON: expected "," or "}", found """',
      },
    ]);
    expect(issuesOf('{"name": "x", "table": "a.b", "expectations": [1,]}')[0].message).toBe(
      'not valid JSON: unexpected "]"',
    );
  });

  test('loadSuite throws every problem in one ValidationError', () => {
    const file = write(
      'bad.json',
      JSON.stringify({
        name: 'bad',
        table: 'a.b',
        expectations: [{ type: 'nope' }, { type: 'expect_column_to_exist', kwargs: {} }],
      }),
    );
    expect(() => loadSuite(file)).toThrow(ValidationError);
    try {
      loadSuite(file);
    } catch (e) {
      expect((e as ValidationError).code).toBe('CHECK_INVALID');
      expect((e as ValidationError).issues).toHaveLength(2);
      expect((e as Error).message).toContain(`${file}:1:`);
    }
  });

  test("lintSuites reports every file's problems, a name that differs from its file, and duplicates", () => {
    write('orders.json', JSON.stringify({ name: 'orders', table: 'a.orders', expectations: [] }));
    write(
      'customers.json',
      JSON.stringify({
        name: 'orders',
        table: 'a.customers',
        expectations: [{ type: 'expect_table_row_count_to_equal', kwargs: { value: -1 } }],
      }),
    );
    write('payments.json', JSON.stringify({ name: 'orders', table: 'a.payments', expectations: [] }));
    write('broken.json', '{');
    write('notes.txt', 'not a suite');
    const r = lintSuites(dir);
    expect(r.files.map((f) => path.basename(f))).toEqual([
      'broken.json',
      'customers.json',
      'orders.json',
      'payments.json',
    ]);
    expect(r.suites.map((s) => s.name)).toEqual(['orders']);
    expect(r.issues.map((i) => `${path.basename(i.file!)}:${i.line}: ${i.message}`)).toEqual([
      'broken.json:1: not valid JSON: expected a property name in double quotes, found end of file',
      'customers.json:1: /expectations/0/kwargs/value: must be >= 0',
      'payments.json:1: /name: suite "orders" is in payments.json: name the file orders.json (checkpoints find suites by file name)',
      'payments.json:1: /name: suite "orders" is also defined in orders.json',
    ]);
  });

  test('lintSuites names a missing folder by its absolute path and its setting', () => {
    const missing = path.join(dir, 'nope');
    expect(lintSuites(path.relative(process.cwd(), missing)).issues).toEqual([
      {
        pointer: '',
        message: `the expectations folder ${missing} does not exist (SLUICE_EXPECTATIONS_DIR; create it, or set SLUICE_EXPECTATIONS_DIR to the folder holding your suites)`,
      },
    ]);
  });

  test('every type has a kwargs schema that rejects unknown kwargs, and there are at least 30 types', () => {
    expect(EXPECTATION_TYPES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(EXPECTATION_TYPES.map((t) => t.name)).size).toBe(EXPECTATION_TYPES.length);
    for (const t of EXPECTATION_TYPES) {
      expect(t.kwargs).toMatchObject({ type: 'object', additionalProperties: false });
      const issues = issuesOf(
        JSON.stringify({ name: 'x', table: 'a.b', expectations: [{ type: t.name, kwargs: { not_a_kwarg: 1 } }] }),
      );
      expect(issues.some((i) => i.pointer === '/expectations/0/kwargs/not_a_kwarg')).toBe(true);
    }
  });
});
