/**
 * Scheduler benchmark (`npm run bench -- scheduler`): the latency and throughput targets,
 * measured on a real Postgres and on the embedded PGlite database, each scenario on a fresh database.
 * Prints a table and rewrites the "Scheduler" section of docs/benchmarks.md.
 */
import os from 'node:os';
import { machineLine, markdownTable, printTable, writeSection } from './lib/report';
import * as s from './lib/scheduler-scenarios';
import type { BackendKind } from './lib/stack';
import { fmtMs, mean, median, percentile, since, sum } from './lib/stats';
import { whatLimitsIt } from './lib/scheduler-notes';

export const SIZES = {
  roundTrips: 2000,
  chainTasks: 40,
  chainRuns: 5,
  dags: 100,
  tasksPerDag: 10,
  /** Worker processes for the second many-DAGs row. */
  wideWorkers: 8,
  fanOut: 1000,
  /** Fan-out run with the DAG's default max_active_tasks (16), smaller: it is tick-bound. */
  fanOutRuns: 3,
  fanOutDefaultLimit: 200,
  parseFiles: 1000,
  /** Cold syncs, each on a fresh database with new parser processes. */
  parseColds: 2,
  /** One-file edits after each cold sync. */
  parseEdits: 3,
} as const;

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface BackendResults {
  readonly kind: BackendKind;
  readonly rt: Outcome<s.RoundTrip>;
  readonly chain: Outcome<s.ChainResult>;
  readonly many: Outcome<s.ManyResult>;
  /** The same with more worker processes than cores: no-op tasks mostly wait on Postgres. */
  readonly manyWide: Outcome<s.ManyResult>;
  readonly fan: Outcome<s.FanOutResult>;
  readonly fanDefault: Outcome<s.FanOutResult>;
  readonly parse: Outcome<s.ParseResult>;
  readonly totalMs: number;
}

async function attempt<T>(label: string, fn: () => Promise<T>): Promise<Outcome<T>> {
  const t0 = performance.now();
  process.stderr.write(`  ${label} ... `);
  try {
    const value = await fn();
    process.stderr.write(`done in ${fmtMs(since(t0))}\n`);
    return { ok: true, value };
  } catch (e) {
    const error = (e as Error).message.split('\n')[0];
    process.stderr.write(`FAILED: ${error}\n`);
    return { ok: false, error };
  }
}

function manyCell(o: Outcome<s.ManyResult>): { text: string; pass?: boolean } {
  if (!o.ok) return { text: `error: ${o.error}` };
  const m = o.value;
  const all = m.lags.map((x) => x.ms);
  const roots = sum(m.lags.filter((x) => x.root).map((x) => x.ms));
  return {
    text:
      `${fmtMs(sum(all))} (roots ${fmtMs(roots)}, downstream ${fmtMs(sum(all) - roots)}; per task mean ${fmtMs(mean(all))}, median ${fmtMs(median(all))}); ` +
      `wall ${fmtMs(m.wallMs)}, of which triggering ${fmtMs(m.triggerMs)}`,
    pass: sum(all) <= 1000,
  };
}

async function runBackend(kind: BackendKind): Promise<BackendResults> {
  process.stderr.write(`${kind === 'postgres' ? 'real Postgres' : 'embedded PGlite'}:\n`);
  const t0 = performance.now();
  const z = SIZES;
  // Scenarios run one after another: PGlite serves one connection, and they must not compete for the 2 cores.
  const rt = await attempt('round trips', () => s.roundTrips(kind, z.roundTrips));
  const chain = await attempt(`chain of ${z.chainTasks}`, () => s.chain(kind, z.chainTasks, z.chainRuns));
  const many = await attempt(`${z.dags} DAGs x ${z.tasksPerDag} tasks`, () => s.manyDags(kind, z.dags, z.tasksPerDag));
  const manyWide = await attempt(`${z.dags} DAGs x ${z.tasksPerDag} tasks, ${z.wideWorkers} workers`, () =>
    s.manyDags(kind, z.dags, z.tasksPerDag, z.wideWorkers),
  );
  const fan = await attempt(`fan-out 1 -> ${z.fanOut}`, () => s.fanOut(kind, z.fanOut, z.fanOut, z.fanOutRuns));
  const fanDefault = await attempt(`fan-out 1 -> ${z.fanOutDefaultLimit}, default max_active_tasks`, () =>
    s.fanOut(kind, z.fanOutDefaultLimit, undefined, 1),
  );
  const parse = await attempt(`parse ${z.parseFiles} files`, () =>
    s.parseFiles(kind, z.parseFiles, z.parseEdits, z.parseColds),
  );
  return { kind, rt, chain, many, manyWide, fan, fanDefault, parse, totalMs: since(t0) };
}

