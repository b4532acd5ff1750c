/** The load benchmark's table rows and its "What limits it" notes, every figure from this run. */
import {
  BENCH_PARTITION,
  PSQL_TABLE,
  SLUICE_PARTITION,
  SLUICE_SIDE,
  SLUICE_TABLE,
  type CopyResult,
  type LoadRun,
  type StepKind,
} from './load-copy';
import { ORDER_LINE_COLUMNS } from './load-data';
import type { HttpResult, HttpRun } from './load-http';
import type { ServerFacts } from './load-proc';
import type { RssResult } from './load-rss';
import { fmtMs, median } from './stats';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface LoadResults {
  readonly copy: Outcome<CopyResult & { rows: number; bytes: number; landMs: number }>;
  readonly rss: Outcome<RssResult>;
  readonly http: Outcome<HttpResult>;
  readonly cores: number;
  readonly server: ServerFacts;
}

export interface LoadRow {
  readonly scenario: string;
  readonly target: string;
  readonly text: string;
  readonly pass?: boolean;
}

export const RSS_LIMIT = 256 * 2 ** 20;
export const COPY_RATIO = 0.9;

const n0 = (x: number) => Math.round(x).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pct = (x: number) => `${Math.round(x * 100)} %`;
const range = (ms: number[]) => (ms.length > 1 ? `; runs ${ms.map(secs).join(', ')}` : '');
const med = (runs: readonly { ms: number }[]) => median(runs.map((r) => r.ms));
const medOf = (runs: readonly LoadRun[], f: (r: LoadRun) => number | undefined) => {
  const xs = runs.map(f).filter((x): x is number => x !== undefined && Number.isFinite(x));
  return xs.length ? median(xs) : NaN;
};
const err = (o: { error: string }) => `error: ${o.error}`;

/** Throughput of one copy side: the median wall time, rows/s and MB/s. */
function rate(runs: LoadRun[], rows: number, bytes: number) {
  const ms = med(runs);
  return { ms, rowsPerSec: (rows * 1000) / ms, mbPerSec: bytes / 1e3 / ms };
}

