/**
 * A query returning the rows that break a rule no other type expresses (GX 1.x's
 * UnexpectedRowsExpectation). `{batch}` stands for the suite's rows: the table filtered by `where`.
 */
import type { ExpectationType, MetricPlan } from '../expectation';
import { checkNoSemicolon, enclose, kwargsSchema } from './kwargs';

const COUNT = '__sluice_count';

export const CUSTOM_SQL_TYPES: readonly ExpectationType[] = [
  {
    name: 'unexpected_rows_expectation',
    group: 'Custom SQL',
    description:
      "unexpected_rows_query (one SELECT; `{batch}` is the suite's rows) returns no rows; description says what it checks.",
    kwargs: kwargsSchema({ unexpected_rows_query: { type: 'string', minLength: 1 }, description: { type: 'string' } }, [
      'unexpected_rows_query',
    ]),
    check: (k) => checkNoSemicolon(k.unexpected_rows_query, 'unexpected_rows_query'),
    refs: () => [],
    onEmpty: 'runs the query as written; passes when it returns nothing',
    plan(k, p): MetricPlan {
      const query = (k.unexpected_rows_query as string).replace(/\{batch\}/g, 'batch');
      const all = `WITH batch AS (SELECT * ${p.from()}) SELECT * FROM ${enclose(query)} AS unexpected_rows`;
      // One query: the count over every failing row, and the first 20 of them.
      const rows = p.rows(
        `SELECT count(*) OVER () AS ${COUNT}, u.* FROM (${all}) AS u LIMIT 20`,
        'unexpected_rows_query',
      );
      const what = k.description ? ` (${k.description})` : '';
      return {
        kind: 'metric',
        evaluate(read) {
          const got = read(rows) as Array<Record<string, unknown>>;
          const n = got.length ? Number(got[0][COUNT]) : 0;
          const sample = got.map(({ [COUNT]: _drop, ...rest }) => rest);
          return {
            success: n === 0,
            observed: n,
            unexpectedCount: n,
            summary: n
              ? `the query returned ${n.toLocaleString('en-US')} unexpected row${n === 1 ? '' : 's'}${what}`
              : `the query returned no rows${what}`,
            ...(n ? { sample, failingRowsSql: all } : {}),
          };
        },
      };
    },
  },
];
