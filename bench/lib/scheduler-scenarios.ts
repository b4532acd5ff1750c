/** The scheduler benchmark's scenarios; each opens its own stack on a fresh database. */
import { triggerDag } from '../../src/actions/trigger-dag';
import { chainDag, fanOutDag } from './dag-gen';
import { dbSpanMs, fanOutRate, hopLatencies, runId, taskLags, waitForRuns } from './runs';
import { withAdminClient } from '../../src/db/databases';
import { ADMIN_URL, openStack, workdir, type BackendKind } from './stack';
import { cpuShare, cpuSnapshot, type CpuShare } from './cpu';
import { since } from './stats';

export interface RoundTrip {
  readonly n: number;
  readonly usPerTrip: number;
}

/** 1. The limit: sequential `UPDATE … RETURNING` round trips on one pooled connection. */
export async function roundTrips(kind: BackendKind, n: number): Promise<RoundTrip> {
  const stack = await openStack(kind, 'roundtrip', workdir(`${kind}-roundtrip`), { services: false });
  try {
    return await stack.rt.db.withClient(async (c) => {
      await c.query(`CREATE TEMP TABLE bench_rt (id int PRIMARY KEY, n bigint NOT NULL)`);
      await c.query(`INSERT INTO bench_rt VALUES (1, 0)`);
      const sql = `UPDATE bench_rt SET n = n + 1 WHERE id = $1 RETURNING n`;
      for (let i = 0; i < 100; i++) await c.query(sql, [1]);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await c.query(sql, [1]);
      return { n, usPerTrip: (since(t0) * 1000) / n };
    });
  } finally {
    await stack.close();
  }
}

export interface ChainResult {
  readonly tasks: number;
  readonly wallMs: number[];
  readonly dbMs: number[];
  readonly warmupMs: number;
  readonly hops: number[];
}

/** 2 and 4. A chain of no-op tasks, triggered `runs` times after one warm-up run. */
export async function chain(kind: BackendKind, tasks: number, runs: number): Promise<ChainResult> {
  const work = workdir(`${kind}-chain`);
  const dagId = `bench_chain_${tasks}`;
  work.write(`${dagId}.ts`, chainDag(dagId, tasks));
  const stack = await openStack(kind, 'chain', work);
  try {
    const once = async () => {
      const t0 = performance.now();
      const { id } = await triggerDag(stack.rt, dagId, { runId: runId() });
      await waitForRuns(stack.rt, [id], 60_000);
      return { id, ms: since(t0) };
    };
    const warm = await once();
    const measured: Array<{ id: number; ms: number }> = [];
    for (let i = 0; i < runs; i++) measured.push(await once());
    const dbMs: number[] = [];
    for (const m of measured) dbMs.push(await dbSpanMs(stack.rt, m.id));
    return {
      tasks,
      wallMs: measured.map((m) => m.ms),
      dbMs,
      warmupMs: warm.ms,
      hops: await hopLatencies(
        stack.rt,
        measured.map((m) => m.id),
      ),
    };
  } finally {
    await stack.close();
  }
}

export interface ManyResult {
  readonly dags: number;
  readonly tasksPerDag: number;
  readonly workers: number;
  readonly wallMs: number;
  readonly triggerMs: number;
  readonly lags: Array<{ ms: number; root: boolean }>;
  readonly warmupMs: number;
}

/** 3. `dags` DAGs of `tasksPerDag` linear no-op tasks, all triggered at once (after a warm-up round). */
export async function manyDags(kind: BackendKind, dags: number, tasksPerDag: number, workers = 2): Promise<ManyResult> {
  const work = workdir(`${kind}-many-${workers}`);
  const ids = Array.from({ length: dags }, (_, i) => `bench_lin_${String(i).padStart(3, '0')}`);
  for (const id of ids) work.write(`${id}.ts`, chainDag(id, tasksPerDag));
  const stack = await openStack(kind, `many${workers}`, work, { workers });
  try {
    const round = async () => {
      const t0 = performance.now();
      const runIds: number[] = [];
      for (const id of ids) runIds.push((await triggerDag(stack.rt, id, { runId: runId() })).id);
      const triggerMs = since(t0);
      await waitForRuns(stack.rt, runIds, 150_000);
      return { runIds, triggerMs, wallMs: since(t0) };
    };
    const warm = await round();
    const r = await round();
    return {
      dags,
      tasksPerDag,
      workers,
      wallMs: r.wallMs,
      triggerMs: r.triggerMs,
      lags: await taskLags(stack.rt, r.runIds),
      warmupMs: warm.wallMs,
    };
  } finally {
    await stack.close();
  }
}

