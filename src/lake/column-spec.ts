/**
 * The contract between sources (files, HTTP APIs, Postgres queries), the lake writer and the raw
 * loader. A source yields plain rows keyed by column name, each with where it came from so a bad
 * value can be reported as "orders.csv line 12" or "page 3, record 7".
 */

/** Column types a source may declare; each maps to one Postgres type in `raw`. */
export type ColumnType =
  'text' | 'integer' | 'bigint' | 'numeric' | 'double' | 'boolean' | 'date' | 'timestamp' | 'timestamptz' | 'jsonb';

/** The Postgres type each column type loads as (raw tables, seeds). */
export const POSTGRES_TYPES: Readonly<Record<ColumnType, string>> = {
  text: 'text',
  integer: 'integer',
  bigint: 'bigint',
  numeric: 'numeric',
  double: 'double precision',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  jsonb: 'jsonb',
};

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  /** Defaults to true; a null in a non-nullable column is a malformed row. */
  readonly nullable?: boolean;
}

export interface SourceRow {
  readonly values: Readonly<Record<string, unknown>>;
  /** Human location for error messages: `customers/2026-01-01.csv.gz line 12`, `GET /payments page 3 record 7`. */
  readonly at: string;
}

/** What a source produced for one partition, beyond its rows (kept in object metadata and the ingestion log). */
export interface SourceSummary {
  readonly rows: number;
  /** Incremental sources: the highest watermark value among the rows read, as text; undefined when nothing new. */
  readonly watermark?: string;
}
