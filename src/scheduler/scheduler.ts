import type { Database } from '../db/database';
import { isSluiceError } from '../errors/errors';
import type { Logger } from '../dag/types';
import type { DagFileProcessor } from '../dagfiles/dag-file-processor';
import type { VersionCache } from '../state/dag-versions';
import { dagsWithScheduledTasks, promoteDueRetries, queueScheduled } from '../state/task-queue';
import { dagsWithQueuedRuns, lockRun, runsWithNothingOpen } from '../state/runs';
import { advanceRun } from './advance-run';
import { createDueRuns } from './run-creation';
import { startRuns } from './start-runs';
import { reapZombies } from './zombies';
import { latestEventId, taskFailuresAfter } from '../state/events';
import { failedTryOf } from '../state/task-tries';
import { describeFailure, failedTaskRef, type FailureContext } from './task-failure';
import { failureLines } from './failure-text';
import { WakeLoop } from '../util/wake-loop';

export interface SchedulerOptions {
  readonly tickMs: number;
  readonly zombieThresholdMs: number;
  readonly catchupBatch: number;
  /** False for `dags test` and backfills: advance existing runs only, create none from schedules. */
  readonly createScheduledRuns: boolean;
  /**
   * Where the pieces of a failure are, to log each failed task with its error, log tail and failed
   * expectations; unset, failures are not logged (`dags test` and backfills print them themselves).
   */
  readonly failures?: FailureContext;
}

/**
 * The scheduler loop. Task readiness is event-driven (the executor evaluates downstream tasks as a
 * try ends); the loop does what time drives: DAG file changes, due runs, runs waiting for a slot,
 * retries whose delay passed, lost tasks, and a sweep that unsticks runs nothing is moving.
 */
export class Scheduler {
  private unsubscribe: (() => void) | undefined;
  private lastFailure: { readonly text: string; readonly at: number } | undefined;
  /** The last task_failed event logged (undefined until the first tick: failures before it are history). */
  private failuresLogged: number | undefined;
  private readonly loop = new WakeLoop(() => this.tick(), {
    idleMs: () => this.opts.tickMs,
    onError: (e) => this.reportFailure(e),
    onSuccess: () => {
      this.lastFailure = undefined;
    },
  });

  constructor(
    private readonly db: Database,
    private readonly versions: VersionCache,
    private readonly files: DagFileProcessor | undefined,
    private readonly opts: SchedulerOptions,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.unsubscribe = this.db.on('runs', () => this.wake());
    this.wake();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    await this.loop.stop();
  }

  /**
   * A failing tick is logged once, and again when its reason changes or a minute passed: a missing
   * DAG folder or a database that is away would otherwise fill the log every tick. A user's own
   * mistake (a SluiceError) is its message; anything else keeps its stack.
   */
  private reportFailure(e: unknown): void {
    const text = isSluiceError(e) ? (e as Error).message : ((e as Error)?.stack ?? String(e));
    const now = Date.now();
    if (this.lastFailure?.text === text && now - this.lastFailure.at < 60_000) return;
    this.lastFailure = { text, at: now };
    this.log.error('scheduler tick failed: %s', text);
  }

  /** Runs a tick now (or right after the current one). */
  wake(): void {
    this.loop.wake();
  }

  async tick(now = new Date()): Promise<void> {
    if (this.files) {
      const s = await this.files.sync();
      if (s.parsed || s.removed)
        this.log.info(
          'parsed %d DAG file(s) in %dms: %d DAG(s), %d import error(s)',
          s.parsed,
          Math.round(s.ms),
          s.dags,
          s.errors,
        );
    }
    if (this.opts.createScheduledRuns) {
      const created = await createDueRuns(this.db, now, this.opts.catchupBatch);
      if (created) this.log.info('created %d scheduled run(s)', created);
    }
    for (const d of await dagsWithQueuedRuns(this.db))
      await startRuns(this.db, this.versions, d.dag_id, d.max_active_runs);
    await promoteDueRetries(this.db);
    let queued = 0;
    for (const d of await dagsWithScheduledTasks(this.db))
      queued += await queueScheduled(this.db, d.dag_id, d.max_active_tasks);
    if (queued) this.db.notify('tasks');
    const reaped = await reapZombies(this.db, this.versions, this.opts.zombieThresholdMs);
    if (reaped) this.log.warn('%d lost task(s) failed or sent to retry', reaped);
    await this.sweepStuckRuns();
    await this.logTaskFailures();
  }

  /** Each task that failed for good since the last tick, with why (error and file:line, log tail, expectations). */
  private async logTaskFailures(): Promise<void> {
    const ctx = this.opts.failures;
    if (!ctx) return;
    if (this.failuresLogged === undefined) {
      this.failuresLogged = await latestEventId(this.db);
      return;
    }
    for (const e of await taskFailuresAfter(this.db, this.failuresLogged)) {
      this.failuresLogged = e.id;
      const t = await failedTryOf(this.db, e.run_id, e.task_id);
      if (!t || t.try_number !== e.try_number) continue; // cleared and run again since
      const f = await describeFailure(this.db, ctx, failedTaskRef(e.dag_id, e.run_id, t));
      this.log.error('%s.%s', e.dag_id, failureLines(f).join('\n'));
    }
  }

  /** Running runs with no task waiting or running get a full evaluation (e.g. after tasks were cleared). */
  private async sweepStuckRuns(): Promise<void> {
    let queued = 0;
    for (const run of await runsWithNothingOpen(this.db)) {
      const { graph } = await this.versions.get(run.dag_version_id);
      queued += await this.db.transaction(async (c) => {
        if ((await lockRun(c, run.id)) !== 'running') return 0;
        return (await advanceRun(c, { id: run.id, dagId: run.dag_id }, graph)).queued;
      });
    }
    if (queued) this.db.notify('tasks');
  }
}
