/** API routes on the data: the lineage, the SQL models, tables, the ingestion log and the lake. */
import { dataLineage, NODE_KINDS, type LineageNode } from '../../actions/data-lineage';
import { findModels, modelWithSql } from '../../actions/data-models';
import { tableDetail, type TableChange } from '../../actions/data-table';
import { listLake, type LakeObject } from '../../actions/lake-browser';
import type { ModelListing } from '../../actions/models';
import { SluiceError } from '../../errors/errors';
import { ingestionLogPage, type IngestionRow } from '../../state/data-catalog';
import { nodeLinks } from '../data-links';
import { paged, paging, PAGING, param, queryText, type ApiRoute } from './route-kit';
import { int, nint, nstr, ntime, obj, page, ref, str, time } from './schemas';

const strs = { type: 'array', items: str } as const;
const nullable = (name: string) => ({ anyOf: [ref(name), { type: 'null' }] });
const TASK = obj({ dag_id: str, task_id: str });
const MODEL = {
  name: str,
  schema: str,
  table: str,
  materialized: str,
  path: str,
  tags: strs,
  refs: strs,
  sources: strs,
  description: nstr,
};

export const DATA_SCHEMAS = {
  LineageNode: obj(
    {
      id: str,
      kind: { enum: [...NODE_KINDS] },
      name: str,
      detail: str,
      url: { ...str, description: "the node's page in the web UI" },
      tasks: { type: 'array', items: TASK },
      lake: obj({ bucket: str, prefix: str }),
      table: str,
      validation: obj({ success: { type: 'boolean' }, at: time, docs_path: nstr }),
    },
    ['id', 'kind', 'name', 'detail', 'url', 'tasks'],
  ),
  Lineage: obj({
    nodes: { type: 'array', items: ref('LineageNode') },
    edges: { type: 'array', items: obj({ from: str, to: str }) },
    problems: strs,
  }),
  Model: obj(MODEL),
  ModelDetail: obj({ ...MODEL, compiled_sql: str }),
  TableChange: obj({
    kind: { enum: ['load', 'build'] },
    status: str,
    at: time,
    ds: nstr,
    partition: nstr,
    rows: nint,
    objects: int,
    dag_id: nstr,
    run_id: nstr,
    task_id: nstr,
    error: nstr,
  }),
  TableDetail: obj({
    table: str,
    schema: str,
    name: str,
    kind: { enum: [...NODE_KINDS] },
    detail: str,
    tasks: { type: 'array', items: TASK },
    last: nullable('TableChange'),
    partitions: {
      type: 'array',
      items: obj({ partition: str, ds: nstr, rows: nint, at: time, dag_id: nstr, run_id: nstr, task_id: nstr }),
    },
    history: { type: 'array', items: ref('TableChange'), description: 'every load or build, oldest first' },
    columns: { type: 'array', items: obj({ name: str, type: str }) },
    upstream: { ...strs, description: 'lineage node ids' },
    downstream: { ...strs, description: 'lineage node ids' },
  }),
  IngestionEntry: obj({
    id: int,
    kind: { enum: ['land', 'load'] },
    status: { enum: ['success', 'failed'] },
    dataset: { ...str, description: '<source>.<dataset>' },
    bucket: nstr,
    object_key: nstr,
    table: { ...nstr, description: 'the raw table a load wrote' },
    ds: nstr,
    rows: nint,
    rejected_rows: int,
    bytes: nint,
    sha256: nstr,
    watermark: nstr,
    duration_ms: nint,
    error: nstr,
    dag_id: nstr,
    run_id: nstr,
    task_id: nstr,
    created_at: time,
  }),
  LakeObject: obj({
    bucket: str,
    key: str,
    size: int,
    last_modified: time,
    partition: { type: 'object', additionalProperties: str, description: 'the Hive partition columns of its path' },
    rows: nint,
    bytes: nint,
    sha256: nstr,
    recorded_in: { enum: ['ingestion_log', 'metadata', null] },
    landed: {
      anyOf: [obj({ dag_id: nstr, run_id: nstr, task_id: nstr, at: ntime }), { type: 'null' }],
    },
  }),
} as const;