interface Row {
  readonly scenario: string;
  readonly target: string;
  /** Figure per backend, and whether it meets the target (undefined: no target). */
  readonly cell: (b: BackendResults) => { text: string; pass?: boolean };
}

const err = (o: { ok: false; error: string }) => ({ text: `error: ${o.error}` });
const us = (x: number) => `${Math.round(x)} µs`;
const n0 = (x: number) => Math.round(x).toLocaleString('en-US');

function rows(): Row[] {
  const z = SIZES;
  const hops = (b: BackendResults) => (b.chain.ok ? b.chain.value.hops : []);
  const limitPerSec = (b: BackendResults) => (b.rt.ok ? 1e6 / b.rt.value.usPerTrip : NaN);
  const fanCell = (o: Outcome<s.FanOutResult>, b: BackendResults) => {
    if (!o.ok) return err(o);
    const v = o.value;
    const rate = median(v.tasksPerSec);
    const range =
      v.tasksPerSec.length > 1 ? `; runs ${n0(Math.min(...v.tasksPerSec))}–${n0(Math.max(...v.tasksPerSec))}` : '';
    const wall = v.wallMs.length > 1 ? `median wall ${fmtMs(median(v.wallMs))}` : `wall ${fmtMs(v.wallMs[0])}`;
    return {
      text: `${n0(rate)} tasks/s = ${((rate / limitPerSec(b)) * 100).toFixed(1)} % of the round-trip limit (${wall}${range})`,
    };
  };
  return [
    {
      scenario: `Round trip, the limit: ${n0(z.roundTrips)} sequential \`UPDATE … RETURNING\` on one connection`,
      target: 'reference',
      cell: (b) =>
        b.rt.ok ? { text: `${us(b.rt.value.usPerTrip)} per round trip (${n0(limitPerSec(b))}/s)` } : err(b.rt),
    },
    {
      scenario: `Chain of ${z.chainTasks} no-op tasks: trigger → last task success (median of ${z.chainRuns}, after 1 warm-up run)`,
      target: '≤ 0.4 s',
      cell: (b) => {
        if (!b.chain.ok) return err(b.chain);
        const c = b.chain.value;
        const m = median(c.wallMs);
        return {
          text: `${fmtMs(m)} (in the DB: ${fmtMs(median(c.dbMs))}; runs ${fmtMs(Math.min(...c.wallMs))}–${fmtMs(Math.max(...c.wallMs))}; warm-up ${fmtMs(c.warmupMs)})`,
          pass: m <= 400,
        };
      },
    },
    {
      scenario: `${z.dags} DAGs × ${z.tasksPerDag} linear no-op tasks, triggered one after another as fast as \`triggerDag\` returns: total task lag (after 1 warm-up round; 2 worker processes)`,
      target: '≤ 1 s total',
      cell: (b) => manyCell(b.many),
    },
    {
      scenario: `The same with ${z.wideWorkers} worker processes (more than the 2 cores: a no-op task mostly waits on Postgres)`,
      target: '≤ 1 s total',
      cell: (b) => manyCell(b.manyWide),
    },
    {
      scenario: `Hop upstream success → downstream start, p50 (${z.chainRuns} chain runs)`,
      target: '≤ 5 ms',
      cell: (b) =>
        b.chain.ok
          ? { text: `${fmtMs(percentile(hops(b), 50))} (${hops(b).length} hops)`, pass: percentile(hops(b), 50) <= 5 }
          : err(b.chain),
    },
    {
      scenario: 'Hop upstream success → downstream start, p95',
      target: '≤ 20 ms',
      cell: (b) =>
        b.chain.ok
          ? {
              text: `${fmtMs(percentile(hops(b), 95))} (max ${fmtMs(Math.max(...hops(b)))})`,
              pass: percentile(hops(b), 95) <= 20,
            }
          : err(b.chain),
    },
    {
      scenario: `Fan-out 1 → ${n0(z.fanOut)} no-op tasks (DAG max_active_tasks ${n0(z.fanOut)}): leaves/s from root end to last leaf end, median of ${z.fanOutRuns} runs`,
      target: 'tasks/s and ratio to the limit',
      cell: (b) => fanCell(b.fan, b),
    },
    {
      scenario: `Fan-out 1 → ${z.fanOutDefaultLimit} no-op tasks with the default max_active_tasks (16)`,
      target: 'tasks/s (diagnostic)',
      cell: (b) => fanCell(b.fanDefault, b),
    },
    {
      scenario: `Parse ${n0(z.parseFiles)} generated DAG files: cold \`files.sync()\` (SLUICE_PARSE_PROCESSES=2; ${z.parseColds} fresh databases, median)`,
      target: '≤ 5 s',
      cell: (b) => {
        if (!b.parse.ok) return err(b.parse);
        const p = b.parse.value;
        return {
          text: `${fmtMs(median(p.coldMs))} (runs ${p.coldMs.map(fmtMs).join(', ')}; import time in the parser processes, summed: ${p.importMs.map(fmtMs).join(', ')})`,
          pass: median(p.coldMs) <= 5000,
        };
      },
    },
    {
      scenario: `Re-sync after rewriting one file (median of ${z.parseColds * z.parseEdits} edits)`,
      target: '≤ 50 ms',
      cell: (b) => {
        if (!b.parse.ok) return err(b.parse);
        const p = b.parse.value;
        return {
          text: `${fmtMs(median(p.changedMs))} (max ${fmtMs(Math.max(...p.changedMs))}; a sync with nothing changed: ${fmtMs(median(p.unchangedMs))})`,
          pass: median(p.changedMs) <= 50,
        };
      },
    },
  ];
}

