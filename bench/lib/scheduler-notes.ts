/**
 * The "what limits it" notes under the scheduler table. The round-trip counts come from reading
 * src/scheduler/complete-try.ts, advance-run.ts, src/state/task-instances.ts and
 * src/dagfiles/dag-file-processor.ts (no-op tasks: no return value, no log); every figure quoted
 * is the one measured in this run.
 */
import type { BackendResults } from '../scheduler';
import { fmtMs, median, percentile, sum } from './stats';

/** Sequential round trips between a task's end and its downstream task's start. */
export const HOP_TRIPS = 9;
/** Round trips per fan-out leaf: its completion transaction (6) and its claim (1). */
export const LEAF_TRIPS = 7;
/** Round trips per stored DAG file in a sync (all files of a sync share one transaction). */
export const STORE_TRIPS = 7;

const us = (x: number) => `${Math.round(x)} µs`;

export function whatLimitsIt(pg: BackendResults, emb: BackendResults): string {
  const out: string[] = [];
  const rt = pg.rt.ok ? pg.rt.value.usPerTrip : NaN;
  const rtEmb = emb.rt.ok ? emb.rt.value.usPerTrip : NaN;

  if (pg.chain.ok) {
    const p50 = percentile(pg.chain.value.hops, 50);
    out.push(
      `**Round trips per hop.** When a no-op task ends, \`completeTry\` (src/scheduler/complete-try.ts) runs one transaction under the run's row lock: ` +
      '`BEGIN`, `lockRun` (`SELECT … FOR UPDATE`), `finishTry` (`UPDATE … INSERT task_try`), then `advanceRun` (advance-run.ts): one `SELECT` of the ' +
      'downstream task and its upstreams, one `UPDATE` to `scheduled`, `queueScheduled` (one `UPDATE` to `queued`), `finishRunIfDone` (one `SELECT count(*)` ' +
      'over the run\'s task instances), `COMMIT` — 8 round trips; the executor, woken in-process, then claims the task with `claimTasks` ' +
      `(one \`UPDATE … RETURNING\`): **${HOP_TRIPS} sequential round trips per hop**, two of them commits that wait for a WAL flush (the limit row's ` +
      'temp-table updates write no WAL, so they wait for none). The `pg_notify` is not awaited; ' +
      'the run\'s last completion has nothing to load, mark or claim but ends the run (`UPDATE dag_run`, the event `INSERT`, the previous-run `SELECT`). ' +
      `At ${us(rt)} per round trip on this Postgres that is ${fmtMs((HOP_TRIPS * rt) / 1000)}; the measured hop p50 is ${fmtMs(p50)} ` +
      `(≈ ${(p50 / (rt / 1000)).toFixed(1)} round trips' worth), the rest being the IPC to the worker process and Node work. ` +
      `The chain of ${pg.chain.value.tasks} is ${pg.chain.value.tasks - 1} such hops plus the trigger (\`triggerDag\`: find the DAG, insert the run and its tasks, ` +
      'start it and queue the first task), so it scales with the hop cost, i.e. with round trips.',
    );
  }

  if (pg.fan.ok) {
    const ceiling = 1e6 / (LEAF_TRIPS * rt);
    const rate = median(pg.fan.value.tasksPerSec);
    const cpu = pg.fan.value.cpu;
    out.push(
      `**Fan-out.** A leaf has no downstream task, so its completion is ${LEAF_TRIPS - 1} round trips (\`BEGIN\`, lock, \`finishTry\`, \`queueScheduled\` for the freed ` +
      'max_active_tasks slot, the run\'s count, `COMMIT`) ' +
      `plus its claim: ${LEAF_TRIPS} per task, a ceiling of about ${Math.round(ceiling)} tasks/s on one connection at ${us(rt)}. Measured: ` +
      `${Math.round(rate)} tasks/s on Postgres (${((rate / ceiling) * 100).toFixed(0)} % of that ceiling). ` +
      'Completions of one run serialise on its row lock, and the 2 cores are shared by the benchmark process (executor, pg driver), the 2 worker processes ' +
      'and the Postgres backends' +
      (cpu ? ` (machine-wide during the fan-out runs: CPU ${Math.round(cpu.busy * 100)} % busy, ${Math.round(cpu.iowait * 100)} % waiting for I/O, most likely commit flushes)` : '') +
      '. ' +
      '`finishRunIfDone` also counts all of the run\'s task instances at every completion (O(n²) rows over a fan-out of n; small at 1,000).',
    );
  }

  if (pg.fanDefault.ok || emb.fanDefault.ok) {
    const pairs = ([['Postgres', pg], ['embedded', emb]] as const).flatMap(([label, b]) =>
      (b.fanDefault.ok ? [{ label, rate: median(b.fanDefault.value.tasksPerSec), full: b.fan.ok ? median(b.fan.value.tasksPerSec) : NaN }] : []));
    const rates = pairs.map((p) => `${Math.round(p.rate)} tasks/s on ${p.label}`).join(' and ');
    const inLine = pairs.every((p) => p.rate >= p.full / 2);
    out.push(
      `**Fan-out beyond max_active_tasks** (the default 16) runs at ${rates}, ` +
      (inLine ? 'in line with the fan-out that sets max_active_tasks to 1,000' : 'well below the fan-out that sets max_active_tasks to 1,000') +
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
      `**Total task lag.** ${m.dags} runs become ready at once and 2 workers run them, so most of the ${fmtMs(sum(all))} is tasks waiting for a free ` +
      `worker, not scheduling work: the per-task median is ${fmtMs(median(all))} but the mean ${fmtMs(sum(all) / all.length)}, and the ${m.dags} root tasks ` +
      `account for ${fmtMs(roots)} of it. Tasks are claimed in task-instance id order (every priority_weight is 1), so the first runs' downstream tasks ` +
      `go before the last runs' roots, and the trigger loop itself took ${fmtMs(m.triggerMs)} (${fmtMs(m.triggerMs / m.dags)} per \`triggerDag\`) while the ` +
      `executor was already working. The ≤ 1 s target is out of reach at the current hop cost, not only because of the 2 workers: even with a free worker for every task, ` +
      `the ${downstream} downstream tasks each pay one hop (p50 ${fmtMs(hopP50)}), about ${fmtMs(downstream * hopP50)} in total.`,
    );
  }

  if (pg.parse.ok) {
    const p = pg.parse.value;
    const importMs = median(p.importMs);
    out.push(
      `**Parsing.** A cold sync starts 2 parser processes (tsx), imports every file (${fmtMs(importMs)} of import time summed over both processes), ` +
      'and only then stores the results, one file after another in a single transaction (dag-file-processor.ts `store`: `SELECT` and `DELETE` ' +
      'import errors, `upsertDag`\'s `INSERT dag`, `INSERT dag_version`, `UPDATE dag`, `deactivateMissing`, `INSERT dag_file`): ' +
      `${STORE_TRIPS} sequential round trips per file, ≈ ${fmtMs((p.files * STORE_TRIPS * rt) / 1000)} for ${p.files.toLocaleString('en-US')} files at ${us(rt)} ` +
      '(and one commit for the whole batch). ' +
      'Parsing and storing do not overlap. A re-sync after one edit walks and stats every file and reads every `sluice.dag_file` row before parsing ' +
      `the one changed file; a sync with nothing changed already costs ${fmtMs(median(p.unchangedMs))}, the floor for the one-file case.`,
    );
  }

  if (emb.rt.ok) {
    out.push(
      `**Embedded.** PGlite (Postgres compiled to WASM, in the benchmark process) serves one connection through pglite-socket on loopback: ` +
      `a round trip costs ${us(rtEmb)} against ${us(rt)} on the real Postgres, and everything — executor claims and completions, the scheduler tick, ` +
      'the benchmark\'s own checks — queues on that one connection and shares the event loop with the executor.',
    );
  }
  return out.join('\n\n');
}