export interface FanOutResult {
  readonly leaves: number;
  readonly maxActiveTasks: number | undefined;
  readonly wallMs: number[];
  /** Per run: leaves per second between the root's end and the last leaf's end (excludes loading the file). */
  readonly tasksPerSec: number[];
  /** Machine-wide CPU use while the runs ran. */
  readonly cpu: CpuShare | undefined;
}

/** 5. One root task fanning out to `leaves` no-op tasks, run `runs` times one after another. */
export async function fanOut(
  kind: BackendKind,
  leaves: number,
  maxActiveTasks: number | undefined,
  runs: number,
): Promise<FanOutResult> {
  const work = workdir(`${kind}-fanout`);
  const dagId = `bench_fanout_${leaves}`;
  work.write(`${dagId}.ts`, fanOutDag(dagId, leaves, maxActiveTasks));
  const stack = await openStack(kind, 'fanout', work);
  try {
    const wallMs: number[] = [];
    const tasksPerSec: number[] = [];
    const c0 = cpuSnapshot();
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const { id } = await triggerDag(stack.rt, dagId, { runId: runId() });
      await waitForRuns(stack.rt, [id], 150_000);
      wallMs.push(since(t0));
      tasksPerSec.push(await fanOutRate(stack.rt, id));
    }
    return { leaves, maxActiveTasks, wallMs, tasksPerSec, cpu: cpuShare(c0, cpuSnapshot()) };
  } finally {
    await stack.close();
  }
}

export interface ParseResult {
  readonly files: number;
  /** One per fresh stack (cold parser processes, empty database). */
  readonly coldMs: number[];
  /** Sum over files of the import time inside the parser processes (sluice.dag_file.parse_ms), per cold sync. */
  readonly importMs: number[];
  readonly unchangedMs: number[];
  readonly changedMs: number[];
}

/** 6. `colds` times, on a fresh stack: a cold sync of `files` DAG files, then re-syncs after rewriting one file. */
export async function parseFiles(kind: BackendKind, files: number, edits: number, colds: number): Promise<ParseResult> {
  const out = {
    files,
    coldMs: [] as number[],
    importMs: [] as number[],
    unchangedMs: [] as number[],
    changedMs: [] as number[],
  };
  for (let i = 0; i < colds; i++) {
    const r = await parseOnce(kind, files, edits);
    out.coldMs.push(r.coldMs);
    out.importMs.push(r.importMs);
    out.unchangedMs.push(r.unchangedMs);
    out.changedMs.push(...r.changedMs);
  }
  return out;
}

async function parseOnce(kind: BackendKind, files: number, edits: number) {
  const work = workdir(`${kind}-parse`);
  const ids = Array.from({ length: files }, (_, i) => `bench_parse_${String(i).padStart(4, '0')}`);
  const paths = ids.map((id) => work.write(`${id.slice(-2)}/${id}.ts`, chainDag(id, 3)));
  const stack = await openStack(kind, 'parse', work, { services: false, parseProcesses: 2 });
  try {
    let t0 = performance.now();
    const cold = await stack.files.sync();
    const coldMs = since(t0);
    if (cold.parsed !== files || cold.errors)
      throw new Error(`cold sync parsed ${cold.parsed}/${files} file(s) with ${cold.errors} error(s)`);
    const imp = await stack.rt.db.query<{ ms: number }>(
      `SELECT coalesce(sum(parse_ms), 0)::float8 AS ms FROM sluice.dag_file`,
    );
    t0 = performance.now();
    await stack.files.sync();
    const unchangedMs = since(t0);
    const changedMs: number[] = [];
    for (let i = 0; i < edits; i++) {
      const k = (i * 37) % files;
      stack.work.write(
        paths[k].slice(stack.work.dags.length + 1),
        chainDag(ids[k], 3, `\n  description: 'edit ${i}',`),
      );
      t0 = performance.now();
      const s = await stack.files.sync();
      changedMs.push(since(t0));
      if (s.parsed !== 1 || s.errors)
        throw new Error(`sync after one edit parsed ${s.parsed} file(s) with ${s.errors} error(s)`);
    }
    return { files, coldMs, importMs: imp.rows[0].ms, unchangedMs, changedMs };
  } finally {
    await stack.close();
  }
}

/** The server version of the real Postgres used (for the report). */
export async function serverVersion(): Promise<string> {
  return withAdminClient(ADMIN_URL, async (c) => {
    const r = await c.query<{ v: string; sc: string }>(
      `SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc`,
    );
    return `PostgreSQL ${r.rows[0].v.split(' ')[0]}, synchronous_commit ${r.rows[0].sc}`;
  });
}
