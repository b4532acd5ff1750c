/**
 * Where the load benchmark's CPU and disk go, read from /proc (Linux) and statfs: Postgres server
 * CPU (all of it, or the loading backend's), the CPU of our own reaped children (psql), free disk
 * space, the server's settings, and the WAL it wrote and the checkpoints it ran over a load.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import type { Client } from 'pg';
import { withAdminClient } from '../../src/db/databases';

let ticks: number | undefined;
/** Clock ticks per second of /proc's CPU times (USER_HZ, almost always 100). */
function clockTicks(): number {
  if (ticks === undefined) {
    try {
      ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

/** utime, stime, cutime, cstime of one /proc/<pid>/stat, after the command name (which may hold spaces). */
function statTimes(text: string): { comm: string; own: number; children: number } {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  // Fields after the name start at field 3 (state): utime is field 14, so index 11 here.
  return {
    comm: text.slice(open + 1, close),
    own: Number(f[11]) + Number(f[12]),
    children: Number(f[13]) + Number(f[14]),
  };
}

export interface BackendCpu {
  /** CPU of the busiest Postgres process that started during the window: the loading connection's backend. */
  readonly backendMs?: number;
  /** CPU of every other Postgres process meanwhile (WAL writer, checkpointer, autovacuum, other clients' backends). */
  readonly othersMs?: number;
}

/**
 * Samples the CPU of every `postgres` process every `everyMs` until stopped. A backend is sampled
 * while it lives, so its CPU is known even after its client disconnects (up to one interval lost).
 */
export function postgresSampler(everyMs = 50): { stop(): BackendCpu } {
  const comm = new Map<string, boolean>(); // pid → is postgres (pids are not reused within seconds)
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const read = (initial: boolean) => {
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    for (const pid of pids) {
      if (comm.get(pid) === false) continue;
      let text: string;
      try {
        text = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue;
      }
      const t = statTimes(text);
      comm.set(pid, t.comm === 'postgres');
      if (t.comm !== 'postgres') continue;
      const ms = (t.own * 1000) / clockTicks();
      if (initial) first.set(pid, ms);
      last.set(pid, ms);
    }
  };
  read(true);
  const timer = setInterval(() => read(false), everyMs);
  return {
    stop() {
      clearInterval(timer);
      read(false);
      if (!last.size) return {};
      let backendMs = 0;
      let total = 0;
      for (const [pid, ms] of last) {
        const d = ms - (first.get(pid) ?? 0);
        total += d;
        if (!first.has(pid)) backendMs = Math.max(backendMs, d);
      }
      return { backendMs, othersMs: total - backendMs };
    },
  };
}

/** CPU milliseconds of this process's children that have exited and been waited for (psql runs). */
export function reapedChildrenCpuMs(): number | undefined {
  try {
    return (statTimes(readFileSync('/proc/self/stat', 'utf8')).children * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/** This process's own CPU milliseconds (user + system). */
export function ownCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Bytes free for an unprivileged writer on the file system holding `dir`; undefined if unreadable. */
export function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

export interface ServerFacts {
  readonly version: string;
  readonly settings: string;
  readonly dataDirectory: string;
  /** `minimal` lets a COPY into a table created in its own transaction skip WAL; `replica` and `logical` do not. */
  readonly walLevel: string;
  readonly autovacuum: boolean;
}

/** The server's version and the settings that shape a bulk load. */
export async function serverFacts(adminUrl: string): Promise<ServerFacts> {
  return withAdminClient(adminUrl, async (c) => {
    const names = ['synchronous_commit', 'wal_level', 'max_wal_size', 'shared_buffers', 'autovacuum'];
    const r = await c.query<{ name: string; setting: string }>(
      `SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name`,
      [names],
    );
    const v = await c.query<{ v: string; d: string }>(
      `SELECT current_setting('server_version') AS v, current_setting('data_directory') AS d`,
    );
    return {
      version: `PostgreSQL ${v.rows[0].v.split(' ')[0]}`,
      settings: r.rows.map((x) => `${x.name} ${x.setting}`).join(', '),
      dataDirectory: v.rows[0].d,
      walLevel: r.rows.find((x) => x.name === 'wal_level')?.setting ?? 'unknown',
      autovacuum: r.rows.find((x) => x.name === 'autovacuum')?.setting === 'on',
    };
  });
}

export interface PgMark {
  readonly lsn: string;
  readonly checkpoints?: number;
}

export interface PgDelta {
  /** WAL the whole server wrote in the window (the load's, and anything else running). */
  readonly walBytes: number;
  /** Checkpoints that completed in the window (timed or requested). */
  readonly checkpoints?: number;
}

/** Checkpoints completed so far: pg_stat_bgwriter up to Postgres 16, pg_stat_checkpointer from 17. */
async function checkpointsDone(c: Client): Promise<number | undefined> {
  for (const sql of [
    'SELECT (num_timed + num_requested)::text AS n FROM pg_stat_checkpointer',
    'SELECT (checkpoints_timed + checkpoints_req)::text AS n FROM pg_stat_bgwriter',
  ]) {
    try {
      return Number((await c.query<{ n: string }>(sql)).rows[0].n);
    } catch {
      // not this version's view
    }
  }
  return undefined;
}

/** Where the server's WAL and checkpoint count stand now; `pgDelta` later tells how far they moved. */
export async function pgMark(c: Client): Promise<PgMark> {
  const lsn = (await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0].lsn;
  return { lsn, checkpoints: await checkpointsDone(c) };
}

export async function pgDelta(c: Client, mark: PgMark): Promise<PgDelta> {
  const wal = Number(
    (await c.query<{ n: string }>('SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS n', [mark.lsn]))
      .rows[0].n,
  );
  const now = await checkpointsDone(c);
  return {
    walBytes: wal,
    checkpoints: now === undefined || mark.checkpoints === undefined ? undefined : now - mark.checkpoints,
  };
}
