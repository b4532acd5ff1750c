/**
 * The "what limits it" notes under the scheduler table. The round-trip counts come from reading
 * src/scheduler/complete-try.ts, advance-run.ts, src/state/task-instances.ts and
 * src/dagfiles/dag-file-processor.ts (no-op tasks: no return value, no log); every figure quoted
 * is the one measured in this run.
 */
import type { BackendResults } from '../scheduler';
import { fmtMs, median, percentile, sum } from './stats';

/** Sequential round trips between a task's end and its downstream task's start. */
export const HOP_TRIPS = 4;
/** Round trips per fan-out leaf: its completion transaction (4) and its claim (1). */
export const LEAF_TRIPS = 5;
/** Statements that store a whole sync's parse results, whatever the number of files (one transaction). */
export const STORE_STATEMENTS = 5;

const us = (x: number) => `${Math.round(x)} µs`;

export function whatLimitsIt(pg: BackendResults, emb: BackendResults): string {
  const out: string[] = [];
  const rt = pg.rt.ok ? pg.rt.value.usPerTrip : NaN;
  const rtEmb = emb.rt.ok ? emb.rt.value.usPerTrip : NaN;

  if (pg.chain.ok) {
    const p50 = percentile(pg.chain.value.hops, 50);
    out.push(
      `**Round trips per hop.** When a no-op task ends, \`completeTry\` (src/scheduler/complete-try.ts) runs one transaction under the run's row lock ` +
        'in three round trips: `BEGIN` and the lock (`SELECT … FOR UPDATE`) sent together; `endTry` (src/state/task-instances.ts), one statement that ' +
        'ends the try guarded by worker and try number, writes its history row, log tail and return value and reads the states of the downstream tasks ' +
        'and their upstreams; and one statement batch from `advanceRun` (advance-run.ts) with the downstream update to `scheduled`, the queueing ' +
        '(`queueScheduled`) and the `COMMIT`. A run that just made a task ready cannot be finished, so no open-task check is needed on that path. ' +
        `The executor, woken in-process, then claims the task with \`claimTasks\` (one \`UPDATE … RETURNING\`): **${HOP_TRIPS} sequential round trips per hop**, ` +
        "two of them commits that wait for a WAL flush (the limit row's temp-table updates write no WAL, so they wait for none). Before commit 6a6ed3f " +
        'a hop took 9 (separate `BEGIN`, lock, finish, read, update, queue, count, `COMMIT`, claim). The `pg_notify` is not awaited. ' +
        `At ${us(rt)} per round trip on this Postgres that is ${fmtMs((HOP_TRIPS * rt) / 1000)}; the measured hop p50 is ${fmtMs(p50)} ` +
        `(≈ ${(p50 / (rt / 1000)).toFixed(1)} round trips' worth), the rest being the two commits' WAL flushes, the IPC to the worker process and Node work. ` +
        `The chain of ${pg.chain.value.tasks} is ${pg.chain.value.tasks - 1} such hops plus the trigger (\`triggerDag\`: find the DAG, insert the run and its tasks, ` +
        'start it and queue the first task), so it scales with the hop cost, i.e. with round trips. ' +
        'What the fault hardening of issue 9 added to a hop costs no round trip: the per-DAG advisory lock that keeps max_active_tasks across ' +
        'schedulers is one more statement in the `advanceRun` batch, and per try the worker writes an end mark to stdout and stderr (read before ' +
        "the try is recorded), empties its slot's temp folder and renews a lease timer. Measured interleaved against the commit before it " +
        '(f7c0b1a) on this machine, 3 × 8 chains of 40: chain 254–288 ms against 256–274 ms, hop p50 2.8–3.2 ms against 2.9–3.2 ms, ' +
        "a task's claim-to-completion +0.3 ms (a first version with a temp folder per try cost ~2 ms per task and was replaced). " +
        'The restructuring of issue 10 (platform SQL moved into src/state, named statement batches, one withTransaction, jobs built ' +
        'from the claimed row) sends the same statements in the same round trips. Measured interleaved against the commit before it ' +
        '(f09afb1) on this machine, which was slower that day (a round trip 400–480 µs): two full runs of this suite each, chain of 40 ' +
        'on Postgres 287 and 232 ms before against 416 and 298 ms after, embedded 457 and 456 ms against 355 and 315 ms; then 3 × 8 ' +
        'chains each, alternating: Postgres 279–330 ms against 270–337 ms, hop p50 3.2–3.7 ms against 3.1–3.7 ms; embedded 346–438 ms ' +
        'against 348–434 ms, hop p50 4–5 ms on both.',
    );
  }

  if (pg.fan.ok) {
    const ceiling = 1e6 / (LEAF_TRIPS * rt);
    const rate = median(pg.fan.value.tasksPerSec);
    const cpu = pg.fan.value.cpu;
    out.push(
      `**Fan-out.** A leaf has no downstream task, so its completion is ${LEAF_TRIPS - 1} round trips (\`BEGIN\` with the lock, \`endTry\`, one batch with ` +
        "`queueScheduled` for the freed max_active_tasks slot and the run's open-task check, then `COMMIT`) " +
        `plus its claim: ${LEAF_TRIPS} per task, a ceiling of about ${Math.round(ceiling)} tasks/s on one connection at ${us(rt)}. Measured: ` +
        `${Math.round(rate)} tasks/s on Postgres (${((rate / ceiling) * 100).toFixed(0)} % of that ceiling). ` +
        'Completions of one run serialise on its row lock, and the 2 cores are shared by the benchmark process (executor, pg driver), the 2 worker processes ' +
        'and the Postgres backends' +
        (cpu
          ? ` (machine-wide during the fan-out runs: CPU ${Math.round(cpu.busy * 100)} % busy, ${Math.round(cpu.iowait * 100)} % waiting for I/O, most likely commit flushes)`
          : '') +
        '. The open-task check is one probe of a partial index on unfinished task instances (migration 002), where it used to count all of ' +
        "the run's task instances at every completion (O(n²) rows over a fan-out of n).",
    );
  }

  if (pg.fanDefault.ok || emb.fanDefault.ok) {
    const pairs = (
      [
        ['Postgres', pg],
        ['embedded', emb],
      ] as const
    ).flatMap(([label, b]) =>
      b.fanDefault.ok
        ? [
            {
              label,
              rate: median(b.fanDefault.value.tasksPerSec),
              full: b.fan.ok ? median(b.fan.value.tasksPerSec) : NaN,
            },
          ]
        : [],
    );
    const rates = pairs.map((p) => `${Math.round(p.rate)} tasks/s on ${p.label}`).join(' and ');
    const inLine = pairs.every((p) => p.rate >= p.full / 2);
    out.push(
      `**Fan-out beyond max_active_tasks** (the default 16) runs at ${rates}, ` +
        (inLine
          ? 'in line with the fan-out that sets max_active_tasks to 1,000'
          : 'well below the fan-out that sets max_active_tasks to 1,000') +
        ': a completion always calls `queueScheduled` for the slot it frees (src/scheduler/advance-run.ts, since commit 4ecbacc). Before that commit, ' +
        '`advanceRun` queued only when it had just made tasks `scheduled`, so a finishing leaf queued nothing and the rest waited for the 1 s ' +
        'scheduler tick, 16 at a time: the first run of this benchmark measured 17 tasks/s on both backends for this row.',
    );
  }

  if (pg.many.ok) {
    const m = pg.many.value;
    const all = m.lags.map((x) => x.ms);
    const roots = sum(m.lags.filter((x) => x.root).map((x) => x.ms));
    const downstream = m.lags.filter((x) => !x.root).length;
    const hopP50 = pg.chain.ok ? percentile(pg.chain.value.hops, 50) : NaN;
    out.push(
      `**Total task lag.** ${m.dags} runs are triggered within ${fmtMs(m.triggerMs)} and 2 workers run them, so most of the ${fmtMs(sum(all))} is tasks waiting for a free ` +
        `worker, not scheduling work: the per-task median is ${fmtMs(median(all))} but the mean ${fmtMs(sum(all) / all.length)}, and the ${m.dags} root tasks ` +
        `account for ${fmtMs(roots)} of it. Tasks are claimed in task-instance id order (every priority_weight is 1), so the first runs' downstream tasks ` +
        `go before the last runs' roots, and the trigger loop itself took ${fmtMs(m.triggerMs)} (${fmtMs(m.triggerMs / m.dags)} per \`triggerDag\`) while the ` +
        `executor was already working. Why ≤ 1 s is out of reach here whatever the executor does: with all ${m.dags} runs in flight, each always ` +
        'has one task ready or running until it ends, so the total lag is about (runs waiting for a task to start) × (wall time). For the sum over ' +
        `${all.length} tasks to stay under 1 s, the whole batch would have to finish in roughly 10 ms of wall time — about 10 µs per task, while one ` +
        `round trip alone costs ${us(rt)} here and every task start and end is a durable commit. Even with a free worker for every task, the ` +
        `${downstream} downstream tasks each pay one hop (p50 ${fmtMs(hopP50)} in the chain, more when 100 runs compete for 2 cores), about ` +
        `${fmtMs(downstream * hopP50)} in total. What would move it: more cores and workers (the 100 runs then overlap instead of queueing), and fewer ` +
        'commits per task (claim and start in the completion transaction of the upstream task, as a later step).' +
        (pg.manyWide.ok
          ? ` With ${pg.manyWide.value.workers} worker processes the same batch totals ${fmtMs(sum(pg.manyWide.value.lags.map((x) => x.ms)))} ` +
            `(roots ${fmtMs(sum(pg.manyWide.value.lags.filter((x) => x.root).map((x) => x.ms)))}): roots no longer wait for a worker, and what is left is ` +
            `${pg.manyWide.value.lags.filter((x) => !x.root).length} hops made while the trigger loop and 100 runs share the 2 cores. How the runs arrive ` +
            'matters as much as the scheduler: triggered all at once (in parallel) instead, the total rose far higher in a separate trial, ' +
            'because then every root waits at the same instant.'
          : ''),
    );
  }

  if (pg.parse.ok) {
    const p = pg.parse.value;
    const importMs = median(p.importMs);
    out.push(
      `**Parsing.** A cold sync starts 2 parser processes (tsx) and imports every file (${fmtMs(importMs)} of import time summed over both processes); ` +
        `then one transaction stores all results with ${STORE_STATEMENTS} statements whatever the number of files (src/dagfiles/store-results.ts: import errors ` +
        'replaced, events, DAGs and versions upserted from one JSON array, vanished DAGs deactivated, file rows refreshed). Before commit 6a6ed3f this was ' +
        `7 round trips per file, ≈ ${fmtMs((p.files * 7 * rt) / 1000)} for ${p.files.toLocaleString('en-US')} files at ${us(rt)}, which pushed the embedded ` +
        'database (slower round trips) over the 5 s target. Parsing and storing still do not overlap. A re-sync after one edit walks and stats every ' +
        `file and reads every \`sluice.dag_file\` row before parsing the one changed file; a sync with nothing changed already costs ${fmtMs(median(p.unchangedMs))}, ` +
        'the floor for the one-file case.',
    );
  }

  if (emb.rt.ok) {
    out.push(
      `**Embedded.** PGlite (Postgres compiled to WASM, in the benchmark process) serves one connection through pglite-socket on loopback: ` +
        `a round trip costs ${us(rtEmb)} against ${us(rt)} on the real Postgres, and everything — executor claims and completions, the scheduler tick, ` +
        "the benchmark's own checks — queues on that one connection and shares the event loop with the executor.",
    );
  }
  return out.join('\n\n');
}
