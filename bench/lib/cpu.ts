/** Machine-wide CPU use over an interval, from /proc/stat (Linux); undefined elsewhere. */
import { readFileSync } from 'node:fs';

export type CpuSnapshot = readonly number[];

export interface CpuShare {
  /** Share of CPU time not idle and not waiting for I/O, 0..1. */
  readonly busy: number;
  /** Share of CPU time idle while I/O was pending, 0..1. */
  readonly iowait: number;
}

export function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    return line.trim().split(/\s+/).slice(1).map(Number);
  } catch {
    return undefined;
  }
}

/** user nice system idle iowait irq softirq steal … between two snapshots. */
export function cpuShare(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined): CpuShare | undefined {
  if (!a || !b) return undefined;
  const d = b.map((v, i) => v - (a[i] ?? 0)).slice(0, 8);
  const total = d.reduce((x, y) => x + y, 0);
  if (!total) return undefined;
  const idle = d[3] ?? 0;
  const iowait = d[4] ?? 0;
  return { busy: (total - idle - iowait) / total, iowait: iowait / total };
}
