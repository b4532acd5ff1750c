import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Config } from '../config/config';
import type { Database } from '../db/database';
import { isTransientDbError } from '../db/transient-errors';
import type { Logger } from '../dag/types';
import { completeTry, type TryRef, type TryResult } from '../scheduler/complete-try';
import type { VersionCache } from '../state/dag-versions';
import { appendLog, claimTasks, type ClaimedTask } from '../state/task-instances';
import { heartbeat, registerWorker, stopWorker } from '../state/workers';
import { LogSpool } from './log-spool';
import type { FromChild, RunJob } from './protocol';
import { SqlProxy } from './sql-proxy';
import { TryDirs } from './try-dirs';
import { WorkerSlot } from './worker-slot';

export interface ExecutorOptions {
  readonly workers: number;
  readonly pollMs: number;
  readonly heartbeatMs: number;
  readonly defaultTimeoutMs: number | undefined;
  /** The reaper's threshold: a try's lease must run out before the reaper may declare it lost. */
  readonly zombieThresholdMs: number;
  /** Most bytes of log kept per try. */
  readonly logLimitBytes: number;
  /** The rest of the resolved configuration: the DAG folder, the object store, and what operators read (sent with each job). */
  readonly config: Config;
}

// Log text is written out once this much is waiting (and at every heartbeat).
const LOG_CHUNK_BYTES = 256 * 1024;
// Backoff between attempts to record a try's end while the database is away.
const RECORD_RETRY_MS = [100, 250, 500, 1000, 2000, 5000];

interface Running {
  readonly ref: TryRef;
  readonly slot: WorkerSlot;
  readonly log: LogSpool;
  readonly tmpDir: string;
  /** Log writes of this try, one after another. */
  writing: Promise<void>;
  timer?: NodeJS.Timeout;
  failure?: string;
  /** The child is done with it; its outcome is being recorded. */
  ending?: boolean;
  /** The try was taken from this executor (declared lost, cleared): its outcome is not ours to record. */
  lost?: boolean;
}

/**
 * Claims queued tasks and runs them in a pool of worker child processes. State lives in Postgres
 * only: several executors (later on several machines) share the queue through SKIP LOCKED claims,
 * and an executor that dies is noticed by its missing heartbeats. Every try the executor holds is
 * vouched for by its heartbeat until its end is recorded; a try the database says is no longer
 * ours is killed, and a try whose lease could not be renewed in time kills itself, so a retry
 * never overlaps it.
 */
export class LocalExecutor {
  readonly workerId = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly slots: WorkerSlot[];
  private readonly running = new Map<number, Running>();
  private readonly proxy: SqlProxy;
  private readonly dirs = new TryDirs();
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | undefined;
  private filling = false;
  private refill = false;
  private stopping = false;
  /** After the grace period of `stop`: outcomes that still cannot be recorded are left to the reaper. */
  private abandoning = false;
  private beating = false;
  /** When the last heartbeat that succeeded was sent (performance.now()). */
  private lastBeat = performance.now();
  private readonly settled = new Set<() => void>();

  constructor(
    private readonly db: Database,
    private readonly versions: VersionCache,
    private readonly opts: ExecutorOptions,
    private readonly log: Logger,
  ) {
    this.slots = Array.from(
      { length: opts.workers },
      () =>
        new WorkerSlot(
          (s, m) => this.onMessage(s, m),
          (s, r) => this.onExit(s, r),
        ),
    );
    this.proxy = new SqlProxy(db);
  }

  /**
   * Until when a try may run after a heartbeat sent at `beat` vouched for it: just inside the
   * reaper's threshold, which counts from when the database ran that heartbeat (later than `beat`).
   * A retry starts later still (reaped, queued, claimed, started), so the old try is always dead first.
   */
  private leaseEnd(beat: number): number {
    return beat + this.opts.zombieThresholdMs * 0.9;
  }

  async start(): Promise<void> {
    const swept = this.dirs.sweepStale();
    if (swept) this.log.info('removed the temp folders of %d executor(s) that died', swept);
    await registerWorker(this.db, this.workerId, 'executor');
    this.lastBeat = performance.now();
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
    this.abandoning = true;
    for (const s of this.slots) {
      s.tiId = undefined;
      s.kill();
    }
    this.dirs.removeAll();
    await stopWorker(this.db, this.workerId).catch(() => undefined);
  }