const nodeOut = (n: LineageNode, url: string) => ({
  id: n.id,
  kind: n.kind,
  name: n.name,
  detail: n.detail,
  url,
  tasks: n.tasks.map((t) => ({ dag_id: t.dagId, task_id: t.taskId })),
  ...(n.lake ? { lake: n.lake } : {}),
  ...(n.table ? { table: n.table } : {}),
  ...(n.validation
    ? { validation: { success: n.validation.success, at: n.validation.at, docs_path: n.validation.docsPath } }
    : {}),
});

const modelOut = (m: ModelListing) => ({
  name: m.name,
  schema: m.schema,
  table: `${m.schema}.${m.name}`.toLowerCase(),
  materialized: m.materialized,
  path: m.path,
  tags: [...m.tags],
  refs: [...m.refs],
  sources: [...m.sources],
  description: m.description ?? null,
});

const changeOut = (c: TableChange) => ({
  kind: c.kind,
  status: c.status,
  at: c.at,
  ds: c.ds,
  partition: c.partition,
  rows: c.rows,
  objects: c.objects,
  dag_id: c.dagId,
  run_id: c.runId,
  task_id: c.taskId,
  error: c.error,
});

const ingestionOut = (r: IngestionRow) => ({
  id: r.id,
  kind: r.kind,
  status: r.status,
  dataset: r.source,
  bucket: r.bucket,
  object_key: r.object_key,
  table: r.target,
  ds: r.ds,
  rows: r.rows,
  rejected_rows: r.rejected_rows,
  bytes: r.bytes,
  sha256: r.checksum,
  watermark: r.watermark,
  duration_ms: r.duration_ms,
  error: r.error,
  dag_id: r.dag_id,
  run_id: r.run_id,
  task_id: r.task_id,
  created_at: r.created_at,
});

const objectOut = (bucket: string, o: LakeObject) => ({
  bucket,
  key: o.key,
  size: o.size,
  last_modified: o.lastModified,
  partition: o.partition,
  rows: o.rows,
  bytes: o.bytes,
  sha256: o.sha256,
  recorded_in: o.recordedIn,
  landed: o.landed
    ? { dag_id: o.landed.dagId, run_id: o.landed.runId, task_id: o.landed.taskId, at: o.landed.at }
    : null,
});

/** A query parameter that must be one of `values`. */
function oneOf<T extends string>(value: string | undefined, name: string, values: readonly T[]): T | undefined {
  if (value !== undefined && !values.includes(value as T))
    throw new SluiceError('USAGE', `${name} must be one of ${values.join(', ')}, got "${value}"`);
  return value as T | undefined;
}

function day(value: string | undefined, name: string): string | undefined {
  if (value !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))))
    throw new SluiceError('USAGE', `${name} must be a day written YYYY-MM-DD, got "${value}"`);
  return value;
}

const DAY = { type: 'string', format: 'date' } as const;

