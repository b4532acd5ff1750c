import path from 'node:path';
import { columnOf, sampleValues } from '../checks/result-text';
import { SluiceError } from '../errors/errors';
import {
  listValidations as listStored,
  validationById,
  type ValidationFilter,
  type ValidationWithResults,
} from '../state/validations';
import type { Runtime } from './runtime';

/** One expectation's result as pages and the API show it. */
export interface ExpectationOutcome {
  readonly index: number;
  readonly type: string;
  readonly severity: 'error' | 'warn';
  readonly success: boolean;
  readonly column?: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
  readonly observed: unknown;
  readonly unexpectedCount?: number;
  readonly elementCount?: number;
  readonly unexpectedPercent?: number;
  /** A few distinct failing values (or rows, when the expectation is about no single column). */
  readonly samples: readonly unknown[];
  readonly summary: string;
  /** A query that returns every failing row, to run in `sluice sql` or any client. */
  readonly failingRowsSql?: string;
}

/** A validation of a suite: where it ran, its counts and every expectation's result. */
export interface ValidationReport {
  readonly id: number;
  readonly suite: string;
  readonly table: string;
  readonly where?: string;
  readonly dagId?: string;
  readonly taskId?: string;
  readonly runId?: string;
  readonly ds?: string;
  readonly success: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly expectations: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** Absolute path of its Data Docs page. */
  readonly dataDocs?: string;
  readonly results: readonly ExpectationOutcome[];
}

export function validationReport(v: ValidationWithResults, dataDocsDir: string): ValidationReport {
  const opt = <K extends string, T>(k: K, x: T | null) => (x === null ? {} : ({ [k]: x } as Record<K, T>));
  return {
    id: v.id,
    suite: v.suite,
    table: v.table_name,
    ...opt('where', v.where_clause),
    ...opt('dagId', v.dag_id),
    ...opt('taskId', v.task_id),
    ...opt('runId', v.run_id),
    ...opt('ds', v.ds),
    success: v.success,
    errors: v.errors,
    warnings: v.warnings,
    expectations: v.expectations,
    startedAt: new Date(v.started_at),
    durationMs: v.duration_ms,
    ...(v.docs_path ? { dataDocs: path.join(dataDocsDir, v.docs_path) } : {}),
    results: v.results.map((r) => {
      const column = columnOf(r.kwargs);
      return {
        index: r.idx,
        type: r.type,
        severity: r.severity,
        success: r.success,
        ...(column ? { column } : {}),
        kwargs: r.kwargs,
        observed: r.observed,
        ...opt('unexpectedCount', r.unexpected_count),
        ...opt('elementCount', r.element_count),
        ...opt('unexpectedPercent', r.unexpected_percent),
        samples: sampleValues(r.sample ?? [], r.kwargs),
        summary: r.summary,
        ...opt('failingRowsSql', r.failing_rows_sql),
      };
    }),
  };
}

/** Validations of quality suites, newest first (checkpoints and `sluice expectations validate`). */
export async function listValidations(
  rt: Runtime,
  filter: ValidationFilter,
  page: { readonly limit: number; readonly offset: number },
): Promise<{ items: ValidationReport[]; total: number }> {
  const { items, total } = await listStored(rt.db, filter, page);
  return { items: items.map((v) => validationReport(v, rt.config.dataDocsDir)), total };
}

export async function showValidation(rt: Runtime, id: number): Promise<ValidationReport> {
  const v = await validationById(rt.db, id);
  if (!v) throw new SluiceError('NOT_FOUND', `no validation ${id}`);
  return validationReport(v, rt.config.dataDocsDir);
}
