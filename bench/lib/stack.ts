/**
 * A Sluice stack for one benchmark scenario: a fresh database (a new Postgres database, or a new
 * embedded PGlite home), a generated DAG folder under bench/.work/, and the runtime services.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createDatabase, dropDatabase } from '../../src/db/databases';
import { resolveConfig, withOverrides, type Config } from '../../src/config/config';
import { consoleLogger } from '../../src/util/logger';
import { dagFileProcessor, executor, openRuntime, scheduler, type Runtime } from '../../src/actions/runtime';
import type { DagFileProcessor } from '../../src/dagfiles/dag-file-processor';
import type { LocalExecutor } from '../../src/executor/local-executor';
import type { Scheduler } from '../../src/scheduler/scheduler';

export type BackendKind = 'postgres' | 'embedded';

export const WORK_DIR = path.resolve(__dirname, '..', '.work');

/** Admin connection for creating benchmark databases (trust auth on the local Postgres by default). */
export const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';

export interface Workdir {
  readonly dir: string;
  readonly dags: string;
  readonly home: string;
  /** Writes a DAG file (relative to the dags folder) and returns its path. */
  write(rel: string, text: string): string;
}

/** A clean bench/.work/<name>/ with an empty dags/ folder. */
export function workdir(name: string): Workdir {
  const dir = path.join(WORK_DIR, name);
  rmSync(dir, { recursive: true, force: true });
  const dags = path.join(dir, 'dags');
  mkdirSync(dags, { recursive: true });
  return {
    dir,
    dags,
    home: path.join(dir, 'home'),
    write(rel, text) {
      const file = path.join(dags, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}

/** Creates an empty Postgres database for one scenario; returns its URL and a drop function. */
export async function freshPostgres(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sluice_bench_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${process.pid}`;
  const url = await createDatabase(ADMIN_URL, name, { replace: true });
  return { url, drop: () => dropDatabase(ADMIN_URL, name) };
}

export interface StackOptions {
  /** Start a LocalExecutor and a scheduler (no scheduled runs); default true. */
  readonly services?: boolean;
  readonly workers?: number;
  readonly parseProcesses?: number;
  readonly config?: Parameters<typeof withOverrides>[1];
}

export interface Stack {
  readonly rt: Runtime;
  readonly cfg: Config;
  readonly work: Workdir;
  readonly files: DagFileProcessor;
  readonly exec: LocalExecutor | undefined;
  readonly sched: Scheduler | undefined;
  close(): Promise<void>;
}

/**
 * Opens a runtime on a fresh database of the given kind over `work`'s DAG folder, syncs the folder
 * once when services are started, and starts an executor and a scheduler.
 */
export async function openStack(
  kind: BackendKind,
  name: string,
  work: Workdir,
  opts: StackOptions = {},
): Promise<Stack> {
  const pg = kind === 'postgres' ? await freshPostgres(name) : undefined;
  const env = {
    ...process.env,
    DATABASE_URL: pg?.url ?? '',
    SLUICE_DAGS_FOLDER: work.dags,
    SLUICE_HOME: work.home,
    SLUICE_PARSE_PROCESSES: String(opts.parseProcesses ?? 2),
    SLUICE_LAKE_DIR: path.join(work.dir, 'lake'),
  };
  const cfg = withOverrides(resolveConfig(env), {
    // The executor is woken by 'tasks' events; the poll is only a safety net.
    executor: { workers: opts.workers ?? 2, pollMs: 10_000 },
    parse: { processes: opts.parseProcesses ?? 2 },
    ...opts.config,
  });
  let rt: Runtime;
  try {
    rt = await openRuntime(cfg, { listen: true, log: consoleLogger('warn', 'bench') });
  } catch (e) {
    await pg?.drop();
    throw e;
  }
  const files = dagFileProcessor(rt);
  let exec: LocalExecutor | undefined;
  let sched: Scheduler | undefined;
  const close = async () => {
    await sched?.stop();
    await exec?.stop(2_000);
    await files.close();
    await rt.close();
    await pg?.drop();
    rmSync(work.dir, { recursive: true, force: true });
  };
  try {
    if (opts.services !== false) {
      const s = await files.sync();
      if (s.errors) throw new Error(`${s.errors} import error(s) in the generated DAG files`);
      exec = executor(rt);
      await exec.start();
      sched = scheduler(rt, undefined, false);
      sched.start();
    }
  } catch (e) {
    await close();
    throw e;
  }
  return {
    rt,
    cfg,
    work,
    files,
    get exec() {
      return exec;
    },
    get sched() {
      return sched;
    },
    close,
  };
}