  /** Resolves when no task is running. */
  idle(): Promise<void> {
    if (!this.running.size) return Promise.resolve();
    return new Promise((resolve) => this.settled.add(resolve));
  }

  private fill(): void {
    if (this.stopping) return;
    if (this.filling) {
      this.refill = true;
      return;
    }
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
    const ref: TryRef = { ...c, workerId: this.workerId };
    const claimedAt = performance.now(); // the claim set the try's heartbeat
    const entry: Running = {
      ref,
      slot,
      log: new LogSpool(this.opts.logLimitBytes),
      writing: Promise.resolve(),
      tmpDir: this.dirs.of(`slot-${this.slots.indexOf(slot)}`),
    };
    this.running.set(c.tiId, entry);
    slot.tiId = c.tiId;
    try {
      const version = await this.versions.get(c.versionId);
      const timeoutMs = version.graph.tasks.get(c.taskId)?.executionTimeoutMs ?? this.opts.defaultTimeoutMs;
      if (timeoutMs) {
        entry.timer = setTimeout(() => {
          entry.failure = `task exceeded its execution timeout of ${timeoutMs / 1000}s and was killed`;
          slot.kill();
        }, timeoutMs);
      }
      const job: RunJob = {
        ...c,
        file: version.filePath,
        warehouse: this.db.kind === 'embedded' ? { mode: 'proxy' } : { mode: 'direct', url: this.db.url },
        objectStore: this.opts.config.objectStore,
        config: this.opts.config,
        tmpDir: entry.tmpDir,
        logLimitBytes: entry.log.limitBytes,
        leaseMs: this.leaseEnd(claimedAt) - performance.now(),
      };
      slot.send({ type: 'run', job });
    } catch (e) {
      await this.finish(slot, c.tiId, { ok: false, error: `could not start the task: ${(e as Error).message}` });
    }
  }

  private onMessage(slot: WorkerSlot, m: FromChild): void {
    try {
      if (m.type === 'log') {
        const r = this.running.get(m.tiId);
        if (!r || r.ending) return;
        r.log.append(m.text);
        if (r.log.waiting >= LOG_CHUNK_BYTES) this.writeLog(r);
      } else if (m.type === 'done') {
        const r = this.running.get(m.tiId);
        if (r && m.droppedLogBytes) r.log.dropped(m.droppedLogBytes);
        const details = m.details && Object.keys(m.details).length ? { details: m.details } : {};
        const result: TryResult = m.ok
          ? { ok: true, value: m.value, ...details }
          : { ok: false, error: m.error, final: m.final, ...details };
        if (m.outputEnd) void slot.outputRead().then(() => this.finish(slot, m.tiId, result));
        else void this.finish(slot, m.tiId, result);
      } else if (m.type === 'sql' && slot.tiId !== undefined) {
        void this.proxy.handle(slot.tiId, m, (reply) => slot.child?.send(reply));
      }
    } catch (e) {
      // Whatever went wrong with one task's message costs that task, never the executor.
      const tiId = slot.tiId;
      this.log.error('handling a message of task instance %s failed: %s', tiId ?? '?', (e as Error).message);
      if (tiId === undefined) return;
      const r = this.running.get(tiId);
      if (r) r.failure = `the executor could not handle the task's output: ${(e as Error).message}`;
      slot.kill();
    }
  }

  private onExit(slot: WorkerSlot, reason: string): void {
    // A worker that died or was killed could not clear its temp folder.
    this.dirs.empty(`slot-${this.slots.indexOf(slot)}`);
    const tiId = slot.tiId;
    if (tiId === undefined || this.abandoning) return;
    const r = this.running.get(tiId);
    void this.finish(slot, tiId, {
      ok: false,
      error: r?.failure ?? `the worker process running the task died (${reason})`,
    });
  }

  /** Writes the try's waiting log text; text that cannot be written now waits for the next attempt. */
  private writeLog(r: Running): Promise<void> {
    r.writing = r.writing
      .then(async () => {
        const text = r.log.take();
        if (!text) return;
        try {
          await appendLog(this.db, r.ref.tiId, r.ref.tryNumber, text);
        } catch (e) {
          r.log.restore(text);
          if (!isTransientDbError(e)) throw e;
        }
      })
      .catch((e) =>
        this.log.warn('writing the log of %s.%s failed: %s', r.ref.dagId, r.ref.taskId, (e as Error).message),
      );
    return r.writing;
  }