export function loadRows(r: LoadResults): LoadRow[] {
  const out: LoadRow[] = [];
  const c = r.copy;
  if (c.ok) {
    const v = c.value;
    const rows = v.rows;
    const p = rate(v.psql, rows, v.bytes);
    const s = rate(v.sluice, rows, v.bytes);
    const ratio = p.ms / s.ms;
    const copyP = medOf(v.psql, (x) => x.copyMs);
    const copyS = medOf(v.sluice, (x) => x.copyMs);
    const rl = rate(v.reload, rows, v.bytes);
    const rstep = (k: StepKind) => medOf(v.reload, (x) => x.steps?.[k]);
    out.push(
      {
        scenario: `Landing the test object: landRows of ${n0(rows)} generated rows (setup, not a target)`,
        target: '—',
        text: `${fmtMs(v.landMs)} for ${mb(v.bytes)} (${n0((rows * 1000) / v.landMs)} rows/s)`,
      },
      {
        scenario: `psql \\copy of the ${mb(v.bytes)} object's file into a plain table with the partition's columns, constant defaults and CHECK (median of ${v.psql.length})`,
        target: 'reference',
        text: `${secs(p.ms)}: ${n0(p.rowsPerSec)} rows/s, ${p.mbPerSec.toFixed(1)} MB/s (its COPY statement ${secs(copyP)})${range(v.psql.map((x) => x.ms))}`,
      },
      {
        scenario: `Sluice loadObjects(directWarehouse) of the same object: COPY into a side table, ATTACH as raw.${SLUICE_TABLE}'s partition (median of ${v.sluice.length})`,
        target: `≥ ${COPY_RATIO}× psql (rows/s and MB/s)`,
        text:
          `${secs(s.ms)}: ${n0(s.rowsPerSec)} rows/s, ${s.mbPerSec.toFixed(1)} MB/s = ${ratio.toFixed(3)}× psql ` +
          `(its COPY statement ${secs(copyS)} = ${(copyP / copyS).toFixed(3)}× psql's)${range(v.sluice.map((x) => x.ms))}`,
        pass: ratio >= COPY_RATIO,
      },
      {
        scenario: `Sluice re-load of the same day over the full partition (count, DETACH and DROP of the old partition table; median of ${v.reload.length})`,
        target: 'diagnostic',
        text:
          `${secs(rl.ms)}: ${n0(rl.rowsPerSec)} rows/s = ${(s.ms / rl.ms).toFixed(3)}× a first load; replaced ${n0(v.reload[0].replaced)} rows ` +
          `(count ${fmtMs(rstep('count'))}, detach + drop ${fmtMs(rstep('detach'))}, rename + attach ${fmtMs(rstep('attach'))}, COMMIT ${fmtMs(rstep('commit'))})${range(v.reload.map((x) => x.ms))}`,
      },
    );
  } else {
    out.push({
      scenario: '1M-row CSV object → raw, Sluice vs psql \\copy',
      target: `≥ ${COPY_RATIO}× psql`,
      text: err(c),
      pass: false,
    });
  }

  const m = r.rss;
  const rssScenario = 'Peak RSS of a separate Node process loading a ~1 GB object with loadObjects';
  if (!m.ok) out.push({ scenario: rssScenario, target: '≤ 256 MiB', text: err(m), pass: false });
  else if (m.value.skipped !== undefined)
    out.push({ scenario: rssScenario, target: '≤ 256 MiB', text: `skipped: ${m.value.skipped}` });
  else {
    const x = m.value.report;
    const peak = Math.max(x.peakRss, x.hwm ?? 0);
    out.push({
      scenario: rssScenario,
      target: '≤ 256 MiB',
      text:
        `${mib(peak)} (VmHWM ${x.hwm === undefined ? 'n/a' : mib(x.hwm)}, highest of ${x.samples} samples every 50 ms ${mib(x.peakRss)}; ` +
        `${mib(x.startRss)} before the load); ${n0(x.rows)} rows, ${mb(x.bytes)} in ${secs(x.ms)} = ${(x.bytes / 1e3 / x.ms).toFixed(1)} MB/s, ${n0((x.rows * 1000) / x.ms)} rows/s`,
      pass: peak <= RSS_LIMIT,
    });
  }

  const h = r.http;
  if (h.ok) {
    const v = h.value;
    const lake = httpRate(v.lake);
    const bare = httpRate(v.bare);
    out.push(
      {
        scenario: `HTTP API → lake: landRows(httpSource) of ${n0(v.records)} records, ${v.pageSize} per page, cursor pagination (median of ${v.lake.length})`,
        target: 'records/s (reported)',
        text: `${n0(lake.perSec)} records/s, ${lake.pagesPerSec.toFixed(0)} pages/s (${secs(lake.ms)}; object ${mb(v.objectBytes)})${range(v.lake.map((x) => x.ms))} = ${pct(lake.perSec / bare.perSec)} of the bare fetch`,
      },
      {
        scenario: 'The same pages, fetch + JSON.parse only, nothing written (baseline)',
        target: 'reference',
        text: `${n0(bare.perSec)} records/s, ${bare.pagesPerSec.toFixed(0)} pages/s (${secs(bare.ms)})${range(v.bare.map((x) => x.ms))}`,
      },
    );
  } else {
    out.push({ scenario: 'HTTP API → lake, 100k records', target: 'records/s', text: err(h) });
  }
  return out;
}

function httpRate(runs: HttpRun[]) {
  const ms = med(runs);
  return {
    ms,
    perSec: (runs[0].records * 1000) / ms,
    pagesPerSec: (runs[0].pages * 1000) / ms,
    cpuMs: median(runs.map((x) => x.cpuMs)),
  };
}

/** "What limits it", from the measured figures. */
export function whatLimitsIt(r: LoadResults): string {
  const out: string[] = [];
  if (r.copy.ok) out.push(...copyNotes(r.copy.value, r.cores, r.server));
  if (r.rss.ok && r.rss.value.skipped === undefined) out.push(rssNote(r.rss.value));
  if (r.http.ok) out.push(httpNote(r.http.value));
  return out.join('\n\n');
}

