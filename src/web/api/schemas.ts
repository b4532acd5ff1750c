/**
 * JSON Schemas of the API's bodies and responses: the OpenAPI document is built from them and the
 * tests validate every response against them, so the document cannot drift from what is served.
 */
export const str = { type: 'string' } as const;
export const nstr = { type: ['string', 'null'] } as const;
export const time = { type: 'string', format: 'date-time' } as const;
export const ntime = { type: ['string', 'null'], format: 'date-time' } as const;
export const int = { type: 'integer' } as const;
export const nint = { type: ['integer', 'null'] } as const;

export const obj = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

const RUN = {
  dag_id: str,
  run_id: str,
  run_type: { enum: ['scheduled', 'manual', 'backfill'] },
  state: { enum: ['queued', 'running', 'success', 'failed'] },
  logical_date: time,
  data_interval_start: time,
  data_interval_end: time,
  queued_at: time,
  start_date: ntime,
  end_date: ntime,
  duration_ms: nint,
};

export const CORE_SCHEMAS = {
  Error: obj({ error: obj({ code: str, message: str }) }),
  Dag: obj({
    dag_id: str,
    description: nstr,
    owner: str,
    tags: { type: 'array', items: str },
    schedule: nstr,
    timezone: str,
    is_paused: { type: 'boolean' },
    file: str,
    next_run: ntime,
    next_logical_date: ntime,
  }),
  DagRun: obj(RUN),
  DagRunDetail: obj({
    ...RUN,
    conf: { type: 'object' },
    task_instances: { type: 'array', items: { $ref: '#/components/schemas/TaskInstance' } },
  }),
  TaskInstance: obj({
    task_id: str,
    operator: str,
    state: str,
    try_number: int,
    max_tries: int,
    start_date: ntime,
    end_date: ntime,
    duration_ms: nint,
  }),
  TaskTry: obj(
    {
      try_number: int,
      state: str,
      hostname: nstr,
      start_date: ntime,
      end_date: ntime,
      duration_ms: nint,
      error: nstr,
      details: {
        type: 'object',
        description: "what the try recorded it did (a model task's compiled_sql and relation); absent when nothing",
      },
    },
    ['try_number', 'state', 'hostname', 'start_date', 'end_date', 'duration_ms', 'error'],
  ),
  TaskInstanceListed: obj({
    dag_id: str,
    run_id: str,
    logical_date: time,
    task_id: str,
    operator: str,
    state: str,
    try_number: int,
    max_tries: int,
    start_date: ntime,
    end_date: ntime,
    duration_ms: nint,
    url: { ...str, description: 'its page in the web UI' },
  }),
  Ingestion: obj({
    kind: { enum: ['land', 'load'] },
    status: { enum: ['success', 'failed'] },
    source: str,
    bucket: nstr,
    object_key: nstr,
    target: { ...nstr, description: 'the table loaded (schema.table)' },
    ds: { ...nstr, description: 'the partition date (YYYY-MM-DD)' },
    rows: nint,
    rejected_rows: int,
    bytes: nint,
    checksum: { ...nstr, description: "sha256 of the object's bytes" },
    watermark: nstr,
    duration_ms: nint,
    error: nstr,
    created_at: time,
  }),
  HistoryEntry: obj({ at: time, state: str, try_number: int, text: str }, ['at', 'text']),
  ImportError: obj({ file: str, line: nint, column: nint, code: str, message: str }),
  TriggerBody: obj(
    {
      logical_date: { ...ntime, description: "null or absent: the schedule's latest complete interval" },
      conf: { type: 'object', description: 'run configuration, merged over the DAG params' },
      dag_run_id: { ...str, description: 'the run name; default manual__<time>' },
    },
    [],
  ),
  DagPatch: obj({ is_paused: { type: 'boolean' } }),
  ClearBody: obj(
    {
      task_ids: { type: 'array', items: str, minItems: 1 },
      include_downstream: { type: 'boolean', default: true },
      include_upstream: { type: 'boolean', default: false },
      only_failed: { type: 'boolean', default: false },
      dry_run: {
        type: 'boolean',
        default: true,
        description: 'list what would be cleared, change nothing (the default)',
      },
    },
    ['task_ids'],
  ),
  ClearResult: obj({
    dry_run: { type: 'boolean' },
    task_instances: { type: 'array', items: obj({ task_id: str, state: str }) },
  }),
  TaskPatch: obj({ state: { enum: ['success', 'failed'] } }),
} as const;

/** A reference to a component schema (CORE_SCHEMAS, or an area's own, merged in routes.ts). */
export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const page = (item: string) => ({
  type: 'object',
  properties: { items: { type: 'array', items: ref(item) }, total: int, limit: int, offset: int },
  required: ['items', 'total', 'limit', 'offset'],
  additionalProperties: false,
});

export const TASK_INSTANCE_DETAIL = {
  type: 'object',
  properties: {
    dag_id: str,
    run_id: str,
    instance: ref('TaskInstance'),
    tries: { type: 'array', items: ref('TaskTry') },
    return_value: {},
    failure: {},
    ingestion: { type: 'array', items: ref('Ingestion'), description: 'objects it landed and tables it loaded' },
    validations: { type: 'array', items: ref('Validation'), description: 'the suites it validated (a checkpoint)' },
    history: { type: 'array', items: ref('HistoryEntry'), description: 'tries starting and ending, clears, marks' },
    url: str,
  },
  required: ['dag_id', 'run_id', 'instance', 'tries', 'ingestion', 'validations', 'history', 'url'],
  additionalProperties: false,
};
