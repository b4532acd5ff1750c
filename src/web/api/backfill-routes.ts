/** API routes on backfills: list, dry run, create, show with progress, a backfill's runs, cancel. */
import {
  planBackfill,
  previewBackfill,
  type BackfillFields,
  type BackfillOptions,
  type BackfillPreview,
} from '../../actions/backfill';
import {
  backfillRuns,
  cancelBackfill,
  listDagBackfills,
  showBackfill,
  type BackfillSummary,
} from '../../actions/backfills';
import type { JsonObject } from '../../dag/types';
import { SluiceError } from '../../errors/errors';
import type { Request } from 'express';
import { runOut } from './dag-routes';
import { MAX_LIMIT, paging, PAGING, param, queryText, RUN_STATE_PARAM, type ApiRoute } from './route-kit';
import { int, nstr, ntime, obj, page, ref, str, time } from './schemas';

/** How the API's errors name its fields. */
const FIELDS: BackfillFields = {
  start: 'from_date',
  end: 'to_date',
  maxRuns: 'max_runs',
  yes: 'send "confirm": true',
  conf: 'conf',
};

export const backfillOut = (b: BackfillSummary, extra: { skipped?: number; not_started?: number } = {}) => ({
  id: b.id,
  dag_id: b.dagId,
  from_date: b.from,
  to_date: b.to,
  conf: b.conf,
  state: b.state,
  runs: { ...b.runs },
  done: b.done,
  created_by: b.createdBy,
  created_at: b.createdAt,
  cancelled_by: b.cancelledBy,
  cancelled_at: b.cancelledAt,
  completed_at: b.completedAt,
  ...extra,
});

const previewOut = (p: BackfillPreview) => ({
  dag_id: p.dagId,
  from_date: p.from,
  to_date: p.to,
  schedule: p.schedule,
  timezone: p.timezone,
  interval_count: p.intervalCount,
  count_is_lower_bound: p.countIsLowerBound,
  runs_to_create: p.toCreate,
  skipped: p.skipped,
  max_runs: p.maxRuns,
  needs_confirmation: p.needsConfirmation,
  intervals: p.intervals.slice(0, MAX_LIMIT).map((i) => ({
    logical_date: i.logicalDate,
    data_interval_end: i.dataIntervalEnd,
    existing_run: i.existing
      ? { run_id: i.existing.runId, state: i.existing.state, run_type: i.existing.runType }
      : null,
  })),
});

/** The body of a create or dry run: from_date and to_date, conf, max_runs and confirm. */
function backfillBody(req: Request): { start: string; end: string; opts: BackfillOptions } {
  const b = (req.body ?? {}) as Record<string, unknown>;
  for (const k of ['from_date', 'to_date'])
    if (typeof b[k] !== 'string' || !(b[k] as string).trim())
      throw new SluiceError(
        'USAGE',
        `${k} is required: a date (YYYY-MM-DD) or an ISO date-time, in the DAG's timezone unless it has an offset`,
      );
  if (b.conf !== undefined && (typeof b.conf !== 'object' || b.conf === null || Array.isArray(b.conf)))
    throw new SluiceError('USAGE', 'conf must be a JSON object, e.g. {"scale": 2}');
  if (b.max_runs !== undefined && (typeof b.max_runs !== 'number' || !Number.isInteger(b.max_runs)))
    throw new SluiceError('USAGE', `max_runs must be a whole number, got ${JSON.stringify(b.max_runs)}`);
  if (b.confirm !== undefined && typeof b.confirm !== 'boolean')
    throw new SluiceError('USAGE', 'confirm must be true or false');
  return {
    start: b.from_date as string,
    end: b.to_date as string,
    opts: {
      conf: b.conf as JsonObject | undefined,
      maxRuns: b.max_runs as number | undefined,
      yes: b.confirm === true,
      fields: FIELDS,
    },
  };
}

const DAG = '/dags/{dag_id}';
const BACKFILL = `${DAG}/backfills/{backfill_id}`;
const date = {
  type: 'string',
  description: "YYYY-MM-DD or an ISO date-time; in the DAG's timezone unless it has an offset",
};

