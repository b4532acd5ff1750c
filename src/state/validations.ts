import type { Queryable } from '../db/queryable';

/** Validations of quality-gate suites and their expectation results (`sluice.validation`, `sluice.validation_result`). */

/** The task a validation ran in, when it ran in one. */
export interface ValidationRun {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly ds?: string;
}

/** An expectation's result as stored (src/checks/types.ts narrows it to ExpectationResult). */
export interface StoredExpectation {
  readonly index: number;
  readonly type: string;
  readonly severity: string;
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

/** A validation as stored (src/checks/types.ts narrows it to ValidationResult). */
export interface ValidationToStore {
  readonly suite: string;
  readonly table: string;
  readonly where?: string;
  readonly startedAt: Date;
  readonly ms: number;
  /** False when an error-severity expectation failed (the gate closes). */
  readonly success: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly results: readonly StoredExpectation[];
  /** Queries the validation sent to Postgres (table scans among them). */
  readonly queries: number;
}

/** A suite's latest validation, for the Data Docs index. */
export interface LatestValidation {
  readonly suite: string;
  readonly success: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly expectations: number;
  readonly created_at: Date;
  readonly docs_path: string | null;
  readonly table_name: string;
}

/** Stores a validation and its expectation results; returns the validation's id. */
export async function storeValidation(
  q: Queryable,
  v: ValidationToStore,
  run?: ValidationRun,
  docsPath?: string,
): Promise<number> {
  const ins = await q.query<{ id: number }>(
    `INSERT INTO sluice.validation (suite, table_name, where_clause, run_id, dag_id, task_id, ds, success, errors, warnings,
                                    expectations, queries, started_at, duration_ms, docs_path)
     VALUES ($1, $2, $3, (SELECT id FROM sluice.dag_run WHERE dag_id = $4 AND run_id = $5), $4, $6, $7::date, $8, $9, $10, $11, $12, $13, $14, $15)
     RETURNING id`,
    [
      v.suite,
      v.table,
      v.where ?? null,
      run?.dagId ?? null,
      run?.runId ?? null,
      run?.taskId ?? null,
      run?.ds ?? null,
      v.success,
      v.errors,
      v.warnings,
      v.results.length,
      v.queries,
      v.startedAt,
      Math.round(v.ms),
      docsPath ?? null,
    ],
  );
  const id = Number(ins.rows[0].id);
  await q.query(
    `INSERT INTO sluice.validation_result (validation_id, idx, type, severity, kwargs, success, observed, element_count, unexpected_count,
                                           unexpected_percent, null_count, sample, failing_rows_sql, summary)
     SELECT $1, x.idx, x.type, x.severity, x.kwargs, x.success, x.observed, x.element_count, x.unexpected_count, x.unexpected_percent,
            x.null_count, x.sample, x.failing_rows_sql, x.summary
       FROM jsonb_to_recordset($2::jsonb) AS x(idx int, type text, severity text, kwargs jsonb, success boolean, observed jsonb,
            element_count bigint, unexpected_count bigint, unexpected_percent double precision, null_count bigint, sample jsonb,
            failing_rows_sql text, summary text)`,
    [
      id,
      JSON.stringify(
        v.results.map((r) => ({
          idx: r.index,
          type: r.type,
          severity: r.severity,
          kwargs: r.kwargs,
          success: r.success,
          observed: r.observed ?? null,
          element_count: r.elementCount ?? null,
          unexpected_count: r.unexpectedCount ?? null,
          unexpected_percent: r.unexpectedPercent ?? null,
          null_count: r.nullCount ?? null,
          sample: r.sample ?? null,
          failing_rows_sql: r.failingRowsSql ?? null,
          summary: r.summary,
        })),
      ),
    ],
  );
  return id;
}

/** The latest validation of each suite, for the Data Docs index. */
export async function latestValidations(q: Queryable): Promise<LatestValidation[]> {
  const r = await q.query<LatestValidation>(
    `SELECT DISTINCT ON (suite) suite, table_name, success, errors, warnings, expectations, created_at, docs_path
       FROM sluice.validation ORDER BY suite, id DESC`,
  );
  return r.rows;
}

/** Where the validation's Data Docs page was written (relative to the docs folder). */
export async function setValidationDocsPath(q: Queryable, id: number, docsPath: string): Promise<void> {
  await q.query(`UPDATE sluice.validation SET docs_path = $2 WHERE id = $1`, [id, docsPath]);
}

/** A failed expectation of a task's validation, with where its Data Docs page is (relative to the docs folder). */
export interface FailedExpectationRow {
  readonly task_id: string;
  readonly suite: string;
  readonly table_name: string;
  readonly docs_path: string | null;
  readonly idx: number;
  readonly type: string;
  readonly severity: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly observed: unknown;
  readonly element_count: number | null;
  readonly unexpected_count: number | null;
  readonly sample: ReadonlyArray<Readonly<Record<string, unknown>>> | null;
  readonly summary: string;
}

/**
 * The failed expectations of the latest validation of each suite a checkpoint task (or, with no
 * task, each checkpoint task of the run) ran: in the run `runPk`, or (`tasks test`, which runs outside any run) in no run and after validation `afterId`.
 */
export async function failedExpectationsOfTask(
  q: Queryable,
  task: { readonly dagId: string; readonly taskId: string | null } & (
    { readonly runPk: number } | { readonly afterId: number }
  ),
): Promise<FailedExpectationRow[]> {
  const r = await q.query<FailedExpectationRow>(
    `WITH latest AS (
       SELECT DISTINCT ON (task_id, suite) id, task_id, suite, table_name, docs_path FROM sluice.validation
        WHERE dag_id = $1 AND ($2::text IS NULL OR task_id = $2)
          AND ($3::bigint IS NULL OR run_id = $3) AND ($4::bigint IS NULL OR (run_id IS NULL AND id > $4))
        ORDER BY task_id, suite, id DESC
     )
     SELECT l.task_id, l.suite, l.table_name, l.docs_path, x.idx, x.type, x.severity, x.kwargs, x.observed,
            x.element_count, x.unexpected_count, x.sample, x.summary
       FROM latest l JOIN sluice.validation_result x ON x.validation_id = l.id
      WHERE NOT x.success ORDER BY l.id, x.idx`,
    [task.dagId, task.taskId, 'runPk' in task ? task.runPk : null, 'afterId' in task ? task.afterId : null],
  );
  return r.rows;
}

/** The newest validation's id (0 when there is none): `tasks test` reads the validations its task adds after it. */
export async function latestValidationId(q: Queryable): Promise<number> {
  const r = await q.query<{ id: number }>(`SELECT coalesce(max(id), 0)::int AS id FROM sluice.validation`);
  return r.rows[0].id;
}
/** One expectation's result in a validation. */
export interface ValidationResultRow {
  readonly idx: number;
  readonly type: string;
  readonly severity: 'error' | 'warn';
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly success: boolean;
  readonly observed: unknown;
  readonly element_count: number | null;
  readonly unexpected_count: number | null;
  readonly unexpected_percent: number | null;
  readonly sample: ReadonlyArray<Readonly<Record<string, unknown>>> | null;
  /** A query that returns every failing row (not only the sample). */
  readonly failing_rows_sql: string | null;
  readonly summary: string;
}

export interface ValidationWithResults {
  readonly id: number;
  readonly suite: string;
  readonly table_name: string;
  readonly where_clause: string | null;
  readonly dag_id: string | null;
  readonly task_id: string | null;
  /** The run's name, when it ran in one (`expectations validate` runs outside any). */
  readonly run_id: string | null;
  readonly ds: string | null;
  readonly success: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly expectations: number;
  readonly started_at: Date;
  readonly duration_ms: number;
  /** Its Data Docs page, relative to the docs folder. */
  readonly docs_path: string | null;
  readonly results: readonly ValidationResultRow[];
}

/** Columns of a validation `v` with its results as a JSON array (`results`), in expectation order. */
export const VALIDATION_WITH_RESULTS = `
  SELECT v.id::int AS id, v.suite, v.table_name, v.where_clause, v.dag_id, v.task_id,
         (SELECT r.run_id FROM sluice.dag_run r WHERE r.id = v.run_id) AS run_id, to_char(v.ds, 'YYYY-MM-DD') AS ds,
         v.success, v.errors, v.warnings, v.expectations, v.started_at, v.duration_ms, v.docs_path,
         coalesce((SELECT jsonb_agg(jsonb_build_object(
                    'idx', x.idx, 'type', x.type, 'severity', x.severity, 'kwargs', x.kwargs, 'success', x.success,
                    'observed', x.observed, 'element_count', x.element_count,
                    'unexpected_count', x.unexpected_count, 'unexpected_percent', x.unexpected_percent,
                    'sample', x.sample, 'failing_rows_sql', x.failing_rows_sql, 'summary', x.summary) ORDER BY x.idx)
                     FROM sluice.validation_result x WHERE x.validation_id = v.id), '[]'::jsonb) AS results`;

export interface ValidationFilter {
  readonly suite?: string;
  readonly table?: string;
  readonly dagId?: string;
  /** The run's name (`run_id`) within `dagId`. */
  readonly runId?: string;
  readonly success?: boolean;
}

const FILTER = `($1::text IS NULL OR v.suite = $1) AND ($2::text IS NULL OR v.table_name = $2)
  AND ($3::text IS NULL OR v.dag_id = $3)
  AND ($4::text IS NULL OR v.run_id = (SELECT r.id FROM sluice.dag_run r WHERE r.dag_id = $3 AND r.run_id = $4))
  AND ($5::boolean IS NULL OR v.success = $5)`;

const filterParams = (f: ValidationFilter) => [
  f.suite ?? null,
  f.table ?? null,
  f.dagId ?? null,
  f.runId ?? null,
  f.success ?? null,
];

/** Validations, newest first, with their results, and how many match in all. */
export async function listValidations(
  q: Queryable,
  f: ValidationFilter,
  page: { readonly limit: number; readonly offset: number },
): Promise<{ items: ValidationWithResults[]; total: number }> {
  const [items, total] = await Promise.all([
    q.query<ValidationWithResults>(
      `${VALIDATION_WITH_RESULTS} FROM sluice.validation v WHERE ${FILTER} ORDER BY v.id DESC LIMIT $6 OFFSET $7`,
      [...filterParams(f), page.limit, page.offset],
    ),
    q.query<{ n: number }>(`SELECT count(*)::int AS n FROM sluice.validation v WHERE ${FILTER}`, filterParams(f)),
  ]);
  return { items: items.rows, total: total.rows[0].n };
}

export async function validationById(q: Queryable, id: number): Promise<ValidationWithResults | undefined> {
  const r = await q.query<ValidationWithResults>(
    `${VALIDATION_WITH_RESULTS} FROM sluice.validation v WHERE v.id = $1`,
    [id],
  );
  return r.rows[0];
}
