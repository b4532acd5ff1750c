/**
 * A worker child process: runs one task at a time for the executor. User code runs here, so a
 * crash, leak or hang costs this process only; the executor replaces it.
 */
import { ChildProcess } from 'node:child_process';
import { isVerdict, SluiceError } from '../errors/errors';
import { describeThrown } from '../errors/describe-thrown';
import { statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Dag, JsonObject, TaskContext } from '../dag/types';
import { dagsOf, forgetModules } from '../dagfiles/parse-child';
import { openObjectStore } from '../lake/open-object-store';
import type { ObjectStore } from '../lake/object-store';
import { formatDs } from '../timetables/dates';
import type { Warehouse } from '../db/queryable';
import { directWarehouse, proxyWarehouse } from './child-warehouse';
import { OUTPUT_END, type FromChild, type RunJob, type SqlOp, type ToChild } from './protocol';
import { killRestOfGroup } from '../process/process-group';
import { MAX_RETURN_BYTES, toReturnValue } from './return-value';
import { emptyDir } from './try-dirs';
import { taskLogger } from '../util/logger';
import { jobSecrets, masked } from './masked-messages';
import { beginTaskSecrets } from '../secrets/task-secrets';
import { setOperatorConfig } from '../dag/operator-config';

const send = (m: FromChild) => process.send!(masked(m)); // no secret of the try leaves the child
let current: RunJob | undefined;
const loadedMtimes = new Map<string, number>();
// Secrets DAG files registered while imported (readSecret at a file's top level): a module is imported
// once per child, so they are registered again for each later try, whose registry starts empty.
const importSecrets = new Set<string>();
let importing = false;
let directPool: ReturnType<typeof directWarehouse> | undefined;
let nextReq = 1;
const pendingSql = new Map<number, (m: Extract<ToChild, { type: 'sql-result' }>) => void>();
// Output of the current try: sent up to its limit, then only counted.
let sentBytes = 0;
let droppedBytes = 0;
// A try that ran this long may have started processes unnoticed (execSync): its leftovers are looked for.
const SWEEP_AFTER_MS = 250;
// Whether the current try started a process (then its leftovers are looked for when it ends).
let spawned = false;

function output(text: string): void {
  if (!current) return;
  const bytes = Buffer.byteLength(text);
  if (sentBytes + bytes > current.logLimitBytes) {
    droppedBytes += bytes;
    return;
  }
  sentBytes += bytes;
  send({ type: 'log', tiId: current.tiId, text });
}

// Whatever the task prints belongs to its log.
for (const stream of [process.stdout, process.stderr]) {
  stream.write = ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
    output(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    const done = typeof enc === 'function' ? enc : cb;
    if (typeof done === 'function') done();
    return true;
  }) as typeof stream.write;
}

// Every child_process function ends in ChildProcess#spawn: note that the try started something.
const proto = ChildProcess.prototype as unknown as { spawn: (...args: unknown[]) => unknown };
const spawnProcess = proto.spawn;
proto.spawn = function (this: ChildProcess, ...args: unknown[]) {
  spawned = true;
  return spawnProcess.apply(this, args);
};

// The lease: renewed by the executor after each heartbeat that vouched for the try. When it runs
// out (the executor was stopped or lost the database), the try and everything it started end here,
// before the reaper can hand the task to another worker.
let lease: NodeJS.Timeout | undefined;
function renewLease(ms: number): void {
  clearTimeout(lease);
  lease = setTimeout(
    () => {
      // Renewals queued while this process itself was stopped arrive after timers: look once more.
      lease = setTimeout(() => {
        if (current) process.stderr.write(`[sluice] the executor stopped renewing this try's lease: ending the try\n`);
        endGroup();
      }, 100);
    },
    Math.max(0, ms),
  );
}

function endGroup(): never {
  try {
    process.kill(-process.pid, 'SIGKILL');
  } catch {
    /* not a group leader */
  }
  process.exit(1);
}