function copyNotes(v: CopyResult & { rows: number; bytes: number }, cores: number, server: ServerFacts): string[] {
  const p = med(v.psql);
  const s = med(v.sluice);
  const pgP = medOf(v.psql, (x) => x.backendCpuMs);
  const pgS = medOf(v.sluice, (x) => x.backendCpuMs);
  const others = medOf([...v.psql, ...v.sluice], (x) => x.otherPgCpuMs);
  const clientP = medOf(v.psql, (x) => x.clientCpuMs);
  const clientS = medOf(v.sluice, (x) => x.clientCpuMs);
  const copyP = medOf(v.psql, (x) => x.copyMs);
  const copyS = medOf(v.sluice, (x) => x.copyMs);
  const aroundP = medOf(v.psql, (x) => (x.copyMs === undefined ? undefined : x.ms - x.copyMs));
  const aroundS = medOf(v.sluice, (x) => (x.copyMs === undefined ? undefined : x.ms - x.copyMs));
  const step = (k: StepKind) => medOf(v.sluice, (x) => x.steps?.[k]);
  const walP = medOf(v.psql, (x) => x.walBytes);
  const walS = medOf(v.sluice, (x) => x.walBytes);
  const checkpoints = [...v.psql, ...v.sluice].reduce((n, x) => n + (x.checkpoints ?? 0), 0);
  const busy = (runs: LoadRun[]) => medOf(runs, (x) => x.cpu?.busy);
  const iowait = (runs: LoadRun[]) => medOf(runs, (x) => x.cpu?.iowait);
  const spread = (runs: LoadRun[]) => {
    const ms = runs.map((x) => x.ms);
    return (Math.max(...ms) - Math.min(...ms)) / median(ms);
  };
  const vs = (a: number, b: number) => `${fmtMs(Math.abs(a - b))} ${a >= b ? 'more' : 'less'}`;
  const nCols = ORDER_LINE_COLUMNS.length;
  const rl = med(v.reload);
  const rstep = (k: StepKind) => medOf(v.reload, (x) => x.steps?.[k]);
  const maxIowait = Math.max(iowait(v.psql), iowait(v.sluice));
  return [
    '**What each side does.** Sluice (`loadObjects` with `directWarehouse`, a new pool per run): `stat` of the object and its metadata sidecar; ' +
      `a connection and \`BEGIN\`; ensureRawTable's look at raw.${SLUICE_TABLE} in pg_attribute (a table \`PARTITION BY LIST (_partition)\`); createSideTable: ` +
      `\`DROP TABLE IF EXISTS raw.${SLUICE_SIDE}\`, \`CREATE TABLE raw.${SLUICE_SIDE} (LIKE raw.${SLUICE_TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)\`, ` +
      `one \`ALTER TABLE\` setting constant defaults for \`_ds\` and \`_partition\` and adding \`CHECK (_partition = '${BENCH_PARTITION}')\`, and setSourceObject's ` +
      `\`ALTER … SET DEFAULT\` of \`_source_object\`; \`COPY raw.${SLUICE_SIDE} (${nCols} columns) FROM STDIN WITH (FORMAT csv, HEADER MATCH)\` fed by a file read stream ` +
      'piped through a SHA-256 `Transform` into pg-copy-streams; the row-count and checksum check against the metadata; the `sluice.ingestion_log` insert; ' +
      `swapPartition: \`to_regclass\` of raw.${SLUICE_PARTITION} (absent: the reset dropped it), \`RENAME\` of the side table to that name and ` +
      `\`ATTACH PARTITION … FOR VALUES IN ('${BENCH_PARTITION}')\`, which does not scan the rows because the CHECK already proves the partition constraint; \`COMMIT\`; the pool's close. ` +
      `psql: \`psql -X -c '\\timing on' -c "\\copy raw.${PSQL_TABLE} (${nCols} columns) FROM '<the object's file>' WITH (FORMAT csv, HEADER true)"\` ` +
      '(a new process and connection per run; psql reads the file and sends one `COPY … FROM STDIN` in its own transaction) into a plain table made once with the statements ' +
      `createSideTable and setSourceObject send (\`LIKE raw.${SLUICE_TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS\`, the same constant defaults and CHECK) and never attached. ` +
      `Both tables are \`${v.shape}\`, checked before the first load and after the last, so per row the server does the same work on both sides: parse the CSV line, ` +
      `convert ${nCols} columns, fill the four bookkeeping columns from their defaults (three constants and \`now()\`), check the NOT NULLs and the CHECK, write the heap tuple and its WAL; ` +
      "there is no index. What still differs: Sluice's table is created in the load's own transaction (COPY then skips free-space-map lookups" +
      (server.walLevel === 'minimal'
        ? ", and with wal_level minimal it skips WAL for the table, which psql's existing table cannot"
        : `; with wal_level ${server.walLevel} its rows are WAL-logged all the same`) +
      "), and Sluice sends the DDL around the COPY; psql's table was emptied by a `TRUNCATE` in an earlier transaction. " +
      `Before every measured load, untimed: Sluice's day partition is dropped (\`DROP TABLE raw.${SLUICE_PARTITION}\`, so each measured load is the day's first load) ` +
      `or psql's table truncated, then a \`CHECKPOINT\`; the sides alternate going first. The tables were compared at the end (${v.fingerprint}).`,
    `**Where the time goes.** The server's COPY backend sets the pace on both sides: during a psql load it used ${fmtMs(pgP)} of CPU in ${fmtMs(p)} ` +
      `(${pct(pgP / p)} of one core) and psql itself ${fmtMs(clientP)}; during a Sluice load the backend used ${fmtMs(pgS)} in ${fmtMs(s)} (${pct(pgS / s)} of one core) ` +
      `and the benchmark's Node process ${fmtMs(clientS)} (reading the file, SHA-256, COPY framing, the statements around the COPY). One COPY is one backend, so one core parses the CSV, ` +
      `converts the types, fills the defaults, checks the constraints and writes heap pages and WAL; ${cores} cores cannot speed one load up. ` +
      `A load wrote ${mb(walS)} of WAL on the Sluice side and ${mb(walP)} on the psql side (the whole server's, median) for a table of ` +
      `${mb(v.tableBytes.sluice)} (Sluice's partition) and ${mb(v.tableBytes.psql)} (psql's) from ${mb(v.bytes)} of CSV. ` +
      `The other Postgres processes used ${fmtMs(others)} per load (median): the WAL writer, the background writer, the checkpointer ` +
      `(${checkpoints} checkpoint${checkpoints === 1 ? '' : 's'} completed during the ${v.psql.length + v.sluice.length} measured loads), ` +
      `${server.autovacuum ? 'autovacuum, ' : ''}and other clients of this server${server.autovacuum ? '' : ' (autovacuum is off on it)'}. The machine was ${pct(busy(v.psql))} busy ` +
      `(${pct(iowait(v.psql))} I/O wait) during psql loads and ${pct(busy(v.sluice))} (${pct(iowait(v.sluice))}) during Sluice loads` +
      `${maxIowait < 0.1 ? ', so the disk is not the limit' : ', so the disk is part of the limit'}. ` +
      `The COPY statement itself took ${fmtMs(copyS)} for Sluice and ${fmtMs(copyP)} for psql (psql's own \`\\timing\`), ${vs(copyS, copyP)} for the same rows and the same per-row work, ` +
      `and the backend used ${vs(pgS, pgP)} CPU when Sluice fed it: what differs is how the client feeds the backend (Sluice sends each 64 KiB chunk of the file as one CopyData ` +
      'message, psql sends the file in 8 KB messages, so its backend handles eight times as many) and noise. ' +
      `Around the COPY Sluice spent ${fmtMs(aroundS)} (medians: connection and BEGIN ${fmtMs(step('connect'))}, table check ${fmtMs(step('check'))}, ` +
      `side table DDL ${fmtMs(step('side'))}, ingestion log ${fmtMs(step('log'))}, to_regclass ${fmtMs(step('count'))}, rename and attach ${fmtMs(step('attach'))}, ` +
      `COMMIT ${fmtMs(step('commit'))}, stat of the object, pool creation and close ${fmtMs(step('outside'))}) and psql ${fmtMs(aroundP)} ` +
      `(starting the process, connecting, its \`\\timing\` statement, exiting). Sluice's total was ${vs(s, p)} than psql's (${(p / s).toFixed(3)}× psql's speed). ` +
      `Runs of one side spread by up to ${pct(Math.max(spread(v.psql), spread(v.sluice)))} of their median on this shared ${cores}-core machine, ` +
      'so differences of a few percent between sides are within the noise.',
    `**Re-loading a day** (${v.reload.length} more loads of ${BENCH_PARTITION}, each over its full partition, after a \`CHECKPOINT\`) took ${fmtMs(rl)} (median${range(v.reload.map((x) => x.ms))}) ` +
      `against ${fmtMs(s)} for the day's first load, ${vs(rl, s)}. Each fills a new side table exactly as a first load does (COPY ${fmtMs(rstep('copy'))} against ${fmtMs(copyS)}); ` +
      `then swapPartition, in the same transaction, counts the old partition's ${v.reload[0].replaced.toLocaleString('en-US')} rows for \`replaced\` ` +
      `(a full scan of the old table: ${fmtMs(rstep('count'))} with to_regclass), detaches it from raw.${SLUICE_TABLE} and drops it (${fmtMs(rstep('detach'))}), ` +
      `renames and attaches the side table (${fmtMs(rstep('attach'))}); COMMIT, which now also unlinks the old table's files, took ${fmtMs(rstep('commit'))} against ${fmtMs(step('commit'))}. ` +
      `No row is deleted one by one: the old table's files go at commit, leaving no dead tuples for vacuum, and a re-load wrote ${mb(medOf(v.reload, (x) => x.walBytes))} of WAL against ` +
      `${mb(walS)} for a first load. Readers see the old rows until COMMIT; the non-concurrent \`DETACH PARTITION\` locks raw.${SLUICE_TABLE} ACCESS EXCLUSIVE from the detach to COMMIT, ` +
      'so queries on any day of the table wait for that part of the transaction.',
  ];
}

