import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isAlive } from '../db/embedded';

/**
 * The temp folder of each worker slot, the TMPDIR of the try it runs: spool files, downloads and
 * whatever a task's tools write there go with the try on every exit path. The worker empties it
 * when a try ends (a look costs one readdir; a folder per try cost ~2 ms of mkdir and rm on every
 * task), the executor when the worker dies or is killed, and a new executor removes the folders of
 * executors on this host that died (each executor's folder is named by its pid).
 */
export class TryDirs {
  readonly root: string;
  private readonly made = new Set<string>();

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

  /** The folder of slot `name`, made on first use. */
  of(name: string): string {
    const dir = this.pathOf(name);
    if (!this.made.has(dir) || !existsSync(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    return dir;
  }

  pathOf(name: string): string {
    return path.join(this.root, name);
  }

  /** Removes what a try left in slot `name`'s folder (the folder stays for the next try; a missing one is not made). */
  empty(name: string): void {
    emptyDir(this.pathOf(name));
  }

  removeAll(): void {
    rmSync(this.root, { recursive: true, force: true });
    this.made.clear();
  }
}

/** Removes everything in `dir`; returns how many entries there were. */
export function emptyDir(dir: string): number {
  const left = safeList(dir);
  for (const name of left) rmSync(path.join(dir, name), { recursive: true, force: true });
  return left.length;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
