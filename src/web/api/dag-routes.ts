/** API routes on DAGs, their runs and task instances, and import errors. */
import type { Request } from 'express';
import { findDag } from '../../actions/find-dag';
import { findRun } from '../../actions/find-run';
import { filterDags, listDags, withNextRuns, type DagListing } from '../../actions/list-dags';
import { pauseDag } from '../../actions/pause-dag';
import { countDagRuns, listDagRuns, showRun, type RunListing } from '../../actions/runs';
import { taskInstanceDetail, taskInstanceLog, type TaskInstanceDetail } from '../../actions/task-instance';
import { clearTasks, markTask, planClear } from '../../actions/task-interventions';
import { triggerDag } from '../../actions/trigger-dag';
import type { JsonObject } from '../../dag/types';
import { SluiceError } from '../../errors/errors';
import { importErrors } from '../../state/import-errors';
import { listTaskInstances } from '../../actions/list-task-instances';
import type { TaskInstanceFilter } from '../../state/task-instance-listing';
import { links } from '../../util/links';
import { validationOut } from './quality-routes';
import type { WebDeps } from '../app';
import {
  paged,
  paging,
  PAGING,
  param,
  queryBool,
  queryDate,
  queryText,
  RUN_STATE_PARAM,
  type ApiRoute,
} from './route-kit';
import { page, ref, TASK_INSTANCE_DETAIL } from './schemas';

const dagOut = (d: DagListing) => ({
  dag_id: d.dagId,
  description: d.description,
  owner: d.owner,
  tags: [...d.tags],
  schedule: d.schedule,
  timezone: d.timezone,
  is_paused: d.paused,
  file: d.file,
  next_run: d.nextRun,
  next_logical_date: d.nextLogicalDate,
});

export const runOut = (r: RunListing) => ({
  dag_id: r.dagId,
  run_id: r.runId,
  run_type: r.runType,
  state: r.state,
  logical_date: r.logicalDate,
  data_interval_start: r.dataIntervalStart,
  data_interval_end: r.dataIntervalEnd,
  queued_at: r.queuedAt,
  start_date: r.startDate,
  end_date: r.endDate,
  duration_ms: r.durationMs,
});

const taskInstanceOut = (d: TaskInstanceDetail, deps: WebDeps) => {
  const i = d.instance;
  return {
    dag_id: d.dagId,
    run_id: d.run.run_id,
    instance: {
      task_id: i.task_id,
      operator: i.operator,
      state: i.state,
      try_number: i.try_number,
      max_tries: i.max_tries,
      start_date: i.start_date,
      end_date: i.end_date,
      duration_ms: i.duration_ms,
    },
    tries: d.tries.map(({ details, ...t }) => ({ ...t, ...(details ? { details } : {}) })),
    ...(d.returnValue === undefined ? {} : { return_value: d.returnValue }),
    ...(d.failure ? { failure: d.failure } : {}),
    ingestion: d.ingestion.map((x) => ({ ...x })),
    validations: d.validations.map((v) => validationOut(v, deps)),
    history: d.history.map((h) => ({
      at: h.at,
      ...(h.state ? { state: h.state } : {}),
      ...(h.tryNumber ? { try_number: h.tryNumber } : {}),
      text: h.text,
    })),
    url: links.taskInstance(d.dagId, d.run.run_id, i.task_id),
  };
};

const listedOut = (t: Awaited<ReturnType<typeof listTaskInstances>>['items'][number]) => ({
  ...t,
  url: links.taskInstance(t.dag_id, t.run_id, t.task_id),
});

const TI_FILTERS = [
  { name: 'task_id', description: 'only this task', schema: { type: 'string' } },
  {
    name: 'state',
    description: 'only these states, comma-separated (failed,upstream_failed)',
    schema: { type: 'string' },
  },
  {
    name: 'operator',
    description: 'only tasks made by this operator (sql_model, checkpoint…)',
    schema: { type: 'string' },
  },
  {
    name: 'logical_date_gte',
    description: 'runs with a logical date at or after this',
    schema: { type: 'string', format: 'date-time' },
  },
  {
    name: 'logical_date_lte',
    description: 'runs with a logical date at or before this',
    schema: { type: 'string', format: 'date-time' },
  },
];

function taskInstanceFilter(req: Request, fixed: Pick<TaskInstanceFilter, 'dagId' | 'runId'>): TaskInstanceFilter {
  const state = queryText(req, 'state');
  return {
    ...fixed,
    taskId: queryText(req, 'task_id'),
    states: state
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean),
    operator: queryText(req, 'operator'),
    from: queryDate(req, 'logical_date_gte'),
    to: queryDate(req, 'logical_date_lte'),
  };
}

async function taskInstancePage(req: Request, deps: WebDeps, fixed: Pick<TaskInstanceFilter, 'dagId' | 'runId'>) {
  const pg = paging(req);
  const { items, total } = await listTaskInstances(deps.rt, taskInstanceFilter(req, fixed), pg);
  return { items: items.map(listedOut), total, ...pg };
}

