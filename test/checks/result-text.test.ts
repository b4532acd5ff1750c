import { observedText, sampleValues } from '../../src/checks/result-text';
import { failureLines } from '../../src/scheduler/failure-text';

test('the observed value of a map expectation is a share with its unit and counts', () => {
  expect(observedText({ observed: 4.04, unexpectedCount: 4, elementCount: 99 })).toBe('4.04 %; 4 unexpected of 99');
  expect(observedText({ observed: 3, unexpectedCount: 3 })).toBe('3; 3 unexpected'); // custom SQL: failing rows
  expect(observedText({ observed: { extra: ['x'], missing: [] } })).toBe('{"extra":["x"],"missing":[]}');
  expect(observedText({ observed: 'a'.repeat(50) }, 10)).toBe(`"${'a'.repeat(9)}…`);
});

test('samples are the checked column’s distinct failing values, at most five; rows when no one column is checked', () => {
  const rows = ['returned', 'returned', 'returned', null, 'lost', 'returned', 'a', 'b', 'c', 'd'].map((s, i) => ({
    id: i,
    status: s,
  }));
  expect(sampleValues(rows, { column: 'status' })).toEqual(['returned', null, 'lost', 'a', 'b']);
  expect(sampleValues(rows.slice(0, 2), { column_list: ['id', 'status'] })).toEqual([
    { id: 0, status: 'returned' },
    { id: 1, status: 'returned' },
  ]);
});

test('dags test shows a failed expectation the same way', () => {
  const lines = failureLines({
    taskId: 'check',
    tryNumber: 1,
    error: 'quality gate orders failed on marts.orders: 1 expectation(s) failed',
    logTail: [],
    expectations: [
      {
        suite: 'orders',
        table: 'marts.orders',
        index: 0,
        type: 'expect_column_values_to_be_in_set',
        severity: 'error',
        column: 'status',
        observed: 4.04,
        unexpectedCount: 4,
        elementCount: 99,
        samples: sampleValues([{ status: 'returned' }, { status: 'returned' }, { status: 'lost' }], {
          column: 'status',
        }),
        summary: '4 of 99 non-null values (4.04 %) are not in the set',
      },
    ],
  });
  expect(lines).toEqual([
    'check failed on try 1: quality gate orders failed on marts.orders: 1 expectation(s) failed',
    '  failed: orders[0] expect_column_values_to_be_in_set on column status of marts.orders: 4 of 99 non-null values (4.04 %) are not in the set',
    '    observed: 4.04 %; 4 unexpected of 99; samples: "returned", "lost"',
  ]);
});