export const DATA_ROUTES: readonly ApiRoute[] = [
  {
    method: 'get',
    path: '/lineage',
    summary: 'the data lineage: sources → lake datasets → raw tables → models → checkpoints',
    permission: 'read',
    query: [
      {
        name: 'kind',
        description: 'only nodes of this kind (and the edges between them)',
        schema: { enum: [...NODE_KINDS] },
      },
    ],
    response: ref('Lineage'),
    handle: async (req, deps) => {
      const kind = oneOf(queryText(req, 'kind'), 'kind', NODE_KINDS);
      const l = await dataLineage(deps.rt);
      const linkOf = nodeLinks(l, deps.rt.config.dataDocsDir);
      const nodes = l.nodes.filter((n) => !kind || n.kind === kind);
      const ids = new Set(nodes.map((n) => n.id));
      return {
        nodes: nodes.map((n) => nodeOut(n, linkOf(n))),
        edges: l.edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
        problems: [...l.problems],
      };
    },
  },
  {
    method: 'get',
    path: '/models',
    summary: "the SQL project's models, in graph order",
    permission: 'read',
    query: [
      ...PAGING,
      { name: 'q', description: 'text in the name', schema: str },
      { name: 'schema', description: 'only models built in this schema', schema: str },
      { name: 'materialized', description: 'only models of this materialization', schema: str },
    ],
    response: page('Model'),
    handle: async (req, deps) =>
      paged(
        findModels(deps.rt.config.projectRoot, {
          q: queryText(req, 'q'),
          schema: queryText(req, 'schema'),
          materialized: queryText(req, 'materialized'),
        }).map(modelOut),
        paging(req),
      ),
  },
  {
    method: 'get',
    path: '/models/{model}',
    summary: 'one model with its SELECT compiled for a day',
    permission: 'read',
    query: [{ name: 'ds', description: 'the day `{{ds}}` renders as (default today, UTC)', schema: DAY }],
    response: ref('ModelDetail'),
    handle: async (req, deps) => {
      const m = modelWithSql(deps.rt.config.projectRoot, param(req, 'model'), day(queryText(req, 'ds'), 'ds'));
      return { ...modelOut(m), compiled_sql: m.compiledSql };
    },
  },
  {
    method: 'get',
    path: '/tables/{table}',
    summary: 'a raw table, seed or model: its last load or build, partitions, row counts over time, columns',
    permission: 'read',
    response: ref('TableDetail'),
    handle: async (req, deps) => {
      const t = await tableDetail(deps.rt, param(req, 'table'));
      return {
        table: t.table,
        schema: t.schema,
        name: t.name,
        kind: t.kind,
        detail: t.detail,
        tasks: t.tasks.map((x) => ({ dag_id: x.dagId, task_id: x.taskId })),
        last: t.last ? changeOut(t.last) : null,
        partitions: t.partitions.map((p) => ({
          partition: p.partition,
          ds: p.ds,
          rows: p.rows,
          at: p.at,
          dag_id: p.dagId,
          run_id: p.runId,
          task_id: p.taskId,
        })),
        history: t.history.map(changeOut),
        columns: [...t.columns],
        upstream: t.upstream.map((n) => n.id),
        downstream: t.downstream.map((n) => n.id),
      };
    },
  },
  {
    method: 'get',
    path: '/ingestion-log',
    summary: 'objects landed in the lake and loaded into raw tables, newest first',
    permission: 'read',
    query: [
      ...PAGING,
      { name: 'dag_id', description: 'only rows of this DAG', schema: str },
      { name: 'dataset', description: 'only this dataset (`<source>.<dataset>`)', schema: str },
      { name: 'table', description: 'only loads into this raw table (`schema.table`)', schema: str },
      { name: 'bucket', description: 'only this bucket', schema: str },
      { name: 'kind', description: 'land or load', schema: { enum: ['land', 'load'] } },
      { name: 'status', description: 'success or failed', schema: { enum: ['success', 'failed'] } },
      { name: 'ds_from', description: 'partitions from this day (inclusive)', schema: DAY },
      { name: 'ds_to', description: 'partitions up to this day (inclusive)', schema: DAY },
    ],
    response: page('IngestionEntry'),
    handle: async (req, deps) => {
      const pg = paging(req);
      const { rows, total } = await ingestionLogPage(
        deps.rt.db,
        {
          dagId: queryText(req, 'dag_id'),
          source: queryText(req, 'dataset'),
          target: queryText(req, 'table'),
          bucket: queryText(req, 'bucket'),
          kind: oneOf(queryText(req, 'kind'), 'kind', ['land', 'load'] as const),
          status: oneOf(queryText(req, 'status'), 'status', ['success', 'failed'] as const),
          dsFrom: day(queryText(req, 'ds_from'), 'ds_from'),
          dsTo: day(queryText(req, 'ds_to'), 'ds_to'),
        },
        pg,
      );
      return { items: rows.map(ingestionOut), total, ...pg };
    },
  },
  {
    method: 'get',
    path: '/lake/objects',
    summary: "a bucket's objects under a prefix, with their rows, bytes and sha256",
    permission: 'read',
    query: [
      ...PAGING,
      { name: 'bucket', description: 'the bucket (required)', schema: str },
      { name: 'prefix', description: 'only keys starting with this (`shop/orders/dt=2026-03-01/`)', schema: str },
    ],
    response: page('LakeObject'),
    handle: async (req, deps) => {
      const bucket = queryText(req, 'bucket');
      if (!bucket) throw new SluiceError('USAGE', 'bucket is required, e.g. ?bucket=raw');
      const pg = paging(req);
      const l = await listLake(deps.rt, { bucket, prefix: queryText(req, 'prefix'), recursive: true, ...pg });
      return { items: l.objects.map((o) => objectOut(bucket, o)), total: l.total, ...pg };
    },
  },
];
