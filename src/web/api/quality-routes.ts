/** API routes on quality: validations of expectation suites, with every expectation's result. */
import { listValidations, showValidation, type ValidationReport } from '../../actions/validations';
import { SluiceError } from '../../errors/errors';
import type { WebDeps } from '../app';
import { links } from '../../util/links';
import { paging, PAGING, param, queryBool, queryText, type ApiRoute } from './route-kit';
import { int, nint, nstr, obj, page, ref, str, time } from './schemas';

export function validationOut(v: ValidationReport, deps: WebDeps) {
  return {
    id: v.id,
    suite: v.suite,
    table: v.table,
    where: v.where ?? null,
    dag_id: v.dagId ?? null,
    task_id: v.taskId ?? null,
    run_id: v.runId ?? null,
    ds: v.ds ?? null,
    success: v.success,
    errors: v.errors,
    warnings: v.warnings,
    expectations: v.expectations,
    started_at: v.startedAt,
    duration_ms: v.durationMs,
    data_docs_url: links.dataDocs(deps.rt.config.dataDocsDir, v.dataDocs) ?? null,
    results: v.results.map((r) => ({
      index: r.index,
      type: r.type,
      severity: r.severity,
      success: r.success,
      column: r.column ?? null,
      kwargs: r.kwargs,
      observed: r.observed,
      unexpected_count: r.unexpectedCount ?? null,
      element_count: r.elementCount ?? null,
      unexpected_percent: r.unexpectedPercent ?? null,
      samples: [...r.samples],
      summary: r.summary,
      failing_rows_sql: r.failingRowsSql ?? null,
    })),
  };
}

const nnum = { type: ['number', 'null'] } as const;
const bool = { type: 'boolean' } as const;

export const QUALITY_SCHEMAS = {
  ExpectationResult: obj({
    index: int,
    type: str,
    severity: { enum: ['error', 'warn'] },
    success: bool,
    column: nstr,
    kwargs: { type: 'object' },
    observed: {},
    unexpected_count: nint,
    element_count: nint,
    unexpected_percent: nnum,
    samples: { type: 'array' },
    summary: str,
    failing_rows_sql: { ...nstr, description: 'a query returning every failing row' },
  }),
  Validation: obj({
    id: int,
    suite: str,
    table: str,
    where: nstr,
    dag_id: nstr,
    task_id: nstr,
    run_id: nstr,
    ds: { ...nstr, description: 'the partition date validated (YYYY-MM-DD)' },
    success: bool,
    errors: int,
    warnings: int,
    expectations: int,
    started_at: time,
    duration_ms: int,
    data_docs_url: nstr,
    results: { type: 'array', items: ref('ExpectationResult') },
  }),
};

export const QUALITY_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/validations',
    summary: 'validations of expectation suites, newest first, with every result',
    permission: 'read',
    query: [
      ...PAGING,
      { name: 'suite', description: 'only this suite', schema: { type: 'string' } },
      { name: 'table', description: 'only validations of this table (schema.table)', schema: { type: 'string' } },
      { name: 'dag_id', description: 'only validations a task of this DAG ran', schema: { type: 'string' } },
      { name: 'run_id', description: 'only validations of this run (with dag_id)', schema: { type: 'string' } },
      {
        name: 'success',
        description: 'only passed (true) or failed (false) ones',
        schema: { enum: ['true', 'false'] },
      },
    ],
    response: page('Validation'),
    handle: async (req, deps) => {
      const runId = queryText(req, 'run_id');
      const dagId = queryText(req, 'dag_id');
      if (runId !== undefined && dagId === undefined)
        throw new SluiceError('USAGE', 'run_id names a run within a DAG: give dag_id too');
      const pg = paging(req);
      const { items, total } = await listValidations(
        deps.rt,
        {
          suite: queryText(req, 'suite'),
          table: queryText(req, 'table'),
          dagId,
          runId,
          success: queryBool(req, 'success'),
        },
        pg,
      );
      return { items: items.map((v) => validationOut(v, deps)), total, ...pg };
    },
  },
  {
    method: 'get',
    path: '/validations/{validation_id}',
    summary: 'one validation with every expectation result, its sample of failing rows and the SQL for all of them',
    permission: 'read',
    response: ref('Validation'),
    handle: async (req, deps) => {
      const raw = param(req, 'validation_id');
      if (!/^\d{1,15}$/.test(raw)) throw new SluiceError('USAGE', `validation_id must be a number, got "${raw}"`);
      return validationOut(await showValidation(deps.rt, Number(raw)), deps);
    },
  },
];