function rssNote(v: Exclude<RssResult, { skipped: string }>): string {
  const x = v.report;
  const peak = Math.max(x.peakRss, x.hwm ?? 0);
  const half = Math.ceil(x.timeline.length / 2);
  const first = x.timeline.slice(0, half);
  const second = x.timeline.slice(half);
  return (
    `**Memory.** The loader process peaked at ${mib(peak)} RSS while ${mb(x.bytes)} went through it; ${mib(x.startRss)} of that was there before the ` +
    `load (Node, tsx, pg and the imported modules). The object is never in memory: \`loadObjects\` pipes a file read stream (64 KiB chunks) into the hashing ` +
    "`Transform`, which directWarehouse's `copyFrom` feeds to pg-copy-streams with `pipeline`; pg-copy-streams waits for the socket's `drain` when a write returns false, so backpressure from " +
    "Postgres pauses the file reads and only the streams' buffers (some hundred KiB) are in flight. " +
    `The JS heap peaked at ${mib(x.peakHeapUsed)} and Buffers (arrayBuffers) at ${mib(x.peakArrayBuffers)}, which is far more than is in flight: ` +
    'chunks already sent, waiting for the garbage collector, which V8 runs when external memory has grown by some tens of MiB. ' +
    `RSS stays flat over the load: the highest sample in its first half was ${mib(Math.max(...first))}, in its second half ${second.length ? mib(Math.max(...second)) : 'n/a'}. The load took ${fmtMs(x.ms)} ` +
    `(${(x.bytes / 1e3 / x.ms).toFixed(1)} MB/s); the loader used ${fmtMs(x.cpuMs)} of CPU (${pct(x.cpuMs / x.ms)} of one core) and the COPY backend ` +
    `${v.pg.backendMs === undefined ? 'n/a' : `${fmtMs(v.pg.backendMs)} (${pct(v.pg.backendMs / x.ms)} of one core)`}, so here too the backend sets the pace ` +
    `(the server wrote ${mb(v.wal.walBytes)} of WAL meanwhile for a partition of ${mb(v.tableBytes)}, and completed ` +
    `${v.wal.checkpoints === undefined ? 'an unknown number of' : v.wal.checkpoints} checkpoint${v.wal.checkpoints === 1 ? '' : 's'} during the load; ` +
    `the other Postgres processes used ${v.pg.othersMs === undefined ? 'n/a' : fmtMs(v.pg.othersMs)}). ` +
    `Generating and landing the object beforehand (landRows, spool file then put) took ${fmtMs(v.landMs)}.`
  );
}

