/**
 * A worker child process: runs one task at a time for the executor. User code runs here, so a
 * crash, leak or hang costs this process only; the executor replaces it.
 */
import { isSluiceError } from '../errors/errors';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Dag, JsonValue, TaskContext } from '../dag/types';
import { dagsOf, forgetModules } from '../dagfiles/parse-child';
import { openObjectStore } from '../lake/open-object-store';
import type { ObjectStore } from '../lake/object-store';
import { formatDs } from '../schedule/dates';
import type { Warehouse } from '../warehouse/warehouse';
import { directWarehouse, proxyWarehouse } from './child-warehouse';
import type { FromChild, RunJob, SqlOp, ToChild } from './protocol';
import { taskLogger } from './task-logger';

const MAX_RETURN_BYTES = 1_000_000;
const send = (m: FromChild) => process.send!(m);
let current: number | undefined;
const loadedMtimes = new Map<string, number>();
let directPool: ReturnType<typeof directWarehouse> | undefined;
let nextReq = 1;
const pendingSql = new Map<number, (m: Extract<ToChild, { type: 'sql-result' }>) => void>();

// Whatever the task prints belongs to its log.
for (const stream of [process.stdout, process.stderr]) {
  stream.write = ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
    if (current !== undefined) send({ type: 'log', tiId: current, text: typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString() });
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') done();
    return true;
  }) as typeof stream.write;
}

function loadDag(job: RunJob): Dag {
  // Reload when any module under the DAG folder changed since it was loaded.
  for (const [file, mtime] of loadedMtimes) {
    if (statSync(file, { throwIfNoEntry: false })?.mtimeMs !== mtime) { forgetModules(job.root); loadedMtimes.clear(); break; }
  }
  const dag = dagsOf(require(job.file)).find((d) => d.id === job.dagId);
  const prefix = path.resolve(job.root) + path.sep;
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(prefix) && !loadedMtimes.has(key)) loadedMtimes.set(key, statSync(key).mtimeMs);
  }
  if (!dag) throw new Error(`DAG "${job.dagId}" is no longer defined in ${job.file}`);
  return dag;
}

function sqlVia(op: SqlOp, args: { sql?: string; params?: unknown[]; txId?: number }) {
  const reqId = nextReq++;
  return new Promise<{ rows?: unknown[]; rowCount?: number; txId?: number }>((resolve, reject) => {
    pendingSql.set(reqId, (m) => (m.error ? reject(new Error(m.error)) : resolve(m)));
    send({ type: 'sql', reqId, op, ...args });
  });
}

// One client per settings for the life of the child (the minio client keeps connections alive).
let store: { readonly key: string; readonly store: ObjectStore } | undefined;
function objectStoreFor(job: RunJob): ObjectStore {
  const key = JSON.stringify(job.objectStore);
  if (store?.key !== key) store = { key, store: openObjectStore(job.objectStore) };
  return store.store;
}

function warehouseFor(job: RunJob): Warehouse {
  if (job.warehouse.mode === 'proxy') return proxyWarehouse(sqlVia);
  return (directPool ??= directWarehouse(job.warehouse.url));
}

async function run(job: RunJob): Promise<void> {
  current = job.tiId;
  const controller = new AbortController();
  try {
    const dag = loadDag(job);
    const task = (dag.tasks as Record<string, Dag['tasks'][string]>)[job.taskId];
    if (!task) throw new Error(`task "${job.taskId}" is no longer defined in DAG "${job.dagId}" (${job.file})`);
    const logicalDate = new Date(job.logicalDate);
    const ctx: TaskContext = {
      dagId: job.dagId, taskId: job.taskId, runId: job.runId, runType: job.runType,
      tryNumber: job.tryNumber, maxTries: job.maxTries,
      logicalDate, ds: formatDs(logicalDate, dag.timezone),
      dataIntervalStart: new Date(job.dataIntervalStart), dataIntervalEnd: new Date(job.dataIntervalEnd),
      timezone: dag.timezone,
      params: Object.freeze({ ...dag.params, ...job.conf }),
      upstream: Object.freeze({ ...job.upstream }),
      log: taskLogger((text) => send({ type: 'log', tiId: job.tiId, text })),
      warehouse: warehouseFor(job),
      objectStore: objectStoreFor(job),
      dataDocsDir: job.dataDocsDir,
      signal: controller.signal,
    };
    const value = await task.run(ctx);
    send({ type: 'done', tiId: job.tiId, ok: true, value: toJson(value) });
  } catch (e) {
    const err = e as Error;
    // A SluiceError is a finding about the task's input (a failed gate, a bad row): its message says it all.
    send({ type: 'done', tiId: job.tiId, ok: false, error: (require('../errors/describe-thrown') as typeof import('../errors/describe-thrown')).describeThrown(e) });
  } finally {
    current = undefined;
  }
}

function toJson(value: unknown): JsonValue | undefined {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  if (text === undefined) return undefined;
  if (text.length > MAX_RETURN_BYTES) throw new Error(`return value is ${text.length} bytes; at most ${MAX_RETURN_BYTES} are stored (write large data to the object store)`);
  return JSON.parse(text) as JsonValue;
}

process.on('message', (m: ToChild) => {
  if (m.type === 'run') void run(m.job);
  else if (m.type === 'sql-result') { pendingSql.get(m.reqId)?.(m); pendingSql.delete(m.reqId); }
});
process.on('unhandledRejection', (e) => {
  if (current !== undefined) send({ type: 'log', tiId: current, text: `unhandled rejection: ${(e as Error)?.stack ?? e}\n` });
});
process.on('disconnect', () => process.exit(0));
