import path from 'node:path';
import { renderMacros, type MacroContext } from '../dag/templated';
import type { Warehouse } from '../db/queryable';
import { ValidationError } from '../errors/errors';
import { recordValidation } from './record-validation';
import type { ValidationRun } from '../state/validations';
import { loadSuite } from './suite-file';
import { unknownTables, type TableResolver } from './suite-table';
import type { ValidationResult } from './types';
import { validateSuite } from './validate';

export interface SuiteRun {
  /** The suite file. */
  readonly file: string;
  /** For suites whose table is a model name (see `tableResolver`). */
  readonly resolveTable: TableResolver;
  readonly docsDir: string;
  /** Fills `{{ds}}` and the other macros in the suite's `where`; its data interval end is what freshness measures from. */
  readonly macros: MacroContext;
  readonly run?: ValidationRun;
}

/**
 * One suite, end to end: load it, resolve its tables (each must name something), fill its `where`,
 * validate, and keep the result (rows, events, Data Docs). Shared by the checkpoint task and the
 * CLI. Returns the result and the absolute path of its Data Docs page.
 */
export async function runSuite(wh: Warehouse, r: SuiteRun): Promise<{ result: ValidationResult; page: string }> {
  const suite = loadSuite(r.file);
  // A name that is no model, seed or source would only meet "does not exist" in Postgres, without a hint.
  const unknown = unknownTables(suite, r.resolveTable);
  if (unknown.length) throw new ValidationError('CHECK_INVALID', `suite "${suite.name}" on ${suite.table}`, unknown);
  const resolved = {
    ...suite,
    table: r.resolveTable(suite.table),
    where: suite.where === undefined ? undefined : renderMacros(suite.where, r.macros),
  };
  const result = await validateSuite(wh, resolved, {
    ds: r.macros.ds,
    dataIntervalEnd: r.macros.dataIntervalEnd,
    resolveTable: r.resolveTable,
  });
  const { page } = await recordValidation(wh, result, r.docsDir, r.run);
  return { result, page: path.join(r.docsDir, page) };
}
