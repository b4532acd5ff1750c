/**
 * Quality gates: the contract between the engine (suites, expectation types, the batched
 * validation) and what consumes its results (storage, Data Docs, the checkpoint operator, the CLI).
 */

import type { StoredExpectation, ValidationToStore } from '../state/validations';

export type Severity = 'error' | 'warn';

/** One entry of a suite file, as written (after validation against its type's JSON Schema). */
export interface ExpectationConfig {
  readonly type: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly severity: Severity;
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** `expectations/<name>.json`. */
export interface Suite {
  readonly name: string;
  /** `schema.table`, or a model name (resolved to its schema by the caller). */
  readonly table: string;
  /** A SQL condition limiting the rows validated (GX's row_condition), e.g. `_ds = '2026-03-01'`. */
  readonly where?: string;
  readonly expectations: readonly ExpectationConfig[];
  /** Absolute path of the suite file. */
  readonly file: string;
}

/** What a run of a suite is checked against (freshness compares with the data interval end). */
export interface ValidationContext {
  readonly ds?: string;
  readonly dataIntervalEnd?: Date;
  /** How the other tables expectations name are found (suite-table.ts); as written without it. */
  readonly resolveTable?: (table: string) => string;
}

/** An expectation's result: the stored shape (its fields are documented there) with a typed severity. */
export interface ExpectationResult extends StoredExpectation {
  readonly severity: Severity;
}

/** A suite's validation: the stored shape with typed results. */
export interface ValidationResult extends ValidationToStore {
  readonly results: readonly ExpectationResult[];
}
