/**
 * Child process of the RSS scenario: loads one lake object with loadObjects and reports its own
 * peak RSS, so the figure is the loader's alone (not the benchmark's, nor the data generator's).
 * Started by load-rss.ts through forkTs; input in the environment, result over IPC.
 */
import { readFileSync } from 'node:fs';
import { directWarehouse } from '../../src/executor/child-warehouse';
import { localObjectStore } from '../../src/lake/local-object-store';
import { loadObjects } from '../../src/warehouse/load-objects';

export interface RssReport {
  readonly rows: number;
  readonly bytes: number;
  readonly ms: number;
  /** RSS after the imports, before the load started. */
  readonly startRss: number;
  /** Highest of the 50 ms samples. */
  readonly peakRss: number;
  readonly samples: number;
  /** Every RSS sample, in order: flat or growing? */
  readonly timeline: number[];
  readonly peakHeapUsed: number;
  readonly peakArrayBuffers: number;
  /** VmHWM from /proc/self/status: the kernel's own high-water mark, in bytes. */
  readonly hwm?: number;
  readonly cpuMs: number;
}

function vmHwm(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<RssReport> {
  const env = (name: string) => {
    const v = process.env[name];
    if (!v) throw new Error(`${name} is not set`);
    return v;
  };
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  let peakHeapUsed = 0;
  let peakArrayBuffers = 0;
  const timeline: number[] = [];
  const sample = () => {
    const m = process.memoryUsage();
    timeline.push(m.rss);
    peakRss = Math.max(peakRss, m.rss);
    peakHeapUsed = Math.max(peakHeapUsed, m.heapUsed);
    peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers);
  };
  const timer = setInterval(sample, 50);
  const wh = directWarehouse(env('LOAD_URL'));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const r = await loadObjects(wh, {
      store: localObjectStore(env('LOAD_LAKE')),
      bucket: env('LOAD_BUCKET'),
      keys: [env('LOAD_KEY')],
      target: { schema: 'raw', table: env('LOAD_TABLE') },
      ds: env('LOAD_DS'),
      source: 'bench.rss',
    });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    sample();
    return {
      rows: r.rows,
      bytes: r.bytes,
      ms,
      startRss,
      peakRss,
      samples: timeline.length,
      timeline,
      peakHeapUsed,
      peakArrayBuffers,
      hwm: vmHwm(),
      cpuMs: (cpu.user + cpu.system) / 1000,
    };
  } finally {
    clearInterval(timer);
    await wh.close();
  }
}

main().then(
  (report) => process.send!({ ok: true, report }, () => process.exit(0)),
  (e) => process.send!({ ok: false, error: (e as Error).stack ?? String(e) }, () => process.exit(1)),
);