  private async finish(slot: WorkerSlot, tiId: number, result: TryResult): Promise<void> {
    const r = this.running.get(tiId);
    if (!r || r.ending) return;
    r.ending = true;
    clearTimeout(r.timer);
    if (slot.tiId === tiId) slot.tiId = undefined; // free for the next claim (a poll or an event starts it)
    await this.proxy.abandon(tiId);
    await this.record(r, result);
    this.running.delete(tiId);
    if (!this.running.size)
      for (const s of [...this.settled]) {
        this.settled.delete(s);
        s();
      }
    this.fill();
  }

  /**
   * Records a try's end, retrying while the database is away: a try whose end is dropped would
   * stay running, and its work would be done again by whoever picks it up. The heartbeat keeps
   * vouching for the try meanwhile. A statement that fails for another reason is recorded as the
   * try's failure instead, so that it cannot block the try forever.
   */
  private async record(r: Running, result: TryResult): Promise<void> {
    let outcome = result;
    for (let attempt = 0; ; attempt++) {
      if (r.lost) return;
      await r.writing;
      const log = r.log.take(true);
      try {
        const state = await completeTry(this.db, this.versions, r.ref, outcome, log);
        if (state) this.log.debug('%s.%s try %d: %s', r.ref.dagId, r.ref.taskId, r.ref.tryNumber, state);
        else
          this.log.warn(
            '%s.%s try %d was no longer held by this executor when it ended (declared lost or cleared): its outcome was not recorded',
            r.ref.dagId,
            r.ref.taskId,
            r.ref.tryNumber,
          );
        return;
      } catch (e) {
        r.log.restore(log);
        const what = `recording the end of ${r.ref.dagId}.${r.ref.taskId} try ${r.ref.tryNumber}`;
        if (this.abandoning) {
          this.log.error('%s failed: %s; left to the reaper', what, (e as Error).message);
          return;
        }
        if (!isTransientDbError(e)) {
          if (outcome.ok || !outcome.error.startsWith('the executor could not record')) {
            this.log.error('%s failed: %s; recording it as failed', what, (e as Error).message);
            outcome = { ok: false, error: `the executor could not record the try's outcome: ${(e as Error).message}` };
            continue;
          }
          this.log.error('%s failed: %s; left to the reaper', what, (e as Error).message);
          return;
        }
        const wait = RECORD_RETRY_MS[Math.min(attempt, RECORD_RETRY_MS.length - 1)];
        if (attempt === 0 || wait === RECORD_RETRY_MS[RECORD_RETRY_MS.length - 1]) {
          this.log.warn('%s failed: %s; trying again every %ds', what, (e as Error).message, wait / 1000);
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private async beat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    const sent = performance.now();
    try {
      // A try whose lease ran out (this process was stopped, or the database away too long) may
      // already be declared lost and retried elsewhere: end it now, its child would too.
      for (const r of this.running.values()) {
        if (!r.ending && r.slot.tiId === r.ref.tiId && sent > this.leaseEnd(this.lastBeat)) {
          r.failure =
            `the executor could not vouch for the try for ${Math.round((sent - this.lastBeat) / 1000)}s ` +
            `(stopped, or cut off from the database); it was ended so that a retry cannot overlap it`;
          r.slot.kill();
        }
      }
      const held = [...this.running.values()]
        .filter((r) => !r.lost)
        .map((r) => ({ tiId: r.ref.tiId, tryNumber: r.ref.tryNumber }));
      const taken = new Set(await heartbeat(this.db, this.workerId, held));
      this.lastBeat = sent;
      for (const r of this.running.values()) {
        if (taken.has(r.ref.tiId)) {
          r.lost = true;
          if (!r.ending && r.slot.tiId === r.ref.tiId) {
            this.log.warn(
              '%s.%s try %d is no longer held by this executor (declared lost or cleared): stopping it',
              r.ref.dagId,
              r.ref.taskId,
              r.ref.tryNumber,
            );
            r.slot.kill();
          }
        } else if (!r.ending && r.slot.tiId === r.ref.tiId) {
          r.slot.tell({ type: 'lease', ms: this.leaseEnd(sent) - performance.now() });
        }
      }
      // Long tasks' logs become visible while they run.
      await Promise.all([...this.running.values()].filter((r) => !r.ending && !r.lost).map((r) => this.writeLog(r)));
    } catch (e) {
      this.log.warn('heartbeat failed: %s', (e as Error).message);
    } finally {
      this.beating = false;
    }
  }
}
