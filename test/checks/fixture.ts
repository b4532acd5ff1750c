import type {
  ExpectationConfig,
  ExpectationResult,
  Suite,
  ValidationContext,
  ValidationResult,
} from '../../src/checks/types';
import { validateSuite } from '../../src/checks/validate';
import type { Queryable } from '../../src/db/queryable';

export type Exp = { type: string; kwargs?: Record<string, unknown>; severity?: 'error' | 'warn' };

/** A suite built in code (as loadSuite would return it). */
export function suiteOf(table: string, expectations: readonly Exp[], where?: string, name = 'test_suite'): Suite {
  return {
    name,
    table,
    ...(where ? { where } : {}),
    file: `/virtual/${name}.json`,
    expectations: expectations.map((e): ExpectationConfig => ({
      type: e.type,
      kwargs: e.kwargs ?? {},
      severity: e.severity ?? 'error',
    })),
  };
}

/** Validates one expectation and returns its result. */
export async function check(
  wh: Queryable,
  table: string,
  e: Exp,
  opts: { where?: string; ctx?: ValidationContext } = {},
): Promise<ExpectationResult> {
  const v = await validateSuite(wh, suiteOf(table, [e], opts.where), opts.ctx);
  return v.results[0];
}

export async function run(
  wh: Queryable,
  table: string,
  es: readonly Exp[],
  opts: { where?: string; ctx?: ValidationContext } = {},
): Promise<ValidationResult> {
  return validateSuite(wh, suiteOf(table, es, opts.where), opts.ctx);
}

/** The warehouse with every query recorded. */
export function recording(wh: Queryable): Queryable & { sqls: string[] } {
  const sqls: string[] = [];
  return {
    sqls,
    query: (sql, params) => {
      sqls.push(sql);
      return wh.query(sql, params);
    },
  };
}
