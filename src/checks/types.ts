/**
 * Quality gates: the contract between the engine (suites, expectation types, the batched
 * validation) and what consumes its results (storage, Data Docs, the checkpoint operator, the CLI).
 */

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
}

export interface ExpectationResult {
  readonly index: number;
  readonly type: string;
  readonly severity: Severity;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly success: boolean;
  /** The metric the expectation judged (a count, a mean, a set, the newest timestamp, …). */
  readonly observed: unknown;
  /** Map expectations: rows considered (non-null values unless the type is about nulls), unexpected ones and their share. */
  readonly elementCount?: number;
  readonly unexpectedCount?: number;
  readonly unexpectedPercent?: number;
  /** Rows whose value was null (excluded from map expectations except the null ones; stated in every result). */
  readonly nullCount?: number;
  /** Up to 20 failing rows: the column's value and the table's key columns. */
  readonly sample?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** The SQL that returns every failing row. */
  readonly failingRowsSql?: string;
  /** A sentence a person reads ("3 of 1,000 non-null values (0.3 %) are not in the set; nulls are not counted"). */
  readonly summary: string;
}

export interface ValidationResult {
  readonly suite: string;
  readonly table: string;
  readonly where?: string;
  readonly startedAt: Date;
  readonly ms: number;
  /** False when an error-severity expectation failed (the gate closes). */
  readonly success: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly results: readonly ExpectationResult[];
  /** Queries the validation sent to Postgres (table scans among them). */
  readonly queries: number;
}
