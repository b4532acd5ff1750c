/**
 * SQL models: the contract between the compile side (project loading, templates, the graph) and
 * the run side (selection, materializations, the runner, the DAG operator).
 */
import type { JsonValue } from '../dag/types';
import type { Materialization } from './materializations/registry';

/** The materializations' names (materializations/registry.ts lists the kinds). */
export type { Materialization } from './materializations/registry';

/** A position in a model file (1-based line and column), for every error the user can fix. */
export interface FilePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface ModelConfig {
  readonly materialized: Materialization;
  /** Target schema: the model's folder (`sql/marts/x.sql` → marts) unless the config says otherwise. */
  readonly schema: string;
  /** Incremental models: the columns identifying a row; a null in any of them is an error. */
  readonly uniqueKey: readonly string[];
  readonly tags: readonly string[];
  readonly description?: string;
  readonly columns: Readonly<Record<string, { readonly description?: string }>>;
}

/** A `{{ref "x"}}` or `{{source "s" "t"}}` found in a model's template, with where it is. */
export interface RefUse {
  readonly name: string;
  readonly at: FilePosition;
}
export interface SourceUse {
  readonly source: string;
  readonly table: string;
  readonly at: FilePosition;
}

export interface ModelNode {
  readonly name: string;
  /** Absolute path of the .sql file and its path relative to the project root (`sql/marts/x.sql`). */
  readonly file: string;
  readonly path: string;
  readonly config: ModelConfig;
  /** The template without its config block. */
  readonly template: string;
  /** Line in the file where `template` starts (1-based), so template positions map back to the file. */
  readonly templateLine: number;
  readonly refs: readonly RefUse[];
  readonly sources: readonly SourceUse[];
  /** Where the config block sets `schema:`, when it does (errors about the target schema point there). */
  readonly schemaAt?: FilePosition;
}

/** A source table as `{{source "shop" "orders"}}` names it: `raw.shop_orders` unless configured. */
export interface SourceTable {
  readonly source: string;
  readonly table: string;
  readonly schema: string;
  /** The table's name in its schema (`shop_orders` unless sources.yml sets `identifier`). */
  readonly identifier: string;
  readonly relation: string;
}

/** A seed as models see it: `{{ref "payment_methods"}}` reads `<schema>.<name>` (seeds/ holds the CSV). */
export interface SeedNode {
  readonly name: string;
  readonly schema: string;
  /** Relative to the project root (`seeds/payment_methods.csv`). */
  readonly path: string;
}

export interface ModelProject {
  /** The folder holding `sql/` (model paths are relative to it). */
  readonly root: string;
  readonly models: ReadonlyMap<string, ModelNode>;
  /** The seeds in `seeds/`, which models may `ref` as they ref models; `sluice seed` loads them. */
  readonly seeds: ReadonlyMap<string, SeedNode>;
  /** Model name → names of the models it refs (ephemeral ones included). */
  readonly upstream: ReadonlyMap<string, readonly string[]>;
}

/** What a template sees at run time besides refs and sources. */
export interface RunContext {
  readonly ds: string;
  readonly dataIntervalStart: Date;
  readonly dataIntervalEnd: Date;
  readonly vars: Readonly<Record<string, JsonValue>>;
}

export interface CompiledModel {
  readonly name: string;
  readonly schema: string;
  readonly materialized: Materialization;
  readonly uniqueKey: readonly string[];
  /** The quoted, qualified relation the model builds (`"marts"."daily_revenue"`). */
  readonly relation: string;
  /** The SELECT the model is, ephemeral models inlined as CTEs. */
  readonly sql: string;
  /**
   * For each line of `sql` (index 0 = line 1): the model file and line it came from, so a Postgres
   * error at a position of the compiled SQL is reported against the model file.
   */
  readonly lineMap: readonly FilePosition[];
  /** Built from a seed (seeds/*.csv), not a model file: messages say "seed" and give seed hints. */
  readonly seed?: true;
}