async function oneDag(deps: WebDeps, dagId: string) {
  await findDag(deps.rt.db, dagId);
  return (await withNextRuns(deps.rt.db, (await listDags(deps.rt.db, { dagId })).dags))[0];
}

const DAG_ID = '/dags/{dag_id}';
const RUN = `${DAG_ID}/runs/{run_id}`;
const TASK = `${RUN}/tasks/{task_id}`;

export const DAG_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/health',
    summary: 'whether the web server can reach the database',
    permission: 'public',
    response: { type: 'object', properties: { status: { const: 'ok' } }, required: ['status'] },
    handle: async (_req, deps) => {
      await deps.rt.db.query('SELECT 1');
      return { status: 'ok' };
    },
  },
  {
    method: 'get',
    path: '/dags',
    summary: 'DAGs, by id',
    permission: 'read',
    query: [
      ...PAGING,
      { name: 'q', description: 'text in the id or description', schema: { type: 'string' } },
      { name: 'tag', description: 'only DAGs with this tag', schema: { type: 'string' } },
      { name: 'owner', description: 'only DAGs of this owner', schema: { type: 'string' } },
      { name: 'paused', description: 'only paused (true) or active (false) DAGs', schema: { enum: ['true', 'false'] } },
    ],
    response: page('Dag'),
    handle: async (req, deps) => {
      const paused = queryBool(req, 'paused');
      const dags = filterDags((await listDags(deps.rt.db)).dags, {
        q: queryText(req, 'q'),
        tag: queryText(req, 'tag'),
        owner: queryText(req, 'owner'),
      }).filter((d) => paused === undefined || d.paused === paused);
      const pg = paging(req);
      return {
        items: (await withNextRuns(deps.rt.db, dags.slice(pg.offset, pg.offset + pg.limit))).map(dagOut),
        total: dags.length,
        ...pg,
      };
    },
  },
  {
    method: 'get',
    path: DAG_ID,
    summary: 'one DAG',
    permission: 'read',
    response: ref('Dag'),
    handle: async (req, deps) => dagOut(await oneDag(deps, param(req, 'dag_id'))),
  },
  {
    method: 'patch',
    path: DAG_ID,
    summary: 'pause or unpause a DAG',
    permission: 'operate',
    body: ref('DagPatch'),
    response: ref('Dag'),
    handle: async (req, deps) => {
      const paused = (req.body as { is_paused?: unknown })?.is_paused;
      if (typeof paused !== 'boolean') throw new SluiceError('USAGE', 'the body must be {"is_paused": true|false}');
      await pauseDag(deps.rt, param(req, 'dag_id'), paused);
      return dagOut(await oneDag(deps, param(req, 'dag_id')));
    },
  },
  {
    method: 'get',
    path: `${DAG_ID}/runs`,
    summary: "a DAG's runs, newest first",
    permission: 'read',
    query: [...PAGING, RUN_STATE_PARAM],
    response: page('DagRun'),
    handle: async (req, deps) => {
      const dagId = param(req, 'dag_id');
      const state = queryText(req, 'state');
      const pg = paging(req);
      const items = await listDagRuns(deps.rt, { dagId, state, limit: pg.limit, offset: pg.offset });
      return { items: items.map(runOut), total: await countDagRuns(deps.rt, { dagId, state }), ...pg };
    },
  },
  {
    method: 'post',
    path: `${DAG_ID}/runs`,
    summary: 'trigger a run',
    permission: 'operate',
    body: ref('TriggerBody'),
    status: 201,
    response: ref('DagRun'),
    handle: async (req, deps) => {
      const b = (req.body ?? {}) as { logical_date?: unknown; conf?: unknown; dag_run_id?: unknown };
      if (b.conf !== undefined && (typeof b.conf !== 'object' || b.conf === null || Array.isArray(b.conf)))
        throw new SluiceError('USAGE', 'conf must be a JSON object');
      let date: Date | undefined;
      if (b.logical_date !== undefined && b.logical_date !== null) {
        date = typeof b.logical_date === 'string' ? new Date(b.logical_date) : new Date(NaN);
        if (Number.isNaN(date.getTime()))
          throw new SluiceError(
            'USAGE',
            `logical_date must be an ISO date-time, got ${JSON.stringify(b.logical_date)}`,
          );
      }
      if (b.dag_run_id !== undefined && (typeof b.dag_run_id !== 'string' || !b.dag_run_id))
        throw new SluiceError('USAGE', 'dag_run_id must be a non-empty string');
      const dagId = param(req, 'dag_id');
      const made = await triggerDag(deps.rt, dagId, {
        date,
        conf: b.conf as JsonObject | undefined,
        runId: b.dag_run_id as string | undefined,
      });
      return runOut(await showRun(deps.rt, dagId, made.runId));
    },
  },
  {
    method: 'get',
    path: RUN,
    summary: 'one run with its task instances',
    permission: 'read',
    response: ref('DagRunDetail'),
    handle: async (req, deps) => {
      const r = await showRun(deps.rt, param(req, 'dag_id'), param(req, 'run_id'));
      return {
        ...runOut(r),
        conf: r.conf,
        task_instances: r.tasks.map((t) => ({
          task_id: t.taskId,
          operator: t.operator,
          state: t.state,
          try_number: t.tries,
          max_tries: t.maxTries,
          start_date: t.startDate,
          end_date: t.endDate,
          duration_ms: t.durationMs,
        })),
      };
    },
  },
  {
    method: 'get',
    path: `${RUN}/tasks`,
    summary: "a run's task instances, filtered",
    permission: 'read',
    query: [...PAGING, ...TI_FILTERS],
    response: page('TaskInstanceListed'),
    handle: async (req, deps) => {
      await findRun(deps.rt.db, param(req, 'dag_id'), param(req, 'run_id'));
      return taskInstancePage(req, deps, { dagId: param(req, 'dag_id'), runId: param(req, 'run_id') });
    },
  },
  {
    method: 'get',
    path: '/task-instances',
    summary: 'task instances of every DAG, newest run first, filtered (failed ones this week, say)',
    permission: 'read',
    query: [
      ...PAGING,
      { name: 'dag_id', description: 'only this DAG', schema: { type: 'string' } },
      { name: 'run_id', description: 'only this run (with dag_id)', schema: { type: 'string' } },
      ...TI_FILTERS,
    ],
    response: page('TaskInstanceListed'),
    handle: async (req, deps) =>
      taskInstancePage(req, deps, { dagId: queryText(req, 'dag_id'), runId: queryText(req, 'run_id') }),
  },
  {
    method: 'get',
    path: TASK,
    summary:
      "one task instance: its tries (with what each recorded, a model's compiled SQL), loads, validations, state history, return value and why it failed",
    permission: 'read',
    response: TASK_INSTANCE_DETAIL,
    handle: async (req, deps) =>
      taskInstanceOut(
        await taskInstanceDetail(deps.rt, param(req, 'dag_id'), param(req, 'run_id'), param(req, 'task_id')),
        deps,
      ),
  },
  {
    method: 'post',
    path: `${RUN}/clear`,
    summary: 'clear task instances so they run again (dry_run, the default, only lists them)',
    permission: 'operate',
    body: ref('ClearBody'),
    response: ref('ClearResult'),
    handle: async (req, deps, viewer) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (!Array.isArray(b.task_ids) || !b.task_ids.length || !b.task_ids.every((t) => typeof t === 'string'))
        throw new SluiceError('USAGE', 'task_ids must be a non-empty list of task ids');
      for (const k of ['include_downstream', 'include_upstream', 'only_failed', 'dry_run'])
        if (b[k] !== undefined && typeof b[k] !== 'boolean')
          throw new SluiceError('USAGE', `${k} must be true or false`);
      const dryRun = b.dry_run !== false;
      const request = {
        dagId: param(req, 'dag_id'),
        runId: param(req, 'run_id'),
        taskIds: b.task_ids as string[],
        downstream: b.include_downstream !== false,
        upstream: b.include_upstream === true,
        onlyFailed: b.only_failed === true,
        by: viewer?.user.username,
      };
      const plan = dryRun ? await planClear(deps.rt, request) : await clearTasks(deps.rt, request);
      return { dry_run: dryRun, task_instances: plan.tasks.map((t) => ({ task_id: t.taskId, state: t.state })) };
    },
  },
  {
    method: 'patch',
    path: TASK,
    summary: 'mark an ended task instance success or failed',
    permission: 'operate',
    body: ref('TaskPatch'),
    response: TASK_INSTANCE_DETAIL,
    handle: async (req, deps, viewer) => {
      const state = (req.body as { state?: unknown })?.state;
      if (state !== 'success' && state !== 'failed')
        throw new SluiceError('USAGE', 'the body must be {"state": "success"|"failed"}');
      await markTask(deps.rt, {
        dagId: param(req, 'dag_id'),
        runId: param(req, 'run_id'),
        taskId: param(req, 'task_id'),
        state,
        by: viewer?.user.username,
      });
      return taskInstanceOut(
        await taskInstanceDetail(deps.rt, param(req, 'dag_id'), param(req, 'run_id'), param(req, 'task_id')),
        deps,
      );
    },
  },
  {
    method: 'get',
    path: `${TASK}/logs/{try_number}`,
    summary: "one try's log, as plain text",
    permission: 'read',
    response: 'text',
    handle: async (req, deps) => {
      const n = Number(param(req, 'try_number'));
      if (!Number.isInteger(n) || n < 1)
        throw new SluiceError('USAGE', `try_number must be a whole number >= 1, got "${param(req, 'try_number')}"`);
      const d = await taskInstanceDetail(deps.rt, param(req, 'dag_id'), param(req, 'run_id'), param(req, 'task_id'));
      return taskInstanceLog(deps.rt, d, n);
    },
  },
  {
    method: 'get',
    path: '/import-errors',
    summary: 'DAG files that do not import, with file, line and message',
    permission: 'read',
    query: PAGING,
    response: page('ImportError'),
    handle: async (req, deps) => paged(await importErrors(deps.rt.db), paging(req)),
  },
];
