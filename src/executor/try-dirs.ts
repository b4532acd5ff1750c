import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../db/embedded';

/**
 * A temp folder per try (the try's TMPDIR): spool files, downloads and whatever a task's tools
 * write there go with the try on every exit path: the worker removes it when the task ends, the
 * executor when the worker dies or is killed, and a new executor sweeps those of executors that
 * died (the folder of each executor is named by its pid).
 */
export class TryDirs {
  readonly root: string;

  constructor(base = path.join(os.tmpdir(), 'sluice-tries')) {
    this.root = path.join(base, `${process.pid}`);
  }

  /** Removes the folders of executors on this host that no longer run. */
  sweepStale(): number {
    const base = path.dirname(this.root);
    let removed = 0;
    for (const name of safeList(base)) {
      const pid = Number(name);
      if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
      rmSync(path.join(base, name), { recursive: true, force: true });
      removed++;
    }
    return removed;
  }

  create(tiId: number, tryNumber: number): string {
    const dir = path.join(this.root, `ti-${tiId}-try-${tryNumber}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  removeAll(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function safeList(dir: string): string[] {
  try { return readdirSync(dir); } catch { return []; }
}