function loadDag(job: RunJob): Dag {
  // Reload when any module under the DAG folder changed since it was loaded.
  for (const [file, mtime] of loadedMtimes) {
    if (statSync(file, { throwIfNoEntry: false })?.mtimeMs !== mtime) {
      forgetModules(job.config.dagsFolder);
      loadedMtimes.clear();
      importSecrets.clear();
      break;
    }
  }
  importing = true;
  let mod: Record<string, unknown>;
  try {
    mod = require(job.file) as Record<string, unknown>;
  } finally {
    importing = false;
  }
  const dag = dagsOf(mod).find((d) => d.id === job.dagId);
  const prefix = path.resolve(job.config.dagsFolder) + path.sep;
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
  const startedAt = performance.now();
  current = job;
  sentBytes = 0;
  droppedBytes = 0;
  spawned = false;
  renewLease(job.leaseMs);
  const tmpBefore = process.env.TMPDIR;
  // The try's temp folder: os.tmpdir() and the tools the task starts write there.
  process.env.TMPDIR = job.tmpDir;
  beginTaskSecrets([...jobSecrets(job), ...importSecrets], (values) => {
    if (importing) for (const v of values) importSecrets.add(v);
    send({ type: 'secrets', tiId: job.tiId, values });
  });
  const controller = new AbortController();
  let done: FromChild;
  let details: JsonObject = {};
  try {
    setOperatorConfig(job.config); // before the DAG file is loaded: operators read it there too
    const dag = loadDag(job);
    const task = (dag.tasks as Record<string, Dag['tasks'][string]>)[job.taskId];
    if (!task) throw new Error(`task "${job.taskId}" is no longer defined in DAG "${job.dagId}" (${job.file})`);
    // The context starts from the claimed try; the rest of the job stays out (its settings hold secrets):
    // a field added to RunJob is named here.
    const {
      tiId,
      runPk,
      versionId,
      conf,
      upstream,
      file,
      warehouse,
      objectStore,
      config,
      tmpDir,
      logLimitBytes,
      leaseMs,
      ...claimed
    } = job;
    const ctx: TaskContext = {
      ...claimed,
      ds: formatDs(job.logicalDate, dag.timezone),
      timezone: dag.timezone,
      params: Object.freeze({ ...dag.params, ...conf }),
      upstream: Object.freeze({ ...upstream }),
      log: taskLogger(output),
      warehouse: warehouseFor(job),
      objectStore: objectStoreFor(job),
      signal: controller.signal,
      recordDetails: (d) => {
        if (typeof d !== 'object' || d === null || Array.isArray(d))
          throw new SluiceError('USAGE', 'ctx.recordDetails takes an object of named details');
        details = { ...details, ...(toReturnValue(d, MAX_RETURN_BYTES, 'the recorded details') as JsonObject) };
      },
    };
    const value = await task.run(ctx);
    done = { type: 'done', tiId: job.tiId, ok: true, value: toReturnValue(value) };
  } catch (e) {
    // A SluiceError is a finding about the task's input (a failed gate, a bad row): its message says it all.
    done = { type: 'done', tiId: job.tiId, ok: false, error: describeThrown(e), final: isVerdict(e) };
  }
  // What the try started ends with it (a background process, a shell's children), and so does its temp folder.
  // Processes started with the async child_process functions are noticed; the sync ones (execSync,
  // spawnSync) are not, so a try long enough to have run one is swept too (the sweep reads /proc: ~ms).
  if (spawned || performance.now() - startedAt > SWEEP_AFTER_MS) {
    const killed = killRestOfGroup();
    if (killed) output(`[sluice] ended ${killed} process(es) the task left running\n`);
  }
  // Behind whatever the try's processes wrote to the inherited stdout and stderr (see WorkerSlot.outputRead).
  writeSync(1, OUTPUT_END);
  writeSync(2, OUTPUT_END);
  if (tmpBefore === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = tmpBefore;
  emptyDir(job.tmpDir);
  clearTimeout(lease);
  current = undefined;
  send({ ...done, details, droppedLogBytes: droppedBytes, outputEnd: true });
}

process.on('message', (m: ToChild) => {
  if (m.type === 'run') void run(m.job);
  else if (m.type === 'lease') {
    if (current) renewLease(m.ms);
  } else if (m.type === 'sql-result') {
    pendingSql.get(m.reqId)?.(m);
    pendingSql.delete(m.reqId);
  }
});
process.on('unhandledRejection', (e) => {
  output(`unhandled rejection: ${(e as Error)?.stack ?? e}\n`);
});
// The executor is gone (killed, crashed): nothing may outlive it, what the task started included.
process.on('disconnect', () => endGroup());
