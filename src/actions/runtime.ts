import path from 'node:path';
import type { Config } from '../config/config';
import { openDatabase, redact, type Database } from '../db/database';
import type { Logger } from '../dag/types';
import { DagFileProcessor } from '../dagfiles/dag-file-processor';
import { LocalExecutor } from '../executor/local-executor';
import { describeObjectStore } from '../lake/open-object-store';
import { Scheduler } from '../scheduler/scheduler';
import { VersionCache } from '../state/dag-versions';
import { consoleLogger } from '../util/logger';
import { AlertDispatcher, type AlertSender } from '../alerts/dispatcher';
import { watchedProjectRouting } from '../alerts/project-routing';

/** The resolved configuration and the shared services built from it, for one process. */
export interface Runtime {
  readonly config: Config;
  readonly db: Database;
  readonly versions: VersionCache;
  readonly log: Logger;
  close(): Promise<void>;
}

export async function openRuntime(
  config: Config,
  opts: { listen?: boolean; log?: Logger; announce?: boolean } = {},
): Promise<Runtime> {
  const log = opts.log ?? consoleLogger(config.logLevel);
  const db = await openDatabase(config, { listen: opts.listen });
  if (opts.announce) {
    log.info(
      db.sharedEmbedded
        ? `database: embedded PGlite in ${config.home}/pgdata, through the sluice process that has it open (${db.url.replace(/\/\/[^@]*@/, '//')})`
        : db.kind === 'embedded'
          ? `database: embedded PGlite in ${config.home}/pgdata (set DATABASE_URL to use a real Postgres)`
          : `database: Postgres at ${redact(config.databaseUrl!)}`,
    );
    log.info(
      `object store: ${describeObjectStore(config.objectStore)}${config.objectStore.kind === 'local' ? ' (set MINIO_ENDPOINT to use MinIO/S3)' : ''}`,
    );
  }
  return { config, db, versions: new VersionCache(db), log, close: () => db.close() };
}

export function dagFileProcessor(rt: Runtime): DagFileProcessor {
  return new DagFileProcessor(rt.db, rt.config.dagsFolder, { ...rt.config.parse, operatorConfig: rt.config });
}

/** One sync of the DAG folder, for one-shot commands that must see it as it is now, even with no scheduler running. */
export async function syncDagFiles(rt: Runtime): Promise<void> {
  const files = dagFileProcessor(rt);
  try {
    await files.sync();
  } finally {
    await files.close();
  }
}

export function scheduler(rt: Runtime, files: DagFileProcessor | undefined, createScheduledRuns: boolean): Scheduler {
  // A scheduler that creates runs is a service: its log says why each task failed. `dags test` and
  // backfills (createScheduledRuns false) print that themselves, on stdout.
  const failures = createScheduledRuns
    ? { dagsFolder: rt.config.dagsFolder, dataDocsDir: rt.config.dataDocsDir }
    : undefined;
  return new Scheduler(rt.db, rt.versions, files, { ...rt.config.scheduler, createScheduledRuns, failures }, rt.log);
}

export function executor(rt: Runtime): LocalExecutor {
  return new LocalExecutor(
    rt.db,
    rt.versions,
    {
      ...rt.config.executor,
      zombieThresholdMs: rt.config.scheduler.zombieThresholdMs,
      config: rt.config,
    },
    rt.log,
  );
}

/**
 * The alert dispatcher of a scheduler process, sending through `senders` (the channels the
 * configuration sets up). Links point at the web UI's public address, else its listening one.
 */
export function alertDispatcher(
  rt: Runtime,
  senders: Partial<Record<'slack' | 'webhook' | 'email', AlertSender>>,
  mask: (text: string) => string,
): AlertDispatcher {
  const a = rt.config.alerts;
  const { host, port, baseUrl } = rt.config.web;
  return new AlertDispatcher(
    rt.db,
    {
      senders,
      routing: watchedProjectRouting(path.join(a.dir, 'routing.json')),
      baseUrl: baseUrl ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`,
      mask,
      paceMs: { slack: a.paceMs, webhook: a.paceMs, email: 0 },
      leaseMs: 2 * a.timeoutMs + 1000,
      retry: a.retry,
      pollMs: a.pollMs,
    },
    rt.log,
  );
}
