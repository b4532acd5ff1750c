/** This process's CPU time and memory over a window: process.cpuUsage, and memoryUsage sampled for the peak. */

export interface Usage {
  /** User + system CPU of this process in the window, ms. */
  readonly cpuMs: number;
  readonly wallMs: number;
  /** Highest RSS sampled in the window less the RSS at its start, bytes. */
  readonly rssPeakDelta: number;
  /** heapUsed at the end less at the start (garbage not yet collected counts), bytes. */
  readonly heapDelta: number;
  readonly heapPeakDelta: number;
}

/** Starts measuring; `stop()` ends the window. Memory is sampled every `everyMs`. */
export function usageMeter(everyMs = 50): { stop(): Usage } {
  const m0 = process.memoryUsage();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rss = m0.rss;
  let heap = m0.heapUsed;
  const sample = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
    return m;
  };
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const m = sample();
      const cpu = process.cpuUsage(cpu0);
      return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - t0,
        rssPeakDelta: rss - m0.rss,
        heapDelta: m.heapUsed - m0.heapUsed,
        heapPeakDelta: heap - m0.heapUsed,
      };
    },
  };
}