function httpNote(v: HttpResult): string {
  const lake = httpRate(v.lake);
  const bare = httpRate(v.bare);
  const usLake = (lake.cpuMs * 1000) / v.records;
  const usBare = (bare.cpuMs * 1000) / v.records;
  return (
    `**HTTP ingest.** The API runs in its own process with every page rendered once at start-up, so a request costs it little. ` +
    `The bare loop (fetch, read the body as text, JSON.parse) took ${fmtMs(bare.ms)} for ${v.records.toLocaleString('en-US')} records ` +
    `(${usBare.toFixed(1)} µs of Node CPU per record); the lake path took ${fmtMs(lake.ms)} (${usLake.toFixed(1)} µs per record), ` +
    `so the lake costs about ${(usLake - usBare).toFixed(1)} µs of CPU per record on top: picking the declared columns out of each record, coercing ` +
    "every value (`compileRow(columns, { input: 'json' })`), formatting the CSV line, SHA-256 over the bytes, writing the spool file, and copying the spool " +
    'into the store. All of it runs on the one Node thread, which is busy the whole time (CPU ≈ wall): the next page is requested as soon as its URL ' +
    "is known, while this page's records are written, but on loopback a request costs little, so that overlap pays off against a remote API with " +
    `real latency rather than here; the object came to ${mb(v.objectBytes)}.`
  );
}
