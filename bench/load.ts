/**
 * Load benchmark (`npm run bench -- load`): the bulk-load targets on a real Postgres, in a
 * scratch database dropped at the end. A landed CSV object into raw through Sluice vs `psql \copy`,
 * the loader's peak RSS on a 1 GB object, and HTTP API ingest into the lake. Prints a table and
 * rewrites the "Load" section of docs/benchmarks.md.
 */
import { mkdirSync, rmdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDatabase, dropDatabase } from '../src/db/databases';
import { migrate } from '../src/db/migrate';
import { localObjectStore } from '../src/lake/local-object-store';
import { landOrderLines } from './lib/load-data';
import { copyVsPsql, type CopyResult } from './lib/load-copy';
import { httpIngest, type HttpResult } from './lib/load-http';
import { freeBytes, serverFacts } from './lib/load-proc';
import { bigLoad, type RssResult } from './lib/load-rss';
import { loadRows, whatLimitsIt, type LoadResults, type Outcome } from './lib/load-notes';
import { machineLine, markdownTable, printTable, writeSection } from './lib/report';
import { ADMIN_URL } from './lib/stack';
import { fmtMs, since } from './lib/stats';

export const LOAD_SIZES = {
  copyRows: 1_000_000,
  copyReps: 5,
  /** Re-loads of the same day over its full partition, after the measured loads (diagnostic). */
  reloadReps: 3,
  /** ≈ 1.0 GB of CSV at ≈ 96 bytes a row. */
  bigRows: 10_400_000,
  httpRecords: 100_000,
  httpPageSize: 500,
  httpReps: 3,
} as const;

const WORK = path.resolve(__dirname, '.work', 'load');

async function attempt<T>(label: string, fn: (progress: (line: string) => void) => Promise<T>): Promise<Outcome<T>> {
  const t0 = performance.now();
  process.stderr.write(`  ${label}\n`);
  try {
    const value = await fn((line) => process.stderr.write(`    ${line}\n`));
    process.stderr.write(`  ${label}: done in ${fmtMs(since(t0))}\n`);
    return { ok: true, value };
  } catch (e) {
    const error = (e as Error).message.split('\n')[0];
    process.stderr.write(`  ${label}: FAILED: ${(e as Error).stack ?? error}\n`);
    return { ok: false, error };
  }
}

export async function runLoadBench(): Promise<void> {
  const t0 = performance.now();
  const load0 = os.loadavg()[0];
  const z = LOAD_SIZES;
  rmSync(WORK, { recursive: true, force: true });
  const lakeRoot = path.join(WORK, 'lake');
  const tmpDir = path.join(WORK, 'tmp');
  mkdirSync(lakeRoot, { recursive: true });
  mkdirSync(tmpDir, { recursive: true });
  const store = localObjectStore(lakeRoot);
  const facts = await serverFacts(ADMIN_URL);
  const freeAtStart = freeBytes(WORK);
  const dbName = `sluice_bench_load_${process.pid}`;
  const url = await createDatabase(ADMIN_URL, dbName, { replace: true });
  let results: LoadResults;
  try {
    await migrate(url);
    process.stderr.write(`real Postgres (${facts.version}), scratch database ${dbName}, lake ${lakeRoot}:\n`);
    const copy = await attempt<CopyResult & { rows: number; bytes: number; landMs: number }>(
      `${z.copyRows.toLocaleString('en-US')}-row CSV object → raw: Sluice vs psql \\copy, ${z.copyReps} each`,
      async (progress) => {
        const t = performance.now();
        const landed = await landOrderLines(store, tmpDir, 'orders', z.copyRows);
        const landMs = since(t);
        progress(
          `landed ${landed.rows.toLocaleString('en-US')} rows, ${(landed.bytes / 1e6).toFixed(1)} MB in ${fmtMs(landMs)}`,
        );
        const r = await copyVsPsql(
          { url, store, lakeRoot, key: landed.key, rows: landed.rows, reps: z.copyReps, reloadReps: z.reloadReps },
          progress,
        );
        return { ...r, rows: landed.rows, bytes: landed.bytes, landMs };
      },
    );
    const rss = await attempt<RssResult>(
      `peak RSS loading a ~1 GB object (${z.bigRows.toLocaleString('en-US')} rows) in a child process`,
      (progress) =>
        bigLoad({ url, store, lakeRoot, tmpDir, rows: z.bigRows, pgDataDir: facts.dataDirectory }, progress),
    );
    if (rss.ok && rss.value.skipped) process.stderr.write(`  SKIPPED: ${rss.value.skipped}\n`);
    const http = await attempt<HttpResult>(
      `HTTP API ingest of ${z.httpRecords.toLocaleString('en-US')} records, ${z.httpPageSize} per page`,
      (progress) =>
        httpIngest({ store, tmpDir, records: z.httpRecords, pageSize: z.httpPageSize, reps: z.httpReps }, progress),
    );
    results = { copy, rss, http, cores: os.cpus().length, server: facts };
  } finally {
    await dropDatabase(ADMIN_URL, dbName);
    rmSync(WORK, { recursive: true, force: true });
    // bench/.work itself too, unless another suite has work in it (rmdir removes empty folders only).
    try {
      rmdirSync(path.dirname(WORK));
    } catch {
      /* not empty, or already gone */
    }
  }

  const head = ['Scenario', 'Target', 'Measured', 'Pass'];
  const table = loadRows(results).map((r) => [
    r.scenario,
    r.target,
    r.text,
    r.pass === undefined ? '—' : r.pass ? 'pass' : 'FAIL',
  ]);
  printTable(head, table);
  const free =
    freeAtStart === undefined ? '' : `, ${(freeAtStart / 1e9).toFixed(0)} GB free on the benchmark's disk at the start`;
  const body = [
    machineLine(`Postgres on 127.0.0.1 (${facts.version}; ${facts.settings})${free}`),
    `Command: \`npm run bench -- load\` (took ${fmtMs(since(t0))}). All loads go into a scratch database created for the run and dropped at its end; ` +
      'the lake is a local object store (`localObjectStore`) under bench/.work/load/, on the same disk as Postgres. ' +
      `The 1-minute load average was ${load0.toFixed(2)} at the start and ${os.loadavg()[0].toFixed(2)} at the end (the benchmark does not stop other ` +
      "processes on the machine). MB is 10⁶ bytes of CSV as stored in the lake (header included); wall times are the benchmark process's clock, " +
      "CPU times come from /proc (a Postgres backend is sampled every 50 ms while it lives; psql's from our reaped children).",
    markdownTable(head, table),
    '### What limits it',
    whatLimitsIt(results),
  ].join('\n\n');
  writeSection('Load', body);
  process.stdout.write(`\nwrote the Load section of docs/benchmarks.md\n`);
  const failed = [results.copy, results.rss, results.http].filter((o) => !o.ok);
  if (failed.length)
    throw new Error(`${failed.length} load scenario(s) failed: ${failed.map((o) => (o.ok ? '' : o.error)).join('; ')}`);
}