const verdict = (p: boolean | undefined) => (p === undefined ? '—' : p ? 'pass' : 'FAIL');

export async function runSchedulerBench(): Promise<void> {
  const t0 = performance.now();
  const load0 = os.loadavg()[0];
  const results: BackendResults[] = [];
  for (const kind of ['postgres', 'embedded'] as const) results.push(await runBackend(kind));
  const [pg, emb] = results;
  const head = ['Scenario', 'Target', 'Real Postgres', 'Embedded (PGlite)', 'Pass (PG / emb.)'];
  const table = rows().map((r) => {
    const a = r.cell(pg);
    const b = r.cell(emb);
    const pass = a.pass === undefined && b.pass === undefined ? '—' : `${verdict(a.pass)} / ${verdict(b.pass)}`;
    return [r.scenario, r.target, a.text, b.text, pass];
  });
  printTable(head, table);
  const body = [
    machineLine(
      `Postgres on 127.0.0.1 (${await s.serverVersion()}), executor with 2 worker processes, scheduler tick 1 s, executor poll 10 s (woken by events)`,
    ),
    `Command: \`npm run bench -- scheduler\` (took ${fmtMs(since(t0))}: Postgres ${fmtMs(pg.totalMs)}, embedded ${fmtMs(emb.totalMs)}). ` +
      'Every scenario runs on a fresh database (a new Postgres database, or a new embedded home) with generated DAG files of no-op tasks; ' +
      `both backends use the same sizes. The 1-minute load average was ${load0.toFixed(2)} at the start and ${os.loadavg()[0].toFixed(2)} at the end ` +
      '(the benchmark does not stop other processes on the machine). Latencies come from `sluice.task_instance` timestamps (`start_date` is set by the claim, ' +
      "`end_date` at the start of the completion transaction) and from the benchmark process's clock for wall times.",
    markdownTable(head, table),
    '### What limits it',
    whatLimitsIt(pg, emb),
  ].join('\n\n');
  writeSection('Scheduler', body);
  process.stdout.write(`\nwrote the Scheduler section of docs/benchmarks.md\n`);
}