export const BACKFILL_SCHEMAS = {
  Backfill: obj(
    {
      id: int,
      dag_id: str,
      from_date: time,
      to_date: time,
      conf: { type: 'object' },
      state: {
        enum: ['running', 'completed', 'cancelled'],
        description: 'running while a run is queued or running; cancelled runs may still be finishing',
      },
      runs: obj({ total: int, queued: int, running: int, success: int, failed: int }),
      done: { type: 'number', minimum: 0, maximum: 1, description: 'ended runs over all runs' },
      created_by: nstr,
      created_at: time,
      cancelled_by: nstr,
      cancelled_at: ntime,
      completed_at: { ...ntime, description: 'when its last run ended, once none is queued or running' },
      skipped: { ...int, description: 'on create: intervals that already had a run and were left alone' },
      not_started: { ...int, description: 'on cancel: queued runs that will not start (they end failed)' },
    },
    [
      'id',
      'dag_id',
      'from_date',
      'to_date',
      'conf',
      'state',
      'runs',
      'done',
      'created_by',
      'created_at',
      'cancelled_by',
      'cancelled_at',
      'completed_at',
    ],
  ),
  BackfillBody: obj(
    {
      from_date: { ...date, description: `first logical date; ${date.description}` },
      to_date: { ...date, description: 'last logical date (inclusive)' },
      conf: { type: 'object', description: 'run configuration for every run, merged over the DAG params' },
      max_runs: { type: 'integer', minimum: 1, default: 1000, description: 'more intervals than this need confirm' },
      confirm: {
        type: 'boolean',
        default: false,
        description: 'create the runs even when there are more than max_runs',
      },
    },
    ['from_date', 'to_date'],
  ),
  BackfillPreview: obj({
    dag_id: str,
    from_date: time,
    to_date: time,
    schedule: str,
    timezone: str,
    interval_count: int,
    count_is_lower_bound: { type: 'boolean', description: 'counting stopped at interval_count: there are more' },
    runs_to_create: int,
    skipped: int,
    max_runs: int,
    needs_confirmation: { type: 'boolean', description: 'over max_runs: creating needs "confirm": true' },
    intervals: {
      type: 'array',
      description: `the first ${MAX_LIMIT.toLocaleString('en-US')} intervals`,
      items: obj({
        logical_date: time,
        data_interval_end: time,
        existing_run: {
          oneOf: [{ type: 'null' }, obj({ run_id: str, state: str, run_type: str })],
          description: 'the run the interval already has (left alone), or null',
        },
      }),
    },
  }),
} as const;

export const BACKFILL_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: `${DAG}/backfills`,
    summary: "a DAG's backfills with their progress, newest first",
    permission: 'read',
    query: [
      ...PAGING,
      {
        name: 'state',
        description: 'only backfills in this state',
        schema: { enum: ['running', 'completed', 'cancelled'] },
      },
    ],
    response: page('Backfill'),
    handle: async (req, deps) => {
      const pg = paging(req);
      const r = await listDagBackfills(deps.rt, { dagId: param(req, 'dag_id'), state: queryText(req, 'state'), ...pg });
      return { items: r.items.map((b) => backfillOut(b)), total: r.total, ...pg };
    },
  },
  {
    method: 'post',
    path: `${DAG}/backfills/dry_run`,
    summary: 'what a backfill would create and skip, changing nothing',
    permission: 'operate',
    body: ref('BackfillBody'),
    response: ref('BackfillPreview'),
    handle: async (req, deps) => {
      const b = backfillBody(req);
      return previewOut(await previewBackfill(deps.rt, param(req, 'dag_id'), b.start, b.end, b.opts));
    },
  },
  {
    method: 'post',
    path: `${DAG}/backfills`,
    summary: 'create a backfill: a run for each interval of the range that has none; a scheduler runs them',
    permission: 'operate',
    body: ref('BackfillBody'),
    status: 201,
    response: ref('Backfill'),
    handle: async (req, deps, viewer) => {
      const b = backfillBody(req);
      const dagId = param(req, 'dag_id');
      const plan = await planBackfill(deps.rt, dagId, b.start, b.end, { ...b.opts, by: viewer?.user.username });
      return backfillOut(await showBackfill(deps.rt, dagId, plan.backfillId), { skipped: plan.skipped });
    },
  },
  {
    method: 'get',
    path: BACKFILL,
    summary: 'one backfill with its progress',
    permission: 'read',
    response: ref('Backfill'),
    handle: async (req, deps) =>
      backfillOut(await showBackfill(deps.rt, param(req, 'dag_id'), param(req, 'backfill_id'))),
  },
  {
    method: 'get',
    path: `${BACKFILL}/runs`,
    summary: "a backfill's runs, by logical date",
    permission: 'read',
    query: [...PAGING, RUN_STATE_PARAM],
    response: page('DagRun'),
    handle: async (req, deps) => {
      const pg = paging(req);
      const b = await showBackfill(deps.rt, param(req, 'dag_id'), param(req, 'backfill_id'));
      const r = await backfillRuns(deps.rt, b, { state: queryText(req, 'state'), ...pg });
      return { items: r.items.map(runOut), total: r.total, ...pg };
    },
  },
  {
    method: 'post',
    path: `${BACKFILL}/cancel`,
    summary: 'cancel a backfill: queued runs never start (they end failed), running runs finish',
    permission: 'operate',
    response: ref('Backfill'),
    handle: async (req, deps, viewer) => {
      const r = await cancelBackfill(deps.rt, param(req, 'dag_id'), param(req, 'backfill_id'), viewer?.user.username);
      return backfillOut(r.backfill, { not_started: r.notStarted });
    },
  },
];
