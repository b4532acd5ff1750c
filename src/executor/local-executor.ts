import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import type { Logger } from '../dag/types';
import type { ObjectStoreSettings } from '../lake/object-store';
import { completeTry, type TryRef, type TryResult } from '../scheduler/complete-try';
import type { VersionCache } from '../state/dag-versions';
import { appendLog, claimTasks, type ClaimedTask } from '../state/task-instances';
import type { FromChild, RunJob } from './protocol';
import { SqlProxy } from './sql-proxy';
import { WorkerSlot } from './worker-slot';
import { heartbeat, registerWorker, stopWorker } from '../state/workers';

export interface ExecutorOptions {
  readonly workers: number;
  readonly pollMs: number;
  readonly heartbeatMs: number;
  readonly defaultTimeoutMs: number | undefined;
  readonly dagsFolder: string;
  readonly objectStore: ObjectStoreSettings;
  readonly dataDocsDir: string;
}

interface Running {
  readonly ref: TryRef;
  readonly claimed: ClaimedTask;
  log: string;
  timer?: NodeJS.Timeout;
  failure?: string;
}

/**
 * Claims queued tasks and runs them in a pool of worker child processes. State lives in Postgres
 * only: several executors (later on several machines) share the queue through SKIP LOCKED claims,
 * and an executor that dies is noticed by its missing heartbeats.
 */
export class LocalExecutor {
  readonly workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly slots: WorkerSlot[];
  private readonly running = new Map<number, Running>();
  private readonly proxy: SqlProxy;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private filling = false;
  private refill = false;
  private stopping = false;
  private readonly settled = new Set<() => void>();

  constructor(private readonly db: Database, private readonly versions: VersionCache, private readonly opts: ExecutorOptions, private readonly log: Logger) {
    this.slots = Array.from({ length: opts.workers }, () => new WorkerSlot((s, m) => this.onMessage(s, m), (s, r) => this.onExit(s, r)));
    this.proxy = new SqlProxy(db);
  }

  async start(): Promise<void> {
    await registerWorker(this.db, this.workerId, 'executor');
    this.unsubscribe = this.db.on('tasks', () => this.fill());
    this.timers.push(setInterval(() => this.fill(), this.opts.pollMs));
    this.timers.push(setInterval(() => void this.beat(), this.opts.heartbeatMs));
    this.fill();
  }

  /** Stops claiming, lets running tasks finish (up to `graceMs`), then kills what is left. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearInterval(t);
    if (this.running.size) {
      await Promise.race([this.idle(), new Promise((r) => setTimeout(r, graceMs))]);
    }
    for (const s of this.slots) { s.tiId = undefined; s.kill(); }
    await stopWorker(this.db, this.workerId).catch(() => undefined);
  }

  /** Resolves when no task is running. */
  idle(): Promise<void> {
    if (!this.running.size) return Promise.resolve();
    return new Promise((resolve) => this.settled.add(resolve));
  }

  private fill(): void {
    if (this.stopping) return;
    if (this.filling) { this.refill = true; return; }
    this.filling = true;
    void (async () => {
      try {
        do {
          this.refill = false;
          const free = this.slots.filter((s) => !s.busy);
          if (!free.length) break;
          const claimed = await claimTasks(this.db, this.workerId, os.hostname(), free.length);
          for (const [i, c] of claimed.entries()) await this.dispatch(free[i], c);
          if (claimed.length === free.length) this.refill = true;
        } while (this.refill && !this.stopping);
      } catch (e) {
        this.log.error('claiming tasks failed: %s', (e as Error).message);
      } finally {
        this.filling = false;
      }
    })();
  }

  private async dispatch(slot: WorkerSlot, c: ClaimedTask): Promise<void> {
    const ref: TryRef = {
      tiId: c.ti_id, runPk: c.run_pk, dagId: c.dag_id, taskId: c.task_id, tryNumber: c.try_number,
      maxTries: c.max_tries, workerId: this.workerId, versionId: c.dag_version_id,
    };
    const entry: Running = { ref, claimed: c, log: '' };
    this.running.set(c.ti_id, entry);
    slot.tiId = c.ti_id;
    try {
      const version = await this.versions.get(c.dag_version_id);
      const timeoutMs = version.graph.tasks.get(c.task_id)?.executionTimeoutMs ?? this.opts.defaultTimeoutMs;
      if (timeoutMs) {
        entry.timer = setTimeout(() => {
          entry.failure = `task exceeded its execution timeout of ${timeoutMs / 1000}s and was killed`;
          slot.kill();
        }, timeoutMs);
      }
      const job: RunJob = {
        tiId: c.ti_id, file: version.filePath, root: this.opts.dagsFolder, dagId: c.dag_id, taskId: c.task_id,
        runId: c.run_id, runType: c.run_type, tryNumber: c.try_number, maxTries: c.max_tries,
        logicalDate: c.logical_date.toISOString(), dataIntervalStart: c.data_interval_start.toISOString(),
        dataIntervalEnd: c.data_interval_end.toISOString(), conf: c.conf, upstream: c.upstream_values ?? {},
        warehouse: this.db.kind === 'embedded' ? { mode: 'proxy' } : { mode: 'direct', url: this.db.url },
        objectStore: this.opts.objectStore, dataDocsDir: this.opts.dataDocsDir,
      };
      slot.send({ type: 'run', job });
    } catch (e) {
      await this.finish(slot, c.ti_id, { ok: false, error: `could not start the task: ${(e as Error).message}` });
    }
  }

  private onMessage(slot: WorkerSlot, m: FromChild): void {
    if (m.type === 'log') {
      const r = this.running.get(m.tiId);
      if (r) r.log += m.text;
    } else if (m.type === 'done') {
      void this.finish(slot, m.tiId, m.ok ? { ok: true, value: m.value } : { ok: false, error: m.error });
    } else if (m.type === 'sql' && slot.tiId !== undefined) {
      void this.proxy.handle(slot.tiId, m, (reply) => slot.child?.send(reply));
    }
  }

  private onExit(slot: WorkerSlot, reason: string): void {
    const tiId = slot.tiId;
    if (tiId === undefined || this.stopping) return;
    const r = this.running.get(tiId);
    void this.finish(slot, tiId, { ok: false, error: r?.failure ?? `the worker process running the task died (${reason})` });
  }

  private async finish(slot: WorkerSlot, tiId: number, result: TryResult): Promise<void> {
    const r = this.running.get(tiId);
    if (!r) return;
    this.running.delete(tiId);
    clearTimeout(r.timer);
    if (slot.tiId === tiId) slot.tiId = undefined;
    await this.proxy.abandon(tiId);
    try {
      const state = await completeTry(this.db, this.versions, r.ref, result, r.log);
      this.log.debug('%s.%s try %d: %s', r.ref.dagId, r.ref.taskId, r.ref.tryNumber, state ?? 'taken away');
    } catch (e) {
      this.log.error('recording the end of %s.%s failed: %s', r.ref.dagId, r.ref.taskId, (e as Error).message);
    }
    if (!this.running.size) for (const s of [...this.settled]) { this.settled.delete(s); s(); }
    this.fill();
  }

  private async beat(): Promise<void> {
    try {
      await heartbeat(this.db, this.workerId);
      // Long tasks' logs become visible while they run.
      for (const r of this.running.values()) {
        if (!r.log) continue;
        const text = r.log;
        r.log = '';
        await appendLog(this.db, r.ref.tiId, r.ref.tryNumber, text);
      }
    } catch (e) {
      this.log.warn('heartbeat failed: %s', (e as Error).message);
    }
  }
}
