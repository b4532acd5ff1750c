/**
 * What an expectation type is: its kwargs' JSON Schema, the columns and tables it reads, and a plan
 * that asks for SQL metrics (pushed down to Postgres, batched) and judges them.
 */
import type { ValidationContext } from './types';
import type { TableInfo } from './catalog';

/** Shaped by the type's JSON Schema, which was checked before any plan reads them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- shapes vary per type; the JSON Schema checked them
export type Kwargs = Readonly<Record<string, any>>;
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A problem in one kwarg, `path` relative to the kwargs object (`min_value`, `value_set/2`). */
export interface KwargProblem {
  readonly path: string;
  readonly message: string;
}

/** A column of the suite's table, or another table (and maybe its column), that must exist before running. */
export type Ref =
  | { readonly kind: 'column'; readonly path: string; readonly column: string; readonly need?: 'numeric' | 'datetime' }
  | {
      readonly kind: 'table';
      readonly path: string;
      readonly table: string;
      readonly column?: { readonly path: string; readonly name: string };
    };

/** Handle of a metric asked for while planning, read back after the queries ran. */
export type Key = string;
export type Read = (key: Key) => unknown;

export interface Outcome {
  readonly success: boolean;
  readonly observed: unknown;
  readonly summary: string;
  readonly unexpectedCount?: number;
  readonly sample?: ReadonlyArray<Readonly<Record<string, unknown>>>;
  readonly failingRowsSql?: string;
}

/** Judged from metrics by the expectation itself (aggregates, sets, the catalog). */
export interface MetricPlan {
  readonly kind: 'metric';
  evaluate(read: Read): Outcome;
}

/**
 * A map expectation: every considered row is expected or not; `mostly`, the counts, the summary,
 * the samples and the failing-rows SQL are handled once for all of them (src/checks/map-result.ts).
 */
export interface MapPlan {
  readonly kind: 'map';
  /** Rows considered: non-null values, or every row for the null types. */
  readonly elementCount: Key;
  readonly unexpectedCount: Key;
  /** Uniqueness counts duplicates beyond the first in the batched query; the exact count (every row of a duplicated value, as GX) comes with the samples. */
  readonly unexpectedIsLowerBound?: boolean;
  /** Rows left out because of nulls (or ignore_row_if). */
  readonly nullCount: Key;
  readonly mostly?: number;
  /** Columns shown with the table's key in samples. */
  readonly columns: readonly string[];
  /** `FROM … WHERE …` selecting exactly the failing rows. */
  readonly failingFrom: string;
  /** "non-null values", "rows" */
  readonly unit: string;
  /** "are not in the set" */
  readonly fails: string;
  /** How nulls were treated, stated in every summary. */
  readonly nulls: (nullCount: number) => string;
}

export type Planned = MetricPlan | MapPlan;

/** What a type gets while planning: the catalog, SQL building blocks, and metric registration. */
export interface Planner {
  readonly table: TableInfo;
  /** Another table named in the kwargs (its existence was checked). */
  other(ref: string): TableInfo;
  readonly context: ValidationContext;
  /** `"schema"."table"`. */
  readonly source: string;
  /** `FROM <table> WHERE (<suite where>) AND (<cond>)`: the suite's rows, narrowed by `cond`. */
  from(cond?: string): string;
  col(name: string): string;
  /** A JSON value compared with `column`: numbers bare, strings as literals Postgres coerces to the column's type (checked before running). */
  lit(value: unknown, path: string, column: string): string;
  /** A regex literal, compiled in Postgres before running. */
  regex(pattern: string, path: string): string;
  /** A type name resolved by Postgres (`int` → `integer`); the key reads the canonical name or null. */
  regtype(name: string, path: string): Key;
  /** An aggregate over the suite's rows, computed in the one batched query (identical SQL is computed once). */
  agg(sql: string): Key;
  /** A query of its own; the key reads its rows (`path`: the kwarg blamed when it does not parse). */
  rows(sql: string, path?: string): Key;
  /** A query of its own returning one value (first column of the first row). */
  scalar(sql: string, path?: string): Key;
  /** A problem found while planning (a kwarg that does not fit the column's type). */
  problem(path: string, message: string): void;
}

export interface ExpectationType {
  readonly name: string;
  /** For docs: "Table", "Column values", … */
  readonly group: string;
  readonly description: string;
  /** JSON Schema of the kwargs (additionalProperties: false). */
  readonly kwargs: JsonSchema;
  /** Checks JSON Schema cannot express (bounds in order, a duration that parses, no `;` in SQL). */
  check?(kwargs: Kwargs): KwargProblem[];
  /** What must exist in the catalog; checked in one query before anything runs. */
  refs(kwargs: Kwargs): Ref[];
  plan(kwargs: Kwargs, p: Planner): Planned;
  /** What it does on an empty table (or no non-null values), for docs. */
  readonly onEmpty: string;
}
